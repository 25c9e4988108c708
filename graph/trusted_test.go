package graph_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/server"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// signInAsCodegenPrints is sign-in.graphql as graphql-codegen sends it:
// graphql-js print(parse(file)), comments and layout gone.
const signInAsCodegenPrints = `mutation SignIn($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) {
    token
    user {
      id
      email
    }
    userErrors {
      field
      message
      code
    }
  }
}`

// signInAsApolloSends is the same after Apollo's (and urql's) addTypename:
// __typename closes every selection set below the root.
const signInAsApolloSends = `mutation SignIn($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) {
    token
    user {
      id
      email
      __typename
    }
    userErrors {
      field
      message
      code
      __typename
    }
    __typename
  }
}`

func trustedAPI(t *testing.T, manifests ...string) *apitest.API {
	return apitest.New(t, func(c *config.Config) {
		c.TrustedDocumentsOnly = true
		c.TrustedManifests = manifests
	})
}

func code(res apitest.Response) string {
	if len(res.Errors) != 1 {
		return ""
	}
	return res.Errors[0].Code()
}

func TestTrustedDocumentsMatchWhatClientsSend(t *testing.T) {
	t.Parallel()
	api := trustedAPI(t)
	signIn := map[string]any{"email": "clients@x.example", "password": "a long enough password 1"}
	if res := api.Do(apitest.Request{Query: documents.Get("register.graphql"), Variables: signIn}); len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"userErrors":[]`) {
		t.Fatalf("register: %+v %s", res.Errors, res.Data)
	}
	a := newAccount(t, api, "dashboard@x.example", 1, 1, 1)

	for name, text := range map[string]string{"the file as written": documents.Get("sign-in.graphql"), "codegen's print": signInAsCodegenPrints, "Apollo's and urql's, with __typename": signInAsApolloSends} {
		res := api.Do(apitest.Request{Query: text, Variables: signIn})
		if len(res.Errors) > 0 {
			t.Errorf("%s: refused: %+v", name, res.Errors)
			continue
		}
		if !strings.Contains(string(res.Data), `"token":"`) {
			t.Errorf("%s: answered %s, want a session token", name, res.Data)
		}
		if hasTypename := strings.Contains(string(res.Data), `"__typename":"`); hasTypename != strings.Contains(text, "__typename") {
			t.Errorf("%s: the client's own text must run (its cache needs its __typename): got %s", name, res.Data)
		}
	}

	// The dashboard reprinted in another layout, one field per line.
	doc, err := parser.ParseQuery(&ast.Source{Input: documents.Get("dashboard.graphql")})
	if err != nil {
		t.Fatal(err)
	}
	var reprinted bytes.Buffer
	formatter.NewFormatter(&reprinted, formatter.WithIndent("    ")).FormatQueryDocument(doc)
	if res := api.Do(apitest.Request{Query: reprinted.String(), Variables: dashboardVars(), Token: a.token}); len(res.Errors) > 0 {
		t.Errorf("the dashboard reprinted was refused: %+v", res.Errors)
	}

	for name, text := range map[string]string{
		"an extra field":                           strings.Replace(signInAsCodegenPrints, "email\n    }", "email\n      fullName\n    }", 1),
		"another argument":                         strings.Replace(signInAsApolloSends, "{email: $email, password: $password}", "{email: $email, password: \"x\"}", 1),
		"an aliased typename":                      strings.Replace(signInAsApolloSends, "id\n", "id\n      __typename: email\n", 1),
		"a trusted operation beside an ad-hoc one": signInAsCodegenPrints + "\nquery Other { me { email } }",
	} {
		res := api.Do(apitest.Request{Query: text, Variables: signIn})
		if code(res) != "BAD_REQUEST" || !strings.Contains(res.Errors[0].Message, "trusted documents") {
			t.Errorf("%s: answered %+v %s, want BAD_REQUEST naming the trusted documents", name, res.Errors, res.Data)
		}
	}
	// Garbled text is answered as garbled, not run.
	if res := api.Do(apitest.Request{Query: "mutation SignIn {"}); len(res.Errors) != 1 || res.Data != nil && string(res.Data) != "null" {
		t.Errorf("garbled text answered %+v %s", res.Errors, res.Data)
	}
}

