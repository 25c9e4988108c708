package graph_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
)

// A request that fails before execution answers its errors and no data:
// 200 to a client accepting application/json (Apollo sends */*), 400 to one
// accepting application/graphql-response+json (GraphQL over HTTP).
func TestRequestErrorStatusFollowsAccept(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	bodies := map[string]string{
		"document that does not parse":       `{"query":"{"}`,
		"document that does not validate":    `{"query":"{ noSuchField }"}`,
		"variable of the wrong type":         `{"query":"query($n: Int) { products(first: $n) { edges { cursor } } }","variables":{"n":"three"}}`,
		"missing required variable":          `{"query":"query($n: Int!) { products(first: $n) { edges { cursor } } }"}`,
		"query that is not a string":         `{"query":1}`,
		"variables that are not a map":       `{"query":"{ __typename }","variables":"x"}`,
		"no query at all":                    `{"qeury":"{ __typename }"}`,
		"operation name not in the document": `{"query":"query A { __typename }","operationName":"B"}`,
	}
	accepts := []struct {
		accept, contentType string
		status              int
	}{
		{"application/json", "application/json", http.StatusOK},
		{"*/*", "application/json", http.StatusOK},
		{"", "application/json", http.StatusOK},
		{"application/graphql-response+json", "application/graphql-response+json", http.StatusBadRequest},
		{"application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json", http.StatusBadRequest},
	}
	// A body that is not JSON at all is 400 for every client (the spec's
	// SHOULD for application/json too; graphql-http's audit checks it).
	for _, body := range []string{`{"query": "{ __typename }`, `not json`, ``} {
		for _, a := range accepts {
			header := map[string]string{"Content-Type": "application/json"}
			if a.accept != "" {
				header["Accept"] = a.accept
			}
			status, h, raw := api.Raw(http.MethodPost, "/graphql", header, body)
			assertRequestError(t, status, h, raw, http.StatusBadRequest, a.contentType)
		}
	}
	for name, body := range bodies {
		for _, a := range accepts {
			t.Run(name+"/"+a.accept, func(t *testing.T) {
				t.Parallel()
				header := map[string]string{"Content-Type": "application/json"}
				if a.accept != "" {
					header["Accept"] = a.accept
				}
				status, h, raw := api.Raw(http.MethodPost, "/graphql", header, body)
				assertRequestError(t, status, h, raw, a.status, a.contentType)
			})
		}
	}
}

func assertRequestError(t *testing.T, status int, h http.Header, raw string, wantStatus int, wantType string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("status %d, want %d (%s)", status, wantStatus, raw)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
		t.Errorf("Content-Type %q, want %s", ct, wantType)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("body is not JSON: %s", raw)
	}
	if _, ok := got["data"]; ok {
		t.Errorf("a request that failed before execution has a data entry: %s", raw)
	}
	var errs []struct{ Message string }
	if err := json.Unmarshal(got["errors"], &errs); err != nil || len(errs) == 0 || errs[0].Message == "" {
		t.Errorf("no error message a developer can read: %s", raw)
	}
}

// An error during execution is not a request error: the answer keeps its
// data entry and status 200 whatever the client accepts.
func TestExecutionErrorKeepsData(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	for _, accept := range []string{"application/json", "application/graphql-response+json"} {
		status, _, raw := api.Raw(http.MethodPost, "/graphql", map[string]string{"Content-Type": "application/json", "Accept": accept},
			// A cursor of another connection (three key parts; products have one).
			`{"query":"{ products(first: 1, after: \"WyJhIiwiYiIsImMiXQ\") { edges { cursor } } }"}`)
		if status != http.StatusOK || !strings.Contains(raw, `"data":null`) || !strings.Contains(raw, `"BAD_USER_INPUT"`) {
			t.Errorf("Accept %s: %d %s, want 200 with data null and a BAD_USER_INPUT error", accept, status, raw)
		}
	}
}

// Only queries run by GET: a mutation answers 405 with Allow: POST and
// changes nothing; a query by GET still answers.
func TestGETRunsOnlyQueries(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	get := func(query, accept string) (int, http.Header, string) {
		t.Helper()
		return api.Raw(http.MethodGet, "/graphql?query="+url.QueryEscape(query), map[string]string{"Accept": accept}, "")
	}
	register := `mutation { register(input: {email: "get@x.example", password: "a long passphrase", acceptTerms: true}) { token } }`
	for _, accept := range []string{"application/json", "application/graphql-response+json"} {
		status, h, raw := get(register, accept)
		if status != http.StatusMethodNotAllowed || h.Get("Allow") != http.MethodPost {
			t.Errorf("Accept %s: mutation by GET answered %d, Allow %q; want 405, Allow: POST (%s)", accept, status, h.Get("Allow"), raw)
		}
		if !strings.Contains(raw, "POST") || strings.Contains(raw, `"data"`) {
			t.Errorf("Accept %s: body %s, want an error naming POST and no data", accept, raw)
		}
	}
	var n int
	if err := api.DB.Get(&n, `SELECT count(*) FROM users WHERE email = 'get@x.example'`); err != nil || n != 0 {
		t.Errorf("a mutation sent by GET created %d accounts (%v)", n, err)
	}
	if status, _, raw := get(`{ __typename }`, "application/json"); status != http.StatusOK || raw != `{"data":{"__typename":"Query"}}` {
		t.Errorf("query by GET answered %d %s", status, raw)
	}
	status, h, raw := get(`{ nope }`, "application/graphql-response+json")
	assertRequestError(t, status, h, raw, http.StatusBadRequest, "application/graphql-response+json")
}

// A request no transport takes (a form's text/plain body, PUT) answers a
// coded BAD_REQUEST that says what to send, not gqlgen's bare
// "transport not supported".
func TestUnsupportedRequestSaysWhatToSend(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	for _, c := range []struct {
		method, contentType string
		status              int
	}{
		{http.MethodPost, "text/plain", http.StatusUnsupportedMediaType},
		{http.MethodPost, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{http.MethodPut, "application/json", http.StatusMethodNotAllowed},
	} {
		status, h, raw := api.Raw(c.method, "/graphql", map[string]string{"Content-Type": c.contentType}, `{"query":"{ __typename }"}`)
		if status != c.status || !strings.Contains(raw, `"code":"BAD_REQUEST"`) || !strings.Contains(raw, "application/json") {
			t.Errorf("%s %s answered %d %s, want %d with a BAD_REQUEST naming application/json", c.method, c.contentType, status, raw, c.status)
		}
		assertRequestError(t, status, h, raw, c.status, "application/json")
	}
}
