package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/graph/generated"
)

// BenchmarkInputCheckDashboard is what reading every argument costs the
// dashboard request, on top of parsing and validation (cached by the
// handler) and execution.
// Run: go test ./graph -run '^$' -bench InputCheck -benchmem
func BenchmarkInputCheckDashboard(b *testing.B) {
	es := generated.NewExecutableSchema(generated.Config{})
	doc, err := gqlparser.LoadQuery(es.Schema(), documents.Get("dashboard.graphql"))
	if err != nil {
		b.Fatal(err)
	}
	check := &InputCheck{}
	if err := check.Validate(es); err != nil {
		b.Fatal(err)
	}
	op := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0],
		Variables: map[string]any{"from": "2026-11-01T00:00:00Z", "to": "2026-12-01T00:00:00Z"}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if e := check.MutateOperationContext(ctx, op); e != nil {
			b.Fatal(e)
		}
	}
}
