package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/teztelecom/tez/internal/metrics"
)

// gqlgen's executor pays, for every field of every object, a field context,
// closures and a boxed marshaler, and for every object a field set and a
// deferred group: most of a dashboard request's CPU. The lean executor
// (generated into graph/generated/lean.go by internal/leanexec/leangen from
// the same bindings) writes a query's data in one pass instead. It answers
// only when its answer is the one gqlgen would give; otherwise (a mutation,
// an error, a null where the schema forbids one, @defer, an abstract type,
// introspection) gqlgen's executor runs the operation. Query resolvers have
// no side effects and loaders keep what they fetched, so running again
// costs little and changes nothing. Two things the lean path relies on: query
// resolvers must stay free of side effects, and field interceptors
// (handler AroundFields/AroundRootFields) do not run on it: the handler
// adds none; one added later needs TEZ_EXECUTOR=gqlgen or leangen's help.

// leanExecutor is implemented by the generated executable schema.
type leanExecutor interface {
	ExecLean(ctx context.Context) ([]byte, bool)
}

// leanSchema runs queries on the lean executor first.
type leanSchema struct {
	graphql.ExecutableSchema
	metrics *metrics.Metrics
}

func (s leanSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	if data, ok := s.ExecutableSchema.(leanExecutor).ExecLean(ctx); ok {
		s.executed("lean")
		return graphql.OneShot(&graphql.Response{Data: data})
	}
	s.executed("gqlgen")
	return s.ExecutableSchema.Exec(ctx)
}

func (s leanSchema) executed(executor string) {
	if s.metrics != nil {
		s.metrics.Executed(executor)
	}
}
