package leanexec

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
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

// Exec implements graphql.ExecutableSchema.
func (s Schema) Exec(ctx context.Context) graphql.ResponseHandler {
	if data, ok := s.ExecLean(ctx); ok {
		s.executed("lean")
		return graphql.OneShot(&graphql.Response{Data: data})
	}
	s.executed("gqlgen")
	return s.Executor.Exec(ctx)
}

func (s Schema) executed(executor string) {
	if s.Executed != nil {
		s.Executed(executor)
	}
}
