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

// Key writes the separator before a field (unless it is the first) and its
// key. Aliases are GraphQL names ([_A-Za-z][_0-9A-Za-z]*), so they need no
// escaping.
func Key(w *bytes.Buffer, first bool, alias string) {
	if !first {
		w.WriteByte(',')
	}
	w.WriteByte('"')
	w.WriteString(alias)
	w.WriteString(`":`)
}

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
	bufs := make([]*bytes.Buffer, n)
	var failed atomic.Bool
	var wg sync.WaitGroup
	for i := range n {
		bufs[i] = bufferPool.Get().(*bytes.Buffer)
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A panic gives the operation back to gqlgen, which reports it.
			defer func() {
				if recover() != nil {
					failed.Store(true)
				}
			}()
			if !item(ctx, bufs[i], i) {
				failed.Store(true)
			}
		}()
	}
	wg.Wait()
	for i, b := range bufs {
		if i > 0 {
			w.WriteByte(',')
		}
		w.Write(b.Bytes())
		b.Reset()
		bufferPool.Put(b)
	}
	return !failed.Load()
}

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Concurrent reports whether the fields selected on a list's items call a
// resolver (names in resolved), so that the items must run concurrently.
func Concurrent(op *graphql.OperationContext, sel ast.SelectionSet, implementors []string, resolved map[string]bool) bool {
	for _, f := range graphql.CollectFields(op, sel, implementors) {
		if resolved[f.Name] {
			return true
		}
	}
	return false
}