func TestTrustedManifestsAndDocumentIDs(t *testing.T) {
	t.Parallel()
	// A manifest as graphql-codegen's client-preset writes it (id → print).
	manifest := filepath.Join(t.TempDir(), "persisted-documents.json")
	const me = "query Me {\n  me {\n    email\n  }\n}"
	if err := os.WriteFile(manifest, []byte(`{"sha256:m1": "query Me {\n  me {\n    email\n  }\n}", "s1": `+mustJSON(t, signInAsCodegenPrints)+`}`), 0o600); err != nil {
		t.Fatal(err)
	}
	api := trustedAPI(t, manifest)
	a := newAccount(t, api, "manifest@x.example", 0, 0, 0)
	bearer := map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + a.token}

	status, _, out := api.Raw(http.MethodPost, "/graphql", bearer, `{"documentId": "sha256:m1"}`)
	if status != http.StatusOK || out != `{"data":{"me":{"email":"manifest@x.example"}}}` {
		t.Errorf("documentId by POST answered %d %s", status, out)
	}
	status, _, out = api.Get("/graphql?documentId="+url.QueryEscape("sha256:m1"), bearer)
	if status != http.StatusOK || out != `{"data":{"me":{"email":"manifest@x.example"}}}` {
		t.Errorf("documentId by GET answered %d %s", status, out)
	}
	status, _, out = api.Raw(http.MethodPost, "/graphql", bearer, `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "sha256:m1"}}}`)
	if status != http.StatusOK || !strings.Contains(out, `"email":"manifest@x.example"`) {
		t.Errorf("the manifest id as persistedQuery.sha256Hash answered %d %s", status, out)
	}
	// The manifest's texts are trusted as text too, __typename added.
	if res := api.Do(apitest.Request{Query: "query Me { me { email __typename } }", Token: a.token}); len(res.Errors) > 0 {
		t.Errorf("the manifest's document as text was refused: %+v", res.Errors)
	}
	// An id nobody registered: not found, so an automatic-persisted-query
	// client sends the text next.
	status, _, out = api.Raw(http.MethodPost, "/graphql", bearer, `{"documentId": "sha256:nope"}`)
	if !strings.Contains(out, `"PERSISTED_QUERY_NOT_FOUND"`) {
		t.Errorf("an unknown documentId answered %d %s", status, out)
	}

	// Apollo's persisted-query link: the hash of its own text, then the
	// text with the hash, then the hash alone again.
	text := "query Me { me { __typename email } }"
	sum := sha256.Sum256([]byte(text))
	hash := hex.EncodeToString(sum[:])
	ext := `"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + hash + `"}}`
	if _, _, out := api.Raw(http.MethodPost, "/graphql", bearer, `{`+ext+`}`); !strings.Contains(out, `"PERSISTED_QUERY_NOT_FOUND"`) {
		t.Errorf("a first hash-only request answered %s", out)
	}
	if _, _, out := api.Raw(http.MethodPost, "/graphql", bearer, `{"query": `+mustJSON(t, text)+`, `+ext+`}`); !strings.Contains(out, `"email":"manifest@x.example"`) {
		t.Errorf("the text with its hash answered %s", out)
	}
	if _, _, out := api.Raw(http.MethodPost, "/graphql", bearer, `{`+ext+`}`); !strings.Contains(out, `"email":"manifest@x.example"`) {
		t.Errorf("the hash alone, once its text ran, answered %s", out)
	}
	// An untrusted text never becomes a trusted hash.
	evil := "query Me { me { id email } }"
	evilSum := sha256.Sum256([]byte(evil))
	evilExt := `"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + hex.EncodeToString(evilSum[:]) + `"}}`
	api.Raw(http.MethodPost, "/graphql", bearer, `{"query": `+mustJSON(t, evil)+`, `+evilExt+`}`)
	if _, _, out := api.Raw(http.MethodPost, "/graphql", bearer, `{`+evilExt+`}`); strings.Contains(out, `"data"`) && strings.Contains(out, "manifest@x.example") {
		t.Errorf("an untrusted text ran by its hash: %s", out)
	}
}

