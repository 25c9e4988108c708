package leanexec

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Executor is implemented by the executable schema leangen generates.
type Executor interface {
	graphql.ExecutableSchema
	ExecLean(ctx context.Context) ([]byte, bool)
}

// Schema runs queries on the lean executor first, and on gqlgen's
// executor what the lean one gives back. Executed, when set, learns which
// executor answered each operation ("lean" or "gqlgen").
type Schema struct {
	Executor
	Executed func(executor string)
}

// Exec implements graphql.ExecutableSchema. The lean attempt runs where
// gqlgen's executor runs a query: in the response handler, inside every
// response interceptor (the operation's timing among them), on a scratch
// response context. What the attempt records there (errors of gqlgen's
// marshalers, extensions) is dropped when it gives the operation back, so
// gqlgen's pass answers as if it had run alone.
func (s Schema) Exec(ctx context.Context) graphql.ResponseHandler {
	if graphql.GetOperationContext(ctx).Operation.Operation != ast.Query {
		s.executed("gqlgen")
		return s.Executor.Exec(ctx)
	}
	var gqlgen graphql.ResponseHandler
	answered := false
	return func(ctx context.Context) *graphql.Response {
		switch {
		case gqlgen != nil:
			return gqlgen(ctx) // the rest of a @defer stream
		case answered:
			return nil
		}
		if data, ok := s.attempt(ctx); ok {
			answered = true
			s.executed("lean")
			return &graphql.Response{Data: data}
		}
		s.executed("gqlgen")
		gqlgen = s.Executor.Exec(ctx)
		return gqlgen(ctx)
	}
}

// attempt runs the lean executor on a scratch response context; false
// when it gives the operation back or recorded an error.
func (s Schema) attempt(ctx context.Context) ([]byte, bool) {
	scratch := graphql.WithResponseContext(ctx, discardError, discardPanic)
	data, ok := s.ExecLean(scratch)
	if !ok || graphql.GetErrors(scratch) != nil {
		return nil, false
	}
	for name, value := range graphql.GetExtensions(scratch) {
		graphql.RegisterExtension(ctx, name, value)
	}
	return data, true
}

// discardError presents an error of the attempt, which no client sees:
// without the server's presenter, which would log it.
func discardError(_ context.Context, err error) *gqlerror.Error {
	return &gqlerror.Error{Err: err, Message: err.Error()}
}

func discardPanic(_ context.Context, p any) error {
	return gqlerror.Errorf("lean attempt panicked: %v", p)
}

func (s Schema) executed(executor string) {
	if s.Executed != nil {
		s.Executed(executor)
	}
}
