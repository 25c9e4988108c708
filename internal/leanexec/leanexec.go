// Package leanexec is the runtime of the lean query executor that
// internal/leanexec/leangen generates beside gqlgen's: it writes a query's
// data straight into one buffer, without gqlgen's per-field contexts,
// field sets, deferred groups and goroutines. The generated code answers
// "false" for anything it does not handle the way gqlgen does (errors,
// nulls in non-null positions, @defer, abstract types, introspection), and
// the operation then runs on gqlgen's executor, so the two can only differ
// in cost, never in what a client receives.
package leanexec

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Field writes the value of one field of an object into w; false gives the
// operation back to gqlgen.
type Field func(ctx context.Context, w *bytes.Buffer, f graphql.CollectedField) bool

// Object writes a JSON object of the collected fields. When two or more of
// them call resolvers (names in resolved), those run concurrently, as in
// gqlgen, so that their SQL round trips overlap: a user's SIM cards,
// addresses and orders are fetched at once. Objects that are items of a
// concurrent list do not fan out again: their list already runs them side
// by side, and their loaders batch across the items.
func Object(ctx context.Context, w *bytes.Buffer, fields []graphql.CollectedField, resolved map[string]bool, field Field) bool {
	for _, f := range fields {
		if f.IsDeferred() {
			return false
		}
	}
	if ctx.Value(inConcurrentList{}) == nil && count(fields, resolved) > 1 {
		return objectConcurrently(ctx, w, fields, resolved, field)
	}
	w.WriteByte('{')
	for i, f := range fields {
		key(w, i == 0, f.Alias)
		if !field(ctx, w, f) {
			return false
		}
	}
	w.WriteByte('}')
	return true
}

func count(fields []graphql.CollectedField, resolved map[string]bool) int {
	n := 0
	for _, f := range fields {
		if resolved[f.Name] {
			n++
		}
	}
	return n
}

// objectConcurrently runs the resolved fields in goroutines and the others
// in place, each into a buffer of its own, then writes them in order.
func objectConcurrently(ctx context.Context, w *bytes.Buffer, fields []graphql.CollectedField, resolved map[string]bool, field Field) bool {
	bufs, ok := fanOut(len(fields), func(i int) bool { return resolved[fields[i].Name] }, func(i int, b *bytes.Buffer) bool {
		return field(ctx, b, fields[i])
	})
	w.WriteByte('{')
	for i, f := range fields {
		key(w, i == 0, f.Alias)
		w.Write(bufs[i].Bytes())
	}
	w.WriteByte('}')
	release(bufs)
	return ok
}

// fanOut writes n parts, each into a buffer of its own: those for which
// concurrent says so side by side, the others in place. As in gqlgen, the
// first concurrent part runs on this goroutine, once the others are
// started, so a fan-out of k parts costs k-1 goroutines. It returns the
// buffers (for release) and whether every part was written.
func fanOut(n int, concurrent func(i int) bool, part func(i int, b *bytes.Buffer) bool) ([]*bytes.Buffer, bool) {
	bufs := make([]*bytes.Buffer, n)
	var failed atomic.Bool
	var wg sync.WaitGroup
	here := -1 // the concurrent part this goroutine runs
	run := func(i int) {
		defer recoverTo(&failed)
		if !part(i, bufs[i]) {
			failed.Store(true)
		}
	}
	for i := range n {
		bufs[i] = bufferPool.Get().(*bytes.Buffer)
		if !concurrent(i) {
			continue
		}
		if here < 0 {
			here = i
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(i)
		}()
	}
	for i := range n {
		if (i == here || !concurrent(i)) && !failed.Load() {
			run(i)
		}
	}
	wg.Wait()
	return bufs, !failed.Load()
}

// key writes the separator before a field (unless it is the first) and its
// key. Aliases are GraphQL names ([_A-Za-z][_0-9A-Za-z]*), so they need no
// escaping.
func key(w *bytes.Buffer, first bool, alias string) {
	if !first {
		w.WriteByte(',')
	}
	w.WriteByte('"')
	w.WriteString(alias)
	w.WriteString(`":`)
}

// inConcurrentList marks the context of items of a list that runs its
// items concurrently.
type inConcurrentList struct{}

// Item writes item i of a list into w; false gives the operation back to
// gqlgen.
type Item func(ctx context.Context, w *bytes.Buffer, i int) bool

