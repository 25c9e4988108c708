package graph_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/iccid"
)

// The lean executor must answer byte for byte what gqlgen's would, and give
// back what it does not handle. Each document runs on a server with the
// lean executor and on a replica with gqlgen's only, on the same data; the
// lean server's metrics tell which executor answered, so a comparison of
// gqlgen with itself cannot pass unnoticed.
func TestLeanExecutorAnswersLikeGqlgen(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, leanExecutor)
	std := api.Replica(func(c *config.Config) { c.StandardExecutor = true })
	full := newAccount(t, api, "lean-full@x.example", 3, 6, 2)
	api.MustExec(`UPDATE users SET full_name = 'Ada Lovelace', phone = '+77011234567' WHERE id = $1`, full.id)
	api.MustExec(`UPDATE sim_cards SET msisdn = '+77010000001' WHERE iccid = $1`, full.iccids[0])
	api.MustExec(`INSERT INTO balance_entries (iccid, kind, amount, balance_after, reference, idempotency_key)
		SELECT $1, 'TOPUP', 500 * n, 1000 + 500 * n, 'ref-'||n, 'lean-'||n FROM generate_series(1, 3) n`, full.iccids[1])
	_, empty := api.Customer("lean-empty@x.example")
	_, resellerKey := api.Reseller("lean-reseller", 100, 100, time.Hour)

	vars := dashboardVars()
	cases := []struct {
		name   string
		query  string
		vars   map[string]any
		token  string
		header map[string]string
		lean   bool // answered by the lean executor, not given back
	}{
		{name: "dashboard", query: documents.Get("dashboard.graphql"), vars: vars, token: full.token, lean: true},
		{name: "dashboard of an empty account", query: documents.Get("dashboard.graphql"), vars: vars, token: empty, lean: true},
		{name: "dashboard as first shipped", query: documents.Get("dashboard-first-shipped.graphql"), vars: vars, token: full.token, lean: true},
		{name: "recent sessions beside the history", query: `{ me { simCards { recentUsageSessions { id } two: recentUsageSessions(limit: 2) { id startedAt }
			usageSessions(first: 2) { edges { node { id } } } } } }`, token: full.token, lean: true},
		{name: "recent sessions with a limit out of range go back to gqlgen", query: `query($iccid: ICCID!) { me { simCard(iccid: $iccid) { recentUsageSessions(limit: 21) { id } } } }`,
			vars: map[string]any{"iccid": full.iccids[0]}, token: full.token},
		{name: "anonymous", query: `{ me { id } __typename }`, lean: true},
		{name: "fragments, aliases, directives, nulls", query: `
			query Q($from: DateTime!, $to: DateTime!, $yes: Boolean!, $no: Boolean!) {
			  __typename
			  me {
			    ...Owner
			    a: email
			    b: email
			    id
			    simCards {
			      __typename
			      ... on SimCard { iccid msisdn label status lastUsageAt }
			      newest: usageSessions(first: 1) { edges { cursor node { ...Session } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount }
			      oldest: usageSessions(last: 2) { edges { node { id startedAt } } }
			      usage(from: $from, to: $to) { totalBytes byCountry { countryCode totalBytes cost { amount currencyCode } } }
			      balanceEntries(first: 2) { edges { cursor node { createdAt kind amount { amount } balanceAfter { amount currencyCode } reference } } pageInfo { hasNextPage endCursor } }
			      skipped: usageSessions(first: 3) @skip(if: $yes) { totalCount }
			      included: usageSessions(first: 3) @include(if: $yes) { totalCount }
			      excluded: label @include(if: $no)
			    }
			    defaultAddress { ...Place }
			    addresses { ...Place line2 region phone deliveryNote }
			  }
			}
			fragment Owner on User { id fullName phone createdAt emailVerified }
			fragment Session on UsageSession { id endedAt durationSeconds totalBytes countryCode networkName cost { amount } }
			fragment Place on Address { id recipientName line1 city postalCode countryCode isDefault }`,
			vars: map[string]any{"from": vars["from"], "to": vars["to"], "yes": true, "no": false}, token: full.token, lean: true},
		{name: "order detail and pages", query: fmt.Sprintf(`{
			  me {
			    first: orders(first: 2) { totalCount edges { cursor node { number status } } pageInfo { hasNextPage endCursor } }
			    order(number: %q) {
			      id number status createdAt paidAt email note availableActions
			      subtotal { amount currencyCode } shippingFee { amount } total { amount currencyCode }
			      items { quantity iccid fulfilledQuantity unitPrice { amount } lineTotal { amount currencyCode }
			        product { id sku kind name description region active price { amount } voucherAmount { amount } } }
			      shippingAddress { recipientName line1 city countryCode phone }
			    }
			    missing: order(number: "TEZ-NOPE") { id }
			  }
			}`, full.orders[0]), token: full.token, lean: true},
		{name: "products", query: `{ products(first: 3, kind: SIM_CARD) { edges { node { id sku name price { amount currencyCode } } } pageInfo { hasNextPage } } }`, lean: true},
		{name: "reseller balances", query: documents.Get("reseller-balances.graphql"),
			vars: map[string]any{"iccids": []string{full.iccids[0], iccid.WithCheckDigit("899970299999999999")}}, header: map[string]string{"X-API-Key": resellerKey}, lean: true},
		{name: "an error goes back to gqlgen", query: `{ me { id orders(first: -1) { totalCount } } }`, token: full.token},
		{name: "an interface goes back to gqlgen", query: fmt.Sprintf(`{ node(id: %q) { id ... on Address { city } } }`, "bad"), token: full.token},
		{name: "introspection goes back to gqlgen", query: `{ __schema { queryType { name } } }`},
		{name: "a mutation goes back to gqlgen", query: `mutation { logout { sessionsEnded } }`},
	}
	for _, c := range cases {
		before := leanExecutions(t, api)
		req := apitest.Request{Query: c.query, Variables: c.vars, Token: c.token, Header: c.header}
		got, want := answer(api, req), answer(std, req)
		if got != want {
			t.Errorf("%s: the lean server answered\n%s\ngqlgen answers\n%s", c.name, got, want)
		}
		if answered := leanExecutions(t, api) - before; answered != map[bool]int{true: 1}[c.lean] {
			t.Errorf("%s: lean executor answered %d times, want lean=%v; answer %s", c.name, answered, c.lean, got)
		}
	}
}

// answer is a response's status and body as the server wrote them, but
// for the request ID an internal error carries (each request has its own).
func answer(api *apitest.API, req apitest.Request) string {
	res, body := api.DoRaw(req)
	return fmt.Sprintf("%d %s", res.StatusCode, requestID.ReplaceAll(body, []byte(`"requestId":"…"`)))
}

var requestID = regexp.MustCompile(`"requestId":"[^"]*"`)

// leanExecutions reads how many operations the lean executor answered.
func leanExecutions(t *testing.T, api *apitest.API) int {
	t.Helper()
	return int(api.Metric(`tez_graphql_executions_total{executor="lean"}`))
}

// leanExecutor runs the lean executor whatever TEZ_EXECUTOR says: the
// tests of it compare it with gqlgen's.
func leanExecutor(c *config.Config) { c.StandardExecutor = false }
