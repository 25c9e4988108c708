package graph_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/introspection"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/iccid"
)

func TestComplexityLimit(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "limits@x.example", 1, 1, 1)

	if res := api.Do(apitest.Request{Query: documents.Get("dashboard.graphql"), Variables: dashboardVars(), Token: a.token}); len(res.Errors) > 0 {
		t.Fatalf("the dashboard contract was refused: %+v", res.Errors)
	}
	abusive := `{ me {
		orders(first: 100) { edges { node { items { product { id sku name } } } } }
		simCards { usageSessions(first: 100) { edges { node { id bytesUp } } } }
	} }`
	res := api.Do(apitest.Request{Query: abusive, Token: a.token})
	if res.Status == http.StatusInternalServerError || len(res.Errors) != 1 || res.Errors[0].Code() != "COMPLEXITY_LIMIT" {
		t.Errorf("a query fanning out over every SIM and order answered %d %+v, want a COMPLEXITY_LIMIT error", res.Status, res.Errors)
	}
	if string(res.Data) != "" && string(res.Data) != "null" {
		t.Errorf("the refused query ran: %s", res.Data)
	}
}

func TestShapeLimits(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, func(c *config.Config) { c.MaxDepth = 3 })
	_, token := api.Customer("shape@x.example")
	refused := func(name string, res apitest.Response, code string) {
		t.Helper()
		if res.Status == http.StatusInternalServerError || len(res.Errors) != 1 || res.Errors[0].Code() != code {
			t.Errorf("%s answered %d %+v, want one %s error", name, res.Status, res.Errors, code)
		}
	}
	refused("a query 4 deep under a limit of 3", api.Do(apitest.Request{Query: `{ me { simCards { balance { amount } } } }`, Token: token}), "DEPTH_LIMIT")
	if res := api.Do(apitest.Request{Query: `{ me { simCards { iccid } } }`, Token: token}); len(res.Errors) > 0 {
		t.Errorf("a query 3 deep was refused: %+v", res.Errors)
	}

	wide := apitest.New(t)
	aliases := "{ products(first: 1) { edges {"
	for i := range 31 {
		aliases += fmt.Sprintf(" c%d: cursor", i)
	}
	refused("31 aliases", wide.Do(apitest.Request{Query: aliases + " } } }"}), "BAD_REQUEST")
	roots := "{ " + strings.Repeat("products(first: 1) { pageInfo { hasNextPage } } ", 11) + "}"
	refused("11 root fields", wide.Do(apitest.Request{Query: roots}), "BAD_REQUEST")
	if res := wide.Do(apitest.Request{Query: introspection.Query}); len(res.Errors) > 0 {
		t.Errorf("the introspection query GraphiQL sends (15 deep) was refused: %+v", res.Errors)
	}
	// Introspection counts like any other field.
	refused("introspection 4 deep under a limit of 3", api.Do(apitest.Request{Query: `{ __schema { types { fields { name } } } }`}), "DEPTH_LIMIT")
	refused("31 aliases of __typename", wide.Do(apitest.Request{Query: "{ me { " + strings.Repeat("t: __typename ", 31) + "} }"}), "BAD_REQUEST")
}

func TestTrustedDocumentsOnly(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, func(c *config.Config) { c.TrustedDocumentsOnly = true })
	a := newAccount(t, api, "trusted@x.example", 1, 1, 1)
	dash := documents.Get("dashboard.graphql")

	if res := api.Do(apitest.Request{Query: dash, Variables: dashboardVars(), Token: a.token}); len(res.Errors) > 0 {
		t.Fatalf("the shipped dashboard document was refused: %+v", res.Errors)
	}
	res := api.Do(apitest.Request{Query: `{ me { email } }`, Token: a.token})
	if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_REQUEST" {
		t.Errorf("an ad-hoc document answered %+v, want BAD_REQUEST", res.Errors)
	}
	// A client may send just the hash of a shipped document.
	sum := sha256.Sum256([]byte(dash))
	body := fmt.Sprintf(`{"variables": %s, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": %q}}}`, mustJSON(t, dashboardVars()), hex.EncodeToString(sum[:]))
	status, _, out := api.Raw(http.MethodPost, "/graphql", map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + a.token}, body)
	if status != http.StatusOK || !strings.Contains(out, `"email":"trusted@x.example"`) {
		t.Errorf("the dashboard by hash answered %d %.200s", status, out)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestProductionProfileHidesTheSchema(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, production(t))
	if status, _, _ := api.Get("/", nil); status != http.StatusNotFound {
		t.Errorf("GraphiQL in production: %d, want 404", status)
	}
	for _, q := range []string{
		`{ __schema { queryType { name } } }`,
		`{ __type(name: "SimCard") { fields { name } } }`,
		`query { ...Schema } fragment Schema on Query { ... on Query { __schema { types { name } } } }`,
	} {
		res := api.Do(apitest.Request{Query: q})
		if res.Status == http.StatusInternalServerError || len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_REQUEST" || (len(res.Data) > 0 && string(res.Data) != "null") {
			t.Errorf("introspection in production %s answered %d %s %+v, want one BAD_REQUEST error", q, res.Status, res.Data, res.Errors)
		}
	}
	if res := api.Do(apitest.Request{Query: `{ __typename }`}); len(res.Errors) > 0 {
		t.Errorf("__typename in production: %+v, want it answered", res.Errors)
	}
	if status, _, _ := api.Get("/metrics", nil); status != http.StatusNotFound {
		t.Errorf("/metrics on the API's listener in production: %d, want 404 (it has a listener of its own)", status)
	}
}

