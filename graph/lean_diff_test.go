package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/teztelecom/tez/graph/generated"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/iccid"
)

// The lean executor's guard, generated from the schema: every field
// reachable from Query within diffDepth object fields, plainly and with
// aliases, fragments and directives, is asked as a customer with every
// field filled, one with nulls, one with zero values (an instant gqlgen
// refuses among them), a reseller and an anonymous caller, and with
// resolvers failing (tables gone); each on a server with the lean executor
// and on a replica with gqlgen's only. Status, body, statements sent and
// the metrics must agree. A new field or type is covered without a line
// here; a required argument needs a value in diffArgs.
func TestLeanExecutorDiffersOnlyInCost(t *testing.T) {
	if testing.Short() {
		t.Skip("the generated differential test sends a few thousand requests")
	}
	t.Parallel()
	api := apitest.New(t, leanExecutor, withSQLCount)
	std := api.Replica(func(c *config.Config) { c.StandardExecutor = true })

	full := newAccount(t, api, "diff-full@x.example", 3, 4, 2)
	api.MustExec(`UPDATE users SET full_name = 'Ada Lovelace', phone = '+77011234567' WHERE id = $1`, full.id)
	api.MustExec(`UPDATE sim_cards SET msisdn = '+77010000001' WHERE iccid = $1`, full.iccids[0])
	api.MustExec(`INSERT INTO balance_entries (iccid, kind, amount, balance_after, reference, idempotency_key)
		SELECT $1, 'TOPUP', 500 * n, 1000 + 500 * n, 'ref-'||n, 'diff-'||n FROM generate_series(1, 3) n`, full.iccids[1])
	_, empty := api.Customer("diff-empty@x.example")
	zero := newAccount(t, api, "diff-zero@x.example", 2, 2, 1)
	api.MustExec(`UPDATE sim_cards SET balance = 0, label = '' WHERE user_id = $1`, zero.id)
	api.MustExec(`UPDATE orders SET total = 0, subtotal = 0, created_at = '0001-01-01 00:00:00Z' WHERE number = $1`, zero.orders[0])
	resellerID, resellerKey := api.Reseller("diff-reseller", 1000, 1000, time.Hour)
	api.MustExec(`UPDATE sim_cards SET reseller_id = $1 WHERE iccid = $2`, resellerID, full.iccids[2])

	ids := globalIDs(t, std, full.token)
	args := diffArgs(full, ids)
	queries := generateQueries(generated.NewExecutableSchema(generated.Config{}).Schema(), args)
	if len(queries) < 100 {
		t.Fatalf("generated %d queries, want the schema's every field (over 100)", len(queries))
	}
	viewers := []struct {
		name   string
		token  string
		header map[string]string
	}{
		{name: "filled", token: full.token},
		{name: "nulls", token: empty},
		{name: "zero values", token: zero.token},
		{name: "reseller", header: map[string]string{"X-API-Key": resellerKey}},
		{name: "anonymous"},
	}
	leanBefore := leanExecutions(t, api)
	round := func(name string, token string, header map[string]string) {
		t.Helper()
		mBefore, sBefore := metricsOf(t, api), metricsOf(t, std)
		for _, q := range queries {
			req := apitest.Request{Query: q, Token: token, Header: header}
			got, nGot := statements(t, api, req)
			want, nWant := statements(t, std, req)
			// Loaders batch what arrives within their wait, so under load a
			// batch can split on either executor: a real difference (SQL sent
			// again) repeats, a split does not. The fewest of a few tries count.
			for try := 0; got == want && nGot != nWant && try < 4; try++ {
				_, n := statements(t, api, req)
				_, m := statements(t, std, req)
				nGot, nWant = min(nGot, n), min(nWant, m)
			}
			if got != want {
				t.Errorf("%s: %s\nthe lean server answered\n%s\ngqlgen answers\n%s", name, q, got, want)
			} else if nGot != nWant {
				t.Errorf("%s: %s\nthe lean server sent %d statements, gqlgen %d", name, q, nGot, nWant)
			}
		}
		if got, want := metricsDelta(mBefore, metricsOf(t, api)), metricsDelta(sBefore, metricsOf(t, std)); got != want {
			t.Errorf("%s: the lean server's metrics moved by\n%s\ngqlgen's by\n%s", name, got, want)
		}
	}
	for _, v := range viewers {
		round(v.name, v.token, v.header)
	}
	// Resolvers that fail: their tables are gone for a while.
	api.MustExec(`ALTER TABLE orders RENAME TO orders_gone`)
	api.MustExec(`ALTER TABLE balance_entries RENAME TO balance_entries_gone`)
	round("resolver errors", full.token, nil)
	api.MustExec(`ALTER TABLE orders_gone RENAME TO orders`)
	api.MustExec(`ALTER TABLE balance_entries_gone RENAME TO balance_entries`)

	t.Logf("%d generated queries, %d rounds; the lean executor answered %d", len(queries), len(viewers)+1, leanExecutions(t, api)-leanBefore)
	if n := leanExecutions(t, api) - leanBefore; n < len(queries) {
		t.Errorf("the lean executor answered %d of %d operations: the comparison is mostly gqlgen with itself", n, len(queries)*(len(viewers)+1))
	}
}

