package graph_test

import (
	"testing"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
)

// BenchmarkDashboard serves the dashboard contract for a customer with 13
// SIMs (the seed's average), 20 orders and 2 addresses over real HTTP.
// Run: go test ./graph -run '^$' -bench Dashboard -benchmem
func BenchmarkDashboard(b *testing.B) {
	api := apitest.New(b)
	a := newAccount(b, api, "bench@x.example", 13, 20, 2)
	req := apitest.Request{Query: documents.Get("dashboard.graphql"), Variables: dashboardVars(), Token: a.token}
	b.ResetTimer()
	for b.Loop() {
		if res := api.Do(req); len(res.Errors) > 0 {
			b.Fatal(res.Errors)
		}
	}
}
