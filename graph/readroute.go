package graph

import (
	"context"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/teztelecom/tez/internal/store"
)

// readRoute chooses, per operation, where its reads may go when the
// database has replicas (internal/store's DB): a query's reads to a
// replica that has replayed the caller's writes; a mutation's all to the
// primary, and after it the caller's read fence moves past its writes,
// before the answer leaves, so the caller's next read sees them. The
// handler uses it only when the store has replicas.
type readRoute struct {
	noSchemaCheck
	store *store.Store
	log   *slog.Logger
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = readRoute{}

// ExtensionName implements graphql.HandlerExtension.
func (readRoute) ExtensionName() string { return "ReadRoute" }

// InterceptOperation implements graphql.OperationInterceptor.
// Subscriptions read the primary: their events follow NOTIFYs sent there.
func (e readRoute) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	switch graphql.GetOperationContext(ctx).Operation.Operation {
	case ast.Query:
		return next(store.ReplicaReads(ctx))
	case ast.Mutation:
		responses := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := responses(ctx)
			if err := e.store.RecordReadFence(ctx); err != nil && e.log != nil {
				// The writes are done and answered as such; until a replica
				// catches up (at most the maximum lag), the caller's reads
				// may not show them.
				e.log.ErrorContext(ctx, "record read fence after a mutation", "err", err)
			}
			return resp
		}
	}
	return next(ctx)
}
