package graph_test

import (
	"testing"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/bench"
	"github.com/teztelecom/tez/internal/config"
)

// BenchmarkDashboard serves the dashboard contract for a customer with 13
// SIMs (the seed's average), 20 orders and 2 addresses over real HTTP.
// Besides wall time it reports cpu-ns/op, the CPU this process (server and
// client, not PostgreSQL) spent per request: steadier than wall time on a
// shared machine.
// Run: go test ./graph -run '^$' -bench Dashboard -benchmem
func BenchmarkDashboard(b *testing.B) {
	benchmarkQuery(b, documents.Get("dashboard.graphql"), dashboardVars())
}

// BenchmarkDashboardGqlgen is BenchmarkDashboard on gqlgen's executor
// (TEZ_EXECUTOR=gqlgen): what the lean executor saves.
func BenchmarkDashboardGqlgen(b *testing.B) {
	benchmarkQuery(b, documents.Get("dashboard.graphql"), dashboardVars(), func(c *config.Config) { c.StandardExecutor = true })
}

// benchmarkQuery runs a query for a customer with 13 SIMs, 20 orders and 2
// addresses, reporting the process's CPU time per request beside ns/op.
func benchmarkQuery(b *testing.B, query string, vars map[string]any, opts ...apitest.Option) {
	api := apitest.New(b, opts...)
	a := newAccount(b, api, "bench@x.example", 13, 20, 2)
	req := apitest.Request{Query: query, Variables: vars, Token: a.token}
	start := bench.SelfCPU()
	b.ResetTimer()
	for b.Loop() {
		if res := api.Do(req); len(res.Errors) > 0 {
			b.Fatal(res.Errors)
		}
	}
	b.ReportMetric(float64(bench.SelfCPU()-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkDashboardFloor is the smallest authenticated request, `{ me { id } }`,
// for the same customer: the fixed cost (HTTP, auth, middlewares, executor)
// that BenchmarkDashboard pays before its fields.
func BenchmarkDashboardFloor(b *testing.B) {
	benchmarkQuery(b, `{ me { id } }`, nil)
}

// BenchmarkDashboardFirstShipped is BenchmarkDashboard on the dashboard as
// first shipped (newest sessions as usageSessions(first: 3)), to compare
// the dedicated recentUsageSessions with.
func BenchmarkDashboardFirstShipped(b *testing.B) {
	benchmarkQuery(b, documents.Get("dashboard-first-shipped.graphql"), dashboardVars())
}
