package graph

import (
	"context"
	"regexp"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/metrics"
	"github.com/teztelecom/tez/internal/reqctx"
)

// Observer records every operation's duration and error codes. Operation
// names are a label only when a shipped document defines them; any other
// name (client input, unbounded) is "other".
type Observer struct {
	noSchemaCheck
	Metrics *metrics.Metrics
	known   map[string]bool
}

// NewObserver learns the shipped documents' operation names.
func NewObserver(m *metrics.Metrics) Observer {
	known := map[string]bool{}
	for _, doc := range documents.Shipped() {
		for _, name := range opName.FindAllStringSubmatch(doc, -1) {
			known[name[1]] = true
		}
	}
	return Observer{Metrics: m, known: known}
}

var opName = regexp.MustCompile(`(?m)^\s*(?:query|mutation|subscription)\s+(\w+)`)

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = Observer{}

// ExtensionName implements graphql.HandlerExtension.
func (Observer) ExtensionName() string { return "Observer" }

// InterceptResponse times the operation and counts its errors by code.
func (o Observer) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	name := "other"
	if graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && o.known[op.Name] {
			name = op.Name
		}
	}
	var codes []string
	if resp != nil {
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" {
				code = "UNKNOWN"
			}
			codes = append(codes, code)
		}
	}
	o.Metrics.Operation(name, time.Since(start).Seconds(), codes)
	reqctx.LogFieldsFrom(ctx).Operation = name
	return resp
}
