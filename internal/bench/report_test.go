package bench

import (
	"strings"
	"testing"
)

func TestAttributeDividesByRequests(t *testing.T) {
	r := Result{Requests: 100}
	Attribute(&r, []StatementCost{
		{Query: "SELECT a", Calls: 100, Plans: 100, PlanMs: 30, ExecMs: 10},
		{Query: "SELECT b", Calls: 100, Plans: 2, PlanMs: 0.2, ExecMs: 20},
		{Query: "SELECT worker", Calls: 3, Plans: 3, PlanMs: 1, ExecMs: 1},
	}, true)
	if got, want := r.StatementsPerRequest, 2.03; got != want {
		t.Errorf("statements per request %v, want %v", got, want)
	}
	if got, want := r.PlansPerRequest, 1.05; got != want {
		t.Errorf("plans per request %v, want %v", got, want)
	}
	if got, want := r.PlanMs, 0.312; got < want-1e-9 || got > want+1e-9 {
		t.Errorf("planning ms per request %v, want %v", got, want)
	}
	if got, want := r.Statements[1].ExecMsPerCall, 0.2; got != want {
		t.Errorf("second statement's exec ms per call %v, want %v", got, want)
	}

	untracked := Result{Requests: 10}
	Attribute(&untracked, []StatementCost{{Query: "SELECT a", Calls: 10, ExecMs: 1}}, false)
	if untracked.PlanningTracked || untracked.PlanMs != 0 {
		t.Errorf("planning untracked, yet %+v", untracked)
	}
}

func TestMarkdownTables(t *testing.T) {
	r := Result{Scenario: "dashboard", Connections: 16, Requests: 10, RequestsPerSecond: 700, CeilingPerSecond: 1000, CeilingDBCPUms: 1.5}
	Attribute(&r, []StatementCost{
		{Query: "WITH k AS (SELECT * FROM unnest($1::text[])) SELECT k.i, u.country_code FROM k", Calls: 10, Plans: 1, PlanMs: 1, ExecMs: 2},
		{Query: "SELECT 1 | 2", Calls: 10, Plans: 10, PlanMs: 1, ExecMs: 1},
		{Query: "UPDATE email_outbox", Calls: 1, Plans: 1, PlanMs: 1, ExecMs: 1},
	}, true)
	var b strings.Builder
	if err := Markdown(&b, []Result{r}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"| dashboard | 16 | 700 |",
		"| 1000 (1.50) | 70% |",
		"| `WITH k … SELECT k.i, u.country_code FROM k` | 1.00 | 0.10 | 0.100 | 0.200 |",
		"| `SELECT 1 \\| 2` |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "email_outbox") {
		t.Errorf("background statement listed:\n%s", out)
	}
}