// List writes a JSON array of n items. Items whose fields call resolvers
// run concurrently, one goroutine each as in gqlgen, so that their loaders
// see every item's key within one batch window; plain items are written in
// place.
func List(ctx context.Context, w *bytes.Buffer, n int, concurrent bool, item Item) bool {
	w.WriteByte('[')
	if concurrent && n > 1 {
		if !concurrently(ctx, w, n, item) {
			return false
		}
	} else {
		for i := range n {
			if i > 0 {
				w.WriteByte(',')
			}
			if !item(ctx, w, i) {
				return false
			}
		}
	}
	w.WriteByte(']')
	return true
}

func concurrently(ctx context.Context, w *bytes.Buffer, n int, item Item) bool {
	ctx = context.WithValue(ctx, inConcurrentList{}, true)
	bufs, ok := fanOut(n, func(int) bool { return true }, func(i int, b *bytes.Buffer) bool { return item(ctx, b, i) })
	for i, b := range bufs {
		if i > 0 {
			w.WriteByte(',')
		}
		w.Write(b.Bytes())
	}
	release(bufs)
	return ok
}

// recoverTo turns a panic in a goroutine of the walk into a failure: the
// operation goes back to gqlgen, which reports the panic.
func recoverTo(failed *atomic.Bool) {
	if recover() != nil {
		failed.Store(true)
	}
}

func release(bufs []*bytes.Buffer) {
	for _, b := range bufs {
		b.Reset()
		bufferPool.Put(b)
	}
}

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Response writes a response's data with write into a pooled buffer and
// returns a copy of exactly its size, or false when write gives the
// operation back. The pool's buffers stay grown to the responses they held,
// so a dashboard's data (11 kB; 40 kB with 50 SIM cards) is written without
// the buffer doubling its way up, and costs one allocation of its size.
func Response(write func(w *bytes.Buffer) bool) ([]byte, bool) {
	b := bufferPool.Get().(*bytes.Buffer)
	defer func() {
		b.Reset()
		bufferPool.Put(b)
	}()
	if !write(b) {
		return nil, false
	}
	return bytes.Clone(b.Bytes()), true
}

// operation caches, for one operation, what depends only on the document
// and the variables: the decoded arguments of each field, so the items of
// a list (a usage range asked of every SIM card) decode them once, not once
// each; and the fields collected for each selection set and type, which
// gqlgen caches too but under a key it builds anew on every call.
type operation struct {
	mu     sync.Mutex
	args   map[*ast.Field]map[string]any
	fields map[fieldsKey][]graphql.CollectedField
}

// fieldsKey names a selection set (by its first element: selection sets
// are the operation's own, unchanged while it runs) and a type (by its
// implementors list, one per type).
type fieldsKey struct {
	sel  *ast.Selection
	n    int
	impl *string
}

type operationKey struct{}

// WithOperation gives an operation's context its cache.
func WithOperation(ctx context.Context) context.Context {
	return context.WithValue(ctx, operationKey{}, &operation{
		args:   map[*ast.Field]map[string]any{},
		fields: map[fieldsKey][]graphql.CollectedField{},
	})
}

// Args returns the field's decoded arguments, decoding them on first use.
// Resolvers read the map and never change it, so it is shared. A decoding
// error is not kept: it gives the operation back to gqlgen anyway.
func Args(ctx context.Context, f *ast.Field, decode func() (map[string]any, error)) (map[string]any, error) {
	o, _ := ctx.Value(operationKey{}).(*operation)
	if o == nil {
		return decode()
	}
	return once(&o.mu, o.args, f, decode)
}

// Fields collects the fields of a selection set on a type (gqlgen's
// CollectFields), once per operation.
func Fields(ctx context.Context, op *graphql.OperationContext, sel ast.SelectionSet, implementors []string) []graphql.CollectedField {
	collect := func() ([]graphql.CollectedField, error) { return graphql.CollectFields(op, sel, implementors), nil }
	o, _ := ctx.Value(operationKey{}).(*operation)
	if o == nil || len(sel) == 0 || len(implementors) == 0 {
		fields, _ := collect()
		return fields
	}
	fields, _ := once(&o.mu, o.fields, fieldsKey{sel: &sel[0], n: len(sel), impl: &implementors[0]}, collect)
	return fields
}

// once returns m[k], computing and keeping it on first use; errors are not
// kept. Two goroutines may both compute a missing value: it is the same.
func once[K comparable, V any](mu *sync.Mutex, m map[K]V, k K, compute func() (V, error)) (V, error) {
	mu.Lock()
	v, ok := m[k]
	mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	mu.Lock()
	m[k] = v
	mu.Unlock()
	return v, nil
}
