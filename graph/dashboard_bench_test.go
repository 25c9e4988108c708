package graph_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
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
	start := processCPU()
	b.ResetTimer()
	for b.Loop() {
		if res := api.Do(req); len(res.Errors) > 0 {
			b.Fatal(res.Errors)
		}
	}
	b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
}

// processCPU is the user and system CPU time of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDashboardFloor is the smallest authenticated request, `{ me { id } }`,
// for the same customer: the fixed cost (HTTP, auth, middlewares, executor)
// that BenchmarkDashboard pays before its fields.
func BenchmarkDashboardFloor(b *testing.B) {
	benchmarkQuery(b, `{ me { id } }`, nil)
}
