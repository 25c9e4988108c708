// Package leanexec is the lean query executor: the runtime of the code
// internal/leanexec/leangen generates beside gqlgen's
// (graph/generated/lean.go), the schema wrapper that runs it (Schema), the per-operation
// memory of reads (Remember, Memo) and the HTTP transports that lend it
// their response buffer (POST, GET). gqlgen's executor pays, for every
// field, a field context, closures and a boxed marshaler, and for every
// object a field set and a deferred group: most of a dashboard's CPU. The
// lean one calls the same resolvers, reads the same model fields, decodes
// arguments with gqlgen's own generated functions, and writes objects,
// lists and leaves straight into one buffer: the common scalars and the
// generated enums with writers tested byte for byte against gqlgen's
// marshalers (write.go), any other leaf with its gqlgen marshaler.
//
// # The contract
//
// It differs from gqlgen's executor only in cost, never in what a client
// receives: status, body, errors, extensions, and in what the server
// records (every interceptor and metric runs as under gqlgen). It answers
// a query only when its answer is gqlgen's; anything else (a mutation, a
// resolver error, a null where the schema forbids one, @defer, an
// interface or union, introspection) it gives back and gqlgen's executor
// runs the operation. To keep that:
//   - the attempt runs where gqlgen runs a query, in the response handler
//     inside every response interceptor, on a scratch response context
//     dropped on fallback (Schema.Exec);
//   - a fallback re-sends no SQL: loaders keep what they fetched for the
//     request, and resolvers that read the store directly go through
//     Remember, so gqlgen's pass reads what the attempt read;
//   - batch fields (batch: true) are called with the same parents as under
//     gqlgen: once per list with all its items (before the list writes
//     them, see ResolveBatch), and in a batch of one for a parent that is
//     not an item of a list of its type;
//   - query resolvers have no side effects;
//   - field interceptors (handler AroundFields/AroundRootFields) and FIELD
//     directives do not run on the lean walk: the handler adds none, and
//     leangen refuses FIELD directives. Adding one needs TEZ_EXECUTOR=gqlgen
//     or leangen's help.
//
// graph/lean_diff_test.go guards it: queries generated from the schema
// (every field four object fields deep, with aliases, fragments,
// directives, nulls, zero values and failing resolvers) on both executors,
// comparing status, body, statements and metrics; graph/lean_fallback_test.go
// holds the three cases a review once found. CI runs the API suite on both
// executors (TEZ_EXECUTOR=gqlgen in .ci/run).
//
// # Upgrading gqlgen
//
// go generate refuses any gqlgen but leangen.TestedGqlgen. For a new one:
//  1. Read its changelog for the executor (graphql/executor, ResolveField,
//     the generated Exec, marshalers, CollectFields, deferred and batch
//     fields, response contexts).
//  2. Bump go.mod and leangen.TestedGqlgen; go generate ./... and read the
//     diff of graph/generated/generated.go against lean.go: a new kind of
//     field or type leanField does not know must give the operation back.
//  3. go test ./... and TEZ_EXECUTOR=gqlgen go test ./...; the
//     differential test must pass unchanged.
//  4. tez bench -scenarios dashboard at 1 and 16 connections on both
//     executors (TEZ_EXECUTOR), old and new builds alternating.
//
// # When to delete it
//
// When gqlgen's own executor comes within 25% of it on tez bench (dashboard
// throughput and p50, 1 and 16 connections), or when keeping the contract
// costs more than that: delete this package, leangen, cmd/gqlgen (go
// generate then runs gqlgen itself) and TEZ_EXECUTOR.
package leanexec
