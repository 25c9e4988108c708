package leanexec

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Batch fields (batch: true in gqlgen.yml) resolve all the parents of a
// list in one call. As under gqlgen, a list of objects whose type has them
// calls each selected batch field once, with all its items as parents; a
// parent that is not an item of a list of its type (a connection's node, a
// field's single object) is resolved on its own, in a call of one. Here the
// list resolves its batch fields before it writes its items, side by side
// when it has several, and each item finds its result in the Batch.

// A Batch is what the batch fields of one list resolved for its items.
type Batch struct {
	object  string
	parents any                // []P, the list's items
	results map[*ast.Field]any // a field's []R, one result per parent
	items   []batchItem
}

type batchItem struct {
	b *Batch
	i int
}

// batchKey finds the item of the nearest list of an object type.
type batchKey struct{ object string }

// ResolveBatch calls resolve, for the list's parents of type object, on
// each field among fields whose name is in batched (a response key each:
// aliases of a field are resolved apart, as gqlgen does), side by side when
// there are several. resolve returns the field's results, one per parent;
// false gives the operation back. With no parents or no batch field
// selected it resolves nothing (and the Batch is nil).
func ResolveBatch[P any](ctx context.Context, object string, parents []P, fields []graphql.CollectedField, batched map[string]bool, resolve func(ctx context.Context, f graphql.CollectedField) (any, bool)) (*Batch, bool) {
	var asked []graphql.CollectedField
	for _, f := range fields {
		if batched[f.Name] {
			asked = append(asked, f)
		}
	}
	if len(parents) == 0 || len(asked) == 0 {
		return nil, true
	}
	b := &Batch{object: object, parents: parents, results: make(map[*ast.Field]any, len(asked))}
	results := make([]any, len(asked))
	var failed atomic.Bool
	var wg sync.WaitGroup
	run := func(i int) {
		defer recoverTo(&failed)
		r, ok := resolve(ctx, asked[i])
		if !ok {
			failed.Store(true)
		}
		results[i] = r
	}
	for i := 1; i < len(asked); i++ {
		wg.Go(func() { run(i) })
	}
	run(0)
	wg.Wait()
	if failed.Load() {
		return nil, false
	}
	for i, f := range asked {
		b.results[f.Field] = results[i]
	}
	b.items = make([]batchItem, len(parents))
	for i := range b.items {
		b.items[i] = batchItem{b, i}
	}
	return b, true
}

// Item returns the context of the list's item i, where its batch fields
// find their results (BatchResult). On a nil Batch it returns ctx.
func (b *Batch) Item(ctx context.Context, i int) context.Context {
	if b == nil {
		return ctx
	}
	return context.WithValue(ctx, batchKey{b.object}, &b.items[i])
}

// BatchResult returns field f's result for obj when obj is the item of the
// nearest list of its type and that list resolved f; otherwise false, and
// the field is resolved on obj alone. The parent is compared, not only the
// field: a fragment spread at two depths puts one field below two lists.
func BatchResult[P comparable, R any](ctx context.Context, object string, f *ast.Field, obj P) (R, bool) {
	var zero R
	it, _ := ctx.Value(batchKey{object}).(*batchItem)
	if it == nil {
		return zero, false
	}
	if parents, ok := it.b.parents.([]P); !ok || parents[it.i] != obj {
		return zero, false
	}
	rs, ok := it.b.results[f].([]R)
	if !ok {
		return zero, false
	}
	return rs[it.i], true
}

// Batched reports whether obj is the item of the nearest list of its type
// that resolved batch fields: the object then need not run those fields
// side by side (their values are there).
func Batched[P comparable](ctx context.Context, object string, obj P) bool {
	it, _ := ctx.Value(batchKey{object}).(*batchItem)
	if it == nil {
		return false
	}
	parents, ok := it.b.parents.([]P)
	return ok && parents[it.i] == obj
}