// diffDepth is how many object fields deep the generated queries go.
const diffDepth = 4

// globalIDs are IDs node(id:) finds for the customer: a SIM card's, an
// address's, an order's.
func globalIDs(t *testing.T, api *apitest.API, token string) []string {
	t.Helper()
	var d struct {
		Me struct {
			SimCards  []struct{ ID string }
			Addresses []struct{ ID string }
			Orders    struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	api.Query(apitest.Request{Query: `{ me { simCards { id } addresses { id } orders(first: 1) { edges { node { id } } } } }`, Token: token}, &d)
	return []string{d.Me.SimCards[0].ID, d.Me.Addresses[0].ID, d.Me.Orders.Edges[0].Node.ID}
}

// diffArgs are the arguments the generated queries pass, by name: every
// required one, and a few optional ones that change what is read.
func diffArgs(a account, ids []string) map[string]string {
	quote := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	list := func(s ...string) string {
		q := make([]string, len(s))
		for i, v := range s {
			q[i] = quote(v)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	vars := dashboardVars()
	return map[string]string{
		"id":          quote(ids[0]),
		"ids":         list(append(ids, "bad")...),
		"iccid":       quote(a.iccids[0]),
		"iccids":      list(a.iccids[2], iccid.WithCheckDigit("899970299999999999")),
		"number":      quote(a.orders[0]),
		"accessToken": quote("not-a-token"),
		"from":        quote(vars["from"].(string)),
		"to":          quote(vars["to"].(string)),
		"first":       "2",
		"limit":       "2",
	}
}

// generateQueries writes a query for every path of object fields from
// Query up to diffDepth long, selecting every scalar field on the way,
// twice: plainly, and with aliases, fragments and directives.
func generateQueries(s *ast.Schema, args map[string]string) []string {
	var out []string
	var walk func(path []*ast.FieldDefinition)
	walk = func(path []*ast.FieldDefinition) {
		out = append(out, queryFor(s, path, args, false), queryFor(s, path, args, true))
		if len(path) == diffDepth {
			return
		}
		last := path[len(path)-1]
		t := s.Types[last.Type.Name()]
		if t.Kind != ast.Object {
			return
		}
		for _, f := range objectFields(s, t, args) {
			walk(append(path[:len(path):len(path)], f))
		}
	}
	for _, f := range objectFields(s, s.Query, args) {
		walk([]*ast.FieldDefinition{f})
	}
	return out
}

// objectFields are t's fields of object or abstract type the generator can
// ask (every required argument has a value).
func objectFields(s *ast.Schema, t *ast.Definition, args map[string]string) []*ast.FieldDefinition {
	var out []*ast.FieldDefinition
	for _, f := range t.Fields {
		switch s.Types[f.Type.Name()].Kind {
		case ast.Object, ast.Interface, ast.Union:
			if !strings.HasPrefix(f.Name, "__") && argsFor(f, args) != "!" {
				out = append(out, f)
			}
		}
	}
	return out
}

// argsFor writes a field's arguments: those diffArgs has a value for; "!"
// when a required one has none.
func argsFor(f *ast.FieldDefinition, args map[string]string) string {
	var parts []string
	for _, a := range f.Arguments {
		v, ok := args[a.Name]
		if !ok {
			if a.Type.NonNull && a.DefaultValue == nil {
				return "!"
			}
			continue
		}
		parts = append(parts, a.Name+": "+v)
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// queryFor writes the query that follows path. Fancy adds an alias to
// every field, a duplicate under a second alias, the scalars through a
// named fragment and the path's objects through inline ones, and a field
// that @skip drops.
func queryFor(s *ast.Schema, path []*ast.FieldDefinition, args map[string]string, fancy bool) string {
	var b strings.Builder
	var fragments []string
	b.WriteString("query Generated {")
	for i, f := range path {
		parent := s.Query
		if i > 0 {
			parent = s.Types[path[i-1].Type.Name()]
		}
		if i > 0 {
			scalars(&b, s, parent, fancy, &fragments)
		}
		if fancy {
			fmt.Fprintf(&b, " f%d: ", i)
		}
		b.WriteString(" " + f.Name + argsFor(f, args) + " {")
		if fancy {
			fmt.Fprintf(&b, " ... on %s {", f.Type.Name())
		}
	}
	last := s.Types[path[len(path)-1].Type.Name()]
	if last.Kind == ast.Object {
		scalars(&b, s, last, fancy, &fragments)
	} else {
		b.WriteString(" __typename")
		for _, impl := range s.GetPossibleTypes(last) {
			fmt.Fprintf(&b, " ... on %s {", impl.Name)
			scalars(&b, s, impl, false, nil)
			b.WriteString(" }")
		}
	}
	for range path {
		if fancy {
			b.WriteString(" }")
		}
		b.WriteString(" }")
	}
	b.WriteString(" }")
	for _, f := range fragments {
		b.WriteString("\n" + f)
	}
	return b.String()
}

// scalars selects t's scalar and enum fields (their required arguments
// given). Fancy selects them through a named fragment, once more under an
// alias, and adds a @skip-ped copy of the first.
func scalars(b *strings.Builder, s *ast.Schema, t *ast.Definition, fancy bool, fragments *[]string) {
	var names []string
	for _, f := range t.Fields {
		if k := s.Types[f.Type.Name()].Kind; (k == ast.Scalar || k == ast.Enum) && !strings.HasPrefix(f.Name, "__") {
			if a := argsFor(f, nil); a != "!" {
				names = append(names, f.Name)
			}
		}
	}
	if len(names) == 0 {
		b.WriteString(" __typename")
		return
	}
	if !fancy {
		b.WriteString(" " + strings.Join(names, " "))
		return
	}
	name := "Scalars" + t.Name + strconv.Itoa(len(*fragments))
	*fragments = append(*fragments, fmt.Sprintf("fragment %s on %s { %s }", name, t.Name, strings.Join(names, " ")))
	fmt.Fprintf(b, " ...%s again: %s gone: %s @skip(if: true) __typename", name, names[0], names[0])
}

// metricsOf reads the series the two executors must move alike: requests
// by status, operations by name, errors by code, requests counted by the
// statements histogram. Its sum is left out: a batch split by timing moves
// it on either side, and the statements are compared query by query.
func metricsOf(t *testing.T, api *apitest.API) map[string]float64 {
	t.Helper()
	_, _, text := api.Get("/metrics", nil)
	out := map[string]float64{}
	for line := range strings.SplitSeq(text, "\n") {
		series, value, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		for _, prefix := range []string{"tez_http_requests_total{", "tez_graphql_operation_seconds_count{", "tez_graphql_errors_total{",
			"tez_sql_statements_per_request_count"} {
			if strings.HasPrefix(series, prefix) && !strings.Contains(series, `route="/metrics"`) {
				v, err := strconv.ParseFloat(value, 64)
				if err != nil {
					t.Fatalf("metric %s: %v", line, err)
				}
				out[series] = v
			}
		}
	}
	return out
}

// metricsDelta lists the series that moved from before to after, sorted.
func metricsDelta(before, after map[string]float64) string {
	var lines []string
	for series, v := range after {
		if d := v - before[series]; d != 0 {
			lines = append(lines, fmt.Sprintf("%s +%g", series, d))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
