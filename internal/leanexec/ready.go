package leanexec

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// A list's items run side by side so that their loaders batch. When a list
// resolver has already loaded what its items' fields ask for, for all items
// at once (graph/prefetch.go), that buys no overlapping round trip, and each
// goroutine costs a start and a stack grown anew on the way down to the
// deepest field, a cost that shows under load. The resolver then says
// which fields are ready, and the items run one after another.

// readyField is a field of an object type said ready by a resolver.
type readyField struct{ object, field string }

// Ready tells the lean executor that the fields of objects of type object
// below the field being resolved find what they load in the request's
// loader caches already. Lists of those objects then run their items one
// after another, and the objects do not fan out for those fields. A field
// said ready that is not only costs time (its loads wait for their batches
// one item after another), never a different answer. Outside the lean
// executor it does nothing.
func Ready(ctx context.Context, object string, fields ...string) {
	o, _ := ctx.Value(operationKey{}).(*operation)
	fc := graphql.GetFieldContext(ctx)
	if o == nil || fc == nil || len(fields) == 0 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ready == nil {
		o.ready = map[*graphql.FieldContext][]readyField{}
	}
	for _, f := range fields {
		o.ready[fc] = append(o.ready[fc], readyField{object, f})
	}
}

// IsReady reports whether a resolver at or above ctx's field said
// object's field ready.
func IsReady(ctx context.Context, object, field string) bool {
	o, _ := ctx.Value(operationKey{}).(*operation)
	if o == nil {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.ready) == 0 {
		return false
	}
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		for _, r := range o.ready[fc] {
			if r.object == object && r.field == field {
				return true
			}
		}
	}
	return false
}
