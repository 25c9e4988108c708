package graph

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teztelecom/tez/internal/apperr"
)

// deadline answers a query or mutation that ran past its deadline with a
// coded error. gqlgen's executor answers nothing once the request's
// context is done (its end-of-stream signal), which the transports write
// as the body `null`.
type deadline struct{ noSchemaCheck }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = deadline{}

// ExtensionName implements graphql.HandlerExtension.
func (deadline) ExtensionName() string { return "Deadline" }

// InterceptOperation replaces the first missing answer; later ones (the
// end of a stream) pass as they are.
func (deadline) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	responses := next(ctx)
	if graphql.GetOperationContext(ctx).Operation.Operation == ast.Subscription {
		return responses
	}
	var answered atomic.Bool
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		first := !answered.Swap(true)
		if resp != nil || !first || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return resp
		}
		return &graphql.Response{Errors: gqlerror.List{deadlineError()}}
	}
}

// deadlineMessage answers what ran past the request's deadline, as a
// whole or a field at a time.
const deadlineMessage = "the request ran past its deadline; try again, or ask for less"

func deadlineError() *gqlerror.Error { return codedError(apperr.Unavailable, deadlineMessage) }
