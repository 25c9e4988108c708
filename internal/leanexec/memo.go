package leanexec

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"time"

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
// reads with, pointers followed: two calls with equal values share it. It
// writes the values itself: fmt's %#v allocates for every value.
func Key(what string, values ...any) string {
	b := make([]byte, 0, 64)
	b = append(b, what...)
	for _, v := range values {
		b = append(b, ' ')
		b = appendKey(b, reflect.ValueOf(v))
	}
	return string(b)
}

var timeType = reflect.TypeFor[time.Time]()

func appendKey(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Invalid:
		return append(b, "nil"...)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, "nil"...)
		}
		return appendKey(b, v.Elem())
	case reflect.String:
		return strconv.AppendQuote(b, v.String())
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.AppendFloat(b, v.Float(), 'g', -1, 64)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return append(b, "nil"...)
		}
		return appendEach(b, '[', v.Len(), v.Index, ']')
	case reflect.Struct:
		if v.Type() == timeType && v.CanInterface() {
			var t time.Time
			if v.CanAddr() {
				t = *v.Addr().Interface().(*time.Time)
			} else {
				t = v.Interface().(time.Time)
			}
			return t.UTC().AppendFormat(b, time.RFC3339Nano)
		}
		return appendEach(b, '{', v.NumField(), v.Field, '}')
	}
	return fmt.Appendf(b, "%#v", v) // maps, channels, functions: not read with
}

// appendEach appends the keys of n values (elements or fields), separated
// by commas, between open and end.
func appendEach(b []byte, open byte, n int, value func(i int) reflect.Value, end byte) []byte {
	b = append(b, open)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendKey(b, value(i))
	}
	return append(b, end)
}