func TestTrustedManifestsThatCannotBeUsedStopTheServer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	st := store.New(testdb.New(t))
	for name, tc := range map[string]struct {
		only     bool
		manifest string
		want     string
	}{
		"missing file":           {true, filepath.Join(dir, "absent.json"), "absent.json"},
		"not a JSON object":      {true, write("list.json", `["query { me { id } }"]`), "one JSON object"},
		"a document that fails":  {true, write("bad.json", `{"x": "query {"}`), `"x"`},
		"manifests without only": {false, write("ok.json", `{"x": "{ me { id } }"}`), "TEZ_TRUSTED_DOCUMENTS"},
	} {
		cfg := config.Defaults()
		cfg.TrustedDocumentsOnly = tc.only
		cfg.TrustedManifests = []string{tc.manifest}
		_, err := server.New(cfg, st, slog.New(slog.DiscardHandler))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: server.New said %v, want an error naming %s", name, err, tc.want)
		}
	}
}

// dashboardAsCodegenPersists is dashboard.graphql as graphql-codegen's
// persisted documents print it (printExecutableGraphQLDocument):
// selections and variables sorted, one line.
const dashboardAsCodegenPersists = `query Dashboard($from: DateTime!, $to: DateTime!) { me { addresses { city countryCode id isDefault line1 line2 phone postalCode recipientName } defaultAddress { city countryCode id } email emailVerified fullName id orders(first: 5) { edges { node { createdAt id items { iccid product { id kind name sku } quantity unitPrice { amount currencyCode } } number status total { amount currencyCode } } } pageInfo { endCursor hasNextPage } totalCount } simCards { balance { amount currencyCode } iccid id label msisdn recentUsageSessions(limit: 3) { bytesDown bytesUp cost { amount currencyCode } countryCode endedAt id networkName startedAt } status usage(from: $from, to: $to) { bytesDown bytesUp cost { amount currencyCode } sessionCount totalBytes } } } }`

func TestTrustedDocumentsInCodegensSortedPrint(t *testing.T) {
	t.Parallel()
	manifest := filepath.Join(t.TempDir(), "persisted-documents.json")
	const exact = "query Mine { me { email id } }"
	if err := os.WriteFile(manifest, []byte(`{"sha256:x": `+mustJSON(t, exact)+`}`), 0o600); err != nil {
		t.Fatal(err)
	}
	api := trustedAPI(t, manifest)
	a := newAccount(t, api, "sorted@x.example", 1, 1, 1)
	for name, text := range map[string]string{
		"a shipped query in codegen's sorted print":               dashboardAsCodegenPersists,
		"the same with __typename, as urql sends codegen's print": strings.Replace(dashboardAsCodegenPersists, "{ city countryCode id }", "{ __typename city countryCode id }", 1),
		"a manifest's exact text":                                 exact,
		"a manifest's text with its fields the other way round":   "query Mine { me { id email } }",
	} {
		if res := api.Do(apitest.Request{Query: text, Variables: dashboardVars(), Token: a.token}); len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"email":"sorted@x.example"`) {
			t.Errorf("%s: answered %+v %s", name, res.Errors, res.Data)
		}
	}
	for name, text := range map[string]string{
		"one field more":              strings.Replace(dashboardAsCodegenPersists, "email emailVerified", "email emailVerified phone", 1),
		"one field less":              strings.Replace(dashboardAsCodegenPersists, "email emailVerified", "email", 1),
		"another argument value":      strings.Replace(dashboardAsCodegenPersists, "orders(first: 5)", "orders(first: 100)", 1),
		"a field moved to another":    strings.Replace(strings.Replace(dashboardAsCodegenPersists, "{ city countryCode id }", "{ countryCode id }", 1), "email emailVerified", "city email emailVerified", 1),
		"an alias":                    strings.Replace(dashboardAsCodegenPersists, "email emailVerified", "e: email emailVerified", 1),
		"the manifest's text renamed": "query Yours { me { email id } }",
		"the exact text and another":  exact + " query Other { me { phone } }",
	} {
		res := api.Do(apitest.Request{Query: text, Variables: dashboardVars(), Token: a.token})
		if code(res) != "BAD_REQUEST" || !strings.Contains(res.Errors[0].Message, "trusted documents") {
			t.Errorf("%s: answered %+v %s, want BAD_REQUEST naming the trusted documents", name, res.Errors, res.Data)
		}
	}
}
