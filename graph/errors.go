package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/reqctx"
	"github.com/teztelecom/tez/internal/store"
)

// unavailableMessage answers a request the database could not serve.
const unavailableMessage = "the database is briefly unavailable; try again in a moment"

// errorPresenter is the one place that decides what a client sees of an
// error. Domain errors (*apperr.Error, from resolvers and from scalar input
// coercion) show their message and code. Errors gqlparser and gqlgen make
// themselves (parse, validation, limits) wrap nothing and pass as they are,
// locations included. Anything else is unexpected: logged in full and
// answered as "internal error" with the request id.
// With hideSuggestions, their "Did you mean …?" is cut: gqlgen drops
// only those of unknown fields, not those of arguments, types and enum
// values.
func errorPresenter(log *slog.Logger, hideSuggestions bool) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var appErr *apperr.Error
		switch {
		case errors.As(err, &appErr) && appErr.Code != apperr.Internal:
			gqlErr.Message = appErr.Message
			gqlErr.Extensions = map[string]any{"code": string(appErr.Code)}
		case !errors.As(err, &appErr) && gqlErr.Err == nil:
			// made by gqlparser/gqlgen: the client's document is at fault
			if gqlErr.Extensions["code"] == "COMPLEXITY_LIMIT_EXCEEDED" { // gqlgen's name for it
				gqlErr.Extensions["code"] = string(apperr.ComplexityLimit)
			}
			if hideSuggestions {
				gqlErr.Message, _, _ = strings.Cut(gqlErr.Message, " Did you mean ")
			}
		case errors.Is(err, context.Canceled) && ctx.Err() != nil:
			// The client went away; nobody reads this answer and nothing failed.
			log.DebugContext(ctx, "request cancelled by the client", "path", gqlErr.Path.String())
			gqlErr.Message = "request cancelled"
			gqlErr.Extensions = map[string]any{"code": string(apperr.Unavailable)}
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			// The request's time is up: its statements were cancelled.
			log.WarnContext(ctx, "request past its deadline", "err", err, "path", gqlErr.Path.String())
			gqlErr.Message = deadlineMessage
			gqlErr.Extensions = map[string]any{"code": string(apperr.Unavailable)}
		case store.IsUnavailable(err):
			// PostgreSQL restarting or failing over: not the client's fault,
			// and worth trying again.
			log.WarnContext(ctx, "database unavailable", "err", err, "path", gqlErr.Path.String())
			gqlErr.Message = unavailableMessage
			gqlErr.Extensions = map[string]any{"code": string(apperr.Unavailable)}
		default:
			id := reqctx.RequestID(ctx)
			log.ErrorContext(ctx, "internal error", "err", err, "path", gqlErr.Path.String())
			gqlErr.Message = "internal error"
			gqlErr.Extensions = map[string]any{"code": string(apperr.Internal), "requestId": id}
		}
		return gqlErr
	}
}

// codedError is an error of the client's making that gqlgen's pipeline
// answers as it is, before or instead of running the operation.
func codedError(code apperr.Code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": string(code)}
	return err
}

// recoverFunc turns a resolver panic into a masked internal error; the
// request and the server carry on.
func recoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "resolver panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return apperr.Wrap(fmt.Errorf("panic: %v", p), apperr.Internal, "internal error")
	}
}