// Validation errors name what is wrong; in production they stop
// suggesting the schema's names, which would map it without introspection.
func TestProductionValidationSuggestsNothing(t *testing.T) {
	t.Parallel()
	probes := []string{
		`{ products(first: 1) { edges { curser } } }`,                                  // a field
		`{ products(frist: 1) { edges { cursor } } }`,                                  // an argument
		`{ products(first: 1, kind: SIM_CRD) { edges { cursor } } }`,                   // an enum value
		`mutation { login(input: { emial: "a@x.example", password: "p" }) { token } }`, // an input field
	}
	for _, env := range []struct {
		name    string
		opt     apitest.Option
		suggest bool
	}{
		{"development", func(*config.Config) {}, true},
		{"production", production(t), false},
	} {
		api := apitest.New(t, env.opt)
		for _, q := range probes {
			res := api.Do(apitest.Request{Query: q})
			if len(res.Errors) == 0 || res.Errors[0].Code() != "GRAPHQL_VALIDATION_FAILED" {
				t.Errorf("%s: %s answered %+v, want a validation error", env.name, q, res.Errors)
				continue
			}
			got := false
			for _, e := range res.Errors {
				got = got || strings.Contains(e.Message, "Did you mean")
			}
			if got != env.suggest {
				t.Errorf("%s: %s answered %+v; suggestions %v, want %v", env.name, q, res.Errors, got, env.suggest)
			}
		}
	}
}

// production is the production profile with the sandbox named; apitest
// runs it on the test's own database whatever DATABASE_URL says.
func production(t *testing.T) apitest.Option {
	t.Helper()
	cfg, err := config.Parse(map[string]string{"TEZ_ENV": "production", "DATABASE_URL": "postgres://set-by-apitest/tez", "TEZ_PAYMENT_PROVIDER": "sandbox"})
	if err != nil {
		t.Fatal(err)
	}
	return func(c *config.Config) { *c = cfg }
}

// A reseller's balances are priced by the most SIMs a page can hold,
// whatever ICCIDs it names: asking for them under many aliases is refused
// before any ICCID is looked up.
func TestResellerBalancesArePricedByTheirBound(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, key := api.Reseller("Priced", 1000, 1000, 0)
	header := map[string]string{"X-API-Key": key}
	iccids := map[string]any{"iccids": []string{iccid.WithCheckDigit("899970300000000001")}}
	if res := api.Do(apitest.Request{Query: documents.Get("reseller-balances.graphql"), Variables: iccids, Header: header}); len(res.Errors) > 0 {
		t.Fatalf("the balances contract was refused: %+v", res.Errors)
	}
	query := "query ($iccids: [ICCID!]!) {"
	for i := range 6 {
		query += fmt.Sprintf(" a%d: resellerSimCards(iccids: $iccids) { simCards { iccid msisdn status balance { amount currencyCode } lastUsageAt } notFound }", i)
	}
	res := api.Do(apitest.Request{Query: query + " }", Variables: iccids, Header: header})
	if len(res.Errors) != 1 || res.Errors[0].Code() != "COMPLEXITY_LIMIT" {
		t.Errorf("six copies of 500 balances answered %d %+v, want a COMPLEXITY_LIMIT error", res.Status, res.Errors)
	}
}
