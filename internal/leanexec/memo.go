package leanexec

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// When the lean attempt gives a query back, gqlgen's pass calls the same
// resolvers again. Loaders keep what they fetched for the request; the
// resolvers that read the store directly remember what they read for the
// operation (Remember), so that the second pass sends no SQL and reads what
// the first read. Only queries remember: their resolvers have no side
// effects, and a mutation's payload must read what the mutation wrote.

// Memo is the handler extension that gives each query operation its
// memory, on either executor (so both send the same statements).
type Memo struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = Memo{}

// ExtensionName implements graphql.HandlerExtension.
func (Memo) ExtensionName() string { return "LeanMemo" }

// Validate implements graphql.HandlerExtension.
func (Memo) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation implements graphql.OperationInterceptor.
func (Memo) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if graphql.GetOperationContext(ctx).Operation.Operation == ast.Query {
		ctx = context.WithValue(ctx, memoKey{}, &memo{reads: map[string]*read{}})
	}
	return next(ctx)
}

type memoKey struct{}

type memo struct {
	mu    sync.Mutex
	reads map[string]*read
}

type read struct {
	done  chan struct{} // closed once the first read returned or panicked
	kept  bool          // it returned: value and err are its answer
	value any
	err   error
}

// Remember returns what fetch returned the first time this operation
// asked under key (see Key), errors included, calling it only then; a
// fetch that panicked is not remembered (gqlgen's pass reports the
// panic). Outside a query operation it calls fetch.
func Remember[V any](ctx context.Context, key string, fetch func() (V, error)) (V, error) {
	m, _ := ctx.Value(memoKey{}).(*memo)
	if m == nil {
		return fetch()
	}
	m.mu.Lock()
	if r, ok := m.reads[key]; ok {
		m.mu.Unlock()
		<-r.done
		if !r.kept {
			return fetch()
		}
		v, _ := r.value.(V)
		return v, r.err
	}
	r := &read{done: make(chan struct{})}
	m.reads[key] = r
	m.mu.Unlock()
	defer func() {
		if !r.kept {
			m.mu.Lock()
			delete(m.reads, key)
			m.mu.Unlock()
		}
		close(r.done)
	}()
	v, err := fetch()
	r.value, r.err, r.kept = v, err, true
	return v, err
}

// Key names a read by what it is (the store method) and the values it
// reads with, pointers followed: two calls with equal values share it.
func Key(what string, values ...any) string {
	var b strings.Builder
	b.WriteString(what)
	for _, v := range values {
		rv := reflect.ValueOf(v)
		for rv.Kind() == reflect.Pointer && !rv.IsNil() {
			rv = rv.Elem()
		}
		if rv.IsValid() && !(rv.Kind() == reflect.Pointer && rv.IsNil()) {
			fmt.Fprintf(&b, " %#v", rv.Interface())
		} else {
			b.WriteString(" nil")
		}
	}
	return b.String()
}
