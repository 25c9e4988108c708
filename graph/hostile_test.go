package graph_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/introspection"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
)

// hostileDocument is a few kilobytes that once bought seconds of CPU.
type hostileDocument struct {
	name, query, code string
}

// hostileDocuments are the review's documents and their cousins, each with
// the code it is refused with. The first ones are over the token limit,
// which answers first; the last ones are under it. Before the limits, the first three
// held a core for seconds each (docs/security.md).
func hostileDocuments() []hostileDocument {
	var aliases, bomb strings.Builder
	for i := range 4000 {
		fmt.Fprintf(&aliases, " a%d: __typename", i)
	}
	for i := range 1000 {
		fmt.Fprintf(&bomb, " s%d: __schema { types { name fields { name type { name } } } }", i)
	}
	// Each fragment spreads the one before twice: 2^30 fields spread out.
	fragments := "fragment F0 on Query { __typename }\n"
	for i := 1; i <= 30; i++ {
		fragments += fmt.Sprintf("fragment F%d on Query { ...F%d ...F%d }\n", i, i-1, i-1)
	}
	return []hostileDocument{
		{"8,000 repeated __typename", "{" + strings.Repeat(" __typename", 8000) + " }", "BAD_REQUEST"},
		{"4,000 aliases", "{" + aliases.String() + " }", "BAD_REQUEST"},
		{"an introspection alias bomb", "{" + bomb.String() + " }", "BAD_REQUEST"},
		{"4,000 times one alias, nested", "{ products(first: 1) { edges {" + strings.Repeat(" x: cursor", 4000) + " } } }", "BAD_REQUEST"},
		{"a fragment doubled 30 times", "{ ...F30 }\n" + fragments, "BAD_REQUEST"},
		{"a fragment never spread", "{ __typename }\nfragment Unused on Query {" + strings.Repeat(" __typename", 8000) + " }", "BAD_REQUEST"},
		{"3,000 tokens of arguments", `{ nodes(ids: [` + strings.Repeat(`"x" `, 3000) + `]) { id } }`, "BAD_REQUEST"},
		// Under the token limit, the other limits answer.
		{"600 repeated __typename", "{ me {" + strings.Repeat(" __typename", 600) + " } }", "BAD_REQUEST"},
		{"40 introspection aliases", "{ __schema {" + strings.Repeat(" t: types { name }", 40) + " } }", "BAD_REQUEST"},
		{"introspection nested past the depth limit", "{ __schema { types { " + strings.Repeat("ofType { ", 16) + "name" + strings.Repeat(" }", 16) + " } } }", "DEPTH_LIMIT"},
		{"11 introspection roots", "{" + strings.Repeat(" __typename", 11) + " }", "BAD_REQUEST"},
	}
}

// validated reads how many documents gqlparser has validated.
func validated(api *apitest.API) float64 {
	return api.Metric("tez_graphql_documents_validated_total")
}

// Every hostile document is refused with its code before validation, on
// both executors; the counter shows validation never ran for it.
func TestHostileDocumentsAreRefusedBeforeValidation(t *testing.T) {
	t.Parallel()
	for _, executor := range []string{"lean", "gqlgen"} {
		api := apitest.New(t, func(c *config.Config) { c.StandardExecutor = executor == "gqlgen" })
		before := validated(api)
		if res := api.Do(apitest.Request{Query: `{ __typename }`}); len(res.Errors) > 0 {
			t.Fatalf("%s: { __typename } answered %+v", executor, res.Errors)
		}
		if got := validated(api) - before; got != 1 {
			t.Fatalf("%s: a new document was validated %v times, want 1: the counter does not count", executor, got)
		}
		for _, doc := range hostileDocuments() {
			before := validated(api)
			res := api.Do(apitest.Request{Query: doc.query})
			if res.Status == http.StatusInternalServerError || len(res.Errors) != 1 || res.Errors[0].Code() != doc.code {
				t.Errorf("%s, %s executor: answered %d %+v, want one %s error", doc.name, executor, res.Status, res.Errors, doc.code)
			}
			if string(res.Data) != "" && string(res.Data) != "null" {
				t.Errorf("%s, %s executor: the refused document ran: %.200s", doc.name, executor, res.Data)
			}
			if got := validated(api) - before; got != 0 {
				t.Errorf("%s, %s executor: validated %v times before it was refused, want never", doc.name, executor, got)
			}
		}
	}
}

// The limits are sized from the largest documents that must run: the
// shipped ones and the introspection query Playground sends. Each runs
// under limits well below the defaults, so there is room to spare.
func TestShippedDocumentsFitTheLimitsWithRoomToSpare(t *testing.T) {
	t.Parallel()
	d := config.Defaults()
	api := apitest.New(t, func(c *config.Config) {
		c.MaxTokens, c.MaxFields, c.TrustedDocumentsOnly = d.MaxTokens/4, d.MaxFields/2, false
	})
	a := newAccount(t, api, "roomy@x.example", 2, 2, 2)
	for name, doc := range map[string]string{"introspection": introspection.Query, "dashboard": documents.Get("dashboard.graphql")} {
		if res := api.Do(apitest.Request{Query: doc, Variables: dashboardVars(), Token: a.token}); len(res.Errors) > 0 {
			t.Errorf("%s under a quarter of the token limit and half the field limit: %+v", name, res.Errors)
		}
	}
	// The others need variables of their own; the limits answer only these codes.
	for name, doc := range documents.Shipped() {
		if strings.Contains(doc, "\nsubscription ") {
			continue // a stream: a POST answers BAD_REQUEST whatever its size (live_test.go)
		}
		for _, e := range api.Do(apitest.Request{Query: doc, Token: a.token}).Errors {
			if c := e.Code(); c == "BAD_REQUEST" || c == "DEPTH_LIMIT" {
				t.Errorf("shipped document %s refused by the limits: %+v", name, e)
			}
		}
	}
}

// A request past its deadline answers a coded error, never the body null.
func TestPastTheDeadlineIsACodedError(t *testing.T) {
	t.Parallel()
	for _, executor := range []string{"lean", "gqlgen"} {
		api := apitest.New(t, func(c *config.Config) {
			c.RequestTimeout = time.Nanosecond
			c.StandardExecutor = executor == "gqlgen"
		})
		res, body := api.DoRaw(apitest.Request{Query: `{ products(first: 1) { edges { cursor } } }`})
		if res.StatusCode == http.StatusInternalServerError || !strings.Contains(string(body), `"code":"UNAVAILABLE"`) {
			t.Errorf("%s executor: a request past its deadline answered %d %s, want an UNAVAILABLE error", executor, res.StatusCode, body)
		}
	}
}

// BenchmarkHostileDocuments prints what each hostile document costs the
// server now, from request to refusal, over HTTP.
func BenchmarkHostileDocuments(b *testing.B) {
	api := apitest.New(b)
	for _, doc := range hostileDocuments() {
		b.Run(doc.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc.query)))
			for b.Loop() {
				if res := api.Do(apitest.Request{Query: doc.query}); len(res.Errors) != 1 || res.Errors[0].Code() != doc.code {
					b.Fatalf("answered %+v, want %s", res.Errors, doc.code)
				}
			}
		})
	}
}
