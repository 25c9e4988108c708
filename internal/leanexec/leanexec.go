package leanexec

import (
	"bytes"
	"context"
	"runtime"
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
// by side, and their loaders batch across the items. Nor do batch fields
// count when the object's list resolved them (see Batch): their values are
// there already.
func Object(ctx context.Context, w *bytes.Buffer, fields []graphql.CollectedField, resolved map[string]bool, field Field) bool {
	for _, f := range fields {
		if f.IsDeferred() {
			return false
		}
	}
	if ctx.Value(inConcurrentList{}) == nil && resolvers(fields, resolved) > 1 {
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

// resolvers counts the fields that call resolvers, as far as it matters: a
// fan-out needs two.
func resolvers(fields []graphql.CollectedField, resolved map[string]bool) int {
	n := 0
	for _, f := range fields {
		if resolved[f.Name] {
			n++
			if n > 1 {
				break
			}
		}
	}
	return n
}

// objectConcurrently runs the resolved fields in goroutines and the others
// in place, and writes them in order.
func objectConcurrently(ctx context.Context, w *bytes.Buffer, fields []graphql.CollectedField, resolved map[string]bool, field Field) bool {
	w.WriteByte('{')
	ok := fanOut(w, &fieldBuffers, len(fields), func(i int) bool { return resolved[fields[i].Name] }, func(i int, b *bytes.Buffer) bool {
		key(b, i == 0, fields[i].Alias)
		return field(ctx, b, fields[i])
	})
	w.WriteByte('}')
	return ok
}

// fanOut writes n parts into w, in order: those for which concurrent says
// so side by side, the others in place. As in gqlgen, the first concurrent
// part runs on this goroutine, once the others are started, so a fan-out
// of k parts costs k-1 goroutines. Parts before the first one started
// elsewhere are written straight into w; the rest each into a buffer of
// pool's, copied into w once all are done. It reports whether every part
// was written (if not, w holds a partial answer, which the caller drops).
func fanOut(w *bytes.Buffer, pool *bufferPool, n int, concurrent func(i int) bool, part func(i int, b *bytes.Buffer) bool) bool {
	bufs := make([]*bytes.Buffer, n)
	var failed atomic.Bool
	var wg sync.WaitGroup
	run := func(i int, b *bytes.Buffer) {
		defer recoverTo(&failed)
		if !part(i, b) {
			failed.Store(true)
		}
	}
	here, elsewhere := -1, n // the concurrent part this goroutine runs; the first started elsewhere
	for i := range n {
		if !concurrent(i) {
			continue
		}
		if here < 0 {
			here = i
			continue
		}
		elsewhere = min(elsewhere, i)
		bufs[i] = pool.get()
		wg.Add(1)
		spawn(func() {
			defer wg.Done()
			run(i, bufs[i])
		})
	}
	for i := 0; i < n && !failed.Load(); i++ {
		switch {
		case i < elsewhere:
			run(i, w)
		case bufs[i] == nil:
			bufs[i] = pool.get()
			run(i, bufs[i])
		}
	}
	wg.Wait()
	size := 0
	for _, b := range bufs[elsewhere:] {
		if b != nil {
			size += b.Len()
		}
	}
	w.Grow(size) // once, not doubling its way up part by part
	for _, b := range bufs[elsewhere:] {
		if b != nil {
			w.Write(b.Bytes())
			pool.put(b)
		}
	}
	return !failed.Load()
}

// idle hands work to a kept worker waiting for it (see spawn).
var idle = make(chan func())

// idleWorkers counts the workers waiting on idle; at most maxIdle wait.
var idleWorkers atomic.Int32

const maxIdle = 64

// spawn runs f on a goroutine of its own, one of the workers kept from
// earlier fan-outs when one is waiting. A new goroutine starts on a small
// stack and copies it each time it doubles on its way down to the driver
// (runtime.copystack was 7% of the server's CPU on the dashboard); a kept
// one has grown it already (the collector halves an idle one's stack at
// most once a cycle).
func spawn(f func()) {
	select {
	case idle <- f:
	default:
		go work(f)
	}
}

func work(f func()) {
	for {
		f()
		if idleWorkers.Add(1) > maxIdle {
			idleWorkers.Add(-1)
			return
		}
		f = <-idle
		idleWorkers.Add(-1)
	}
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
// see every item's key within one batch window. Other items (plain ones,
// or ones whose batch fields the list resolved for all: see Batch) run in place,
// in a chunk per core when there are many, so that a lone request still
// has every core writing its items, for one goroutine a core instead of
// one an item.
func List(ctx context.Context, w *bytes.Buffer, n int, concurrent bool, item Item) bool {
	w.WriteByte('[')
	var ok bool
	switch {
	case concurrent && n > 1:
		ok = concurrently(ctx, w, n, item)
	case n >= chunkedItems:
		ok = chunked(ctx, w, n, item)
	default:
		ok = itemsInPlace(ctx, w, 0, n, item)
	}
	if !ok {
		return false
	}
	w.WriteByte(']')
	return true
}

// chunkedItems is the shortest list written in chunks: a goroutine costs a
// few microseconds, about what a short item does.
const chunkedItems = 8

// chunked writes n items in a chunk per core, side by side.
func chunked(ctx context.Context, w *bytes.Buffer, n int, item Item) bool {
	procs := runtime.GOMAXPROCS(0)
	if procs < 2 {
		return itemsInPlace(ctx, w, 0, n, item)
	}
	size := (n + procs - 1) / procs
	return fanOut(w, &fieldBuffers, (n+size-1)/size, func(int) bool { return true }, func(c int, b *bytes.Buffer) bool {
		if c > 0 {
			b.WriteByte(',')
		}
		return itemsInPlace(ctx, b, c*size, min(n, (c+1)*size), item)
	})
}

// itemsInPlace writes items lo to hi, one after another.
func itemsInPlace(ctx context.Context, w *bytes.Buffer, lo, hi int, item Item) bool {
	for i := lo; i < hi; i++ {
		if i > lo {
			w.WriteByte(',')
		}
		if !item(ctx, w, i) {
			return false
		}
	}
	return true
}

func concurrently(ctx context.Context, w *bytes.Buffer, n int, item Item) bool {
	ctx = context.WithValue(ctx, inConcurrentList{}, true)
	return fanOut(w, &itemBuffers, n, func(int) bool { return true }, func(i int, b *bytes.Buffer) bool {
		if i > 0 {
			b.WriteByte(',')
		}
		return item(ctx, b, i)
	})
}

// recoverTo turns a panic in a goroutine of the walk into a failure: the
// operation goes back to gqlgen, which reports the panic.
func recoverTo(failed *atomic.Bool) {
	if recover() != nil {
		failed.Store(true)
	}
}

// bufferPool keeps buffers up to a capacity: a pool of buffers that kept
// whatever they once grew to would end up holding, in every buffer, the
// largest part it ever wrote, and the collector lets the heap grow in
// proportion to what is live (docs/benchmarks.md has the measurements).
type bufferPool struct {
	pool   sync.Pool
	maxCap int
}

func (p *bufferPool) get() *bytes.Buffer {
	if b, ok := p.pool.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

func (p *bufferPool) put(b *bytes.Buffer) {
	if b.Cap() <= p.maxCap {
		b.Reset()
		p.pool.Put(b)
	}
}

var (
	// itemBuffers hold one item of a list: a SIM card with its history's
	// first page is under 1 kB.
	itemBuffers = bufferPool{maxCap: 4 << 10}
	// fieldBuffers hold one field of an object, a list or a connection
	// among them: a dashboard's 13 SIM cards are 8–15 kB.
	fieldBuffers = bufferPool{maxCap: 32 << 10}
	// responseBuffers hold a response's data: a dashboard is 11–18 kB with
	// 13 SIM cards, 62 kB with 50.
	responseBuffers = bufferPool{maxCap: 128 << 10}
)

// Response writes a response's data with write into a pooled buffer and
// returns it, or false when write gives the operation back. The pool's
// buffers stay grown to the responses they held, so a dashboard's data is
// written without the buffer doubling its way up. Under a Loan (see
// WithLoan) the buffer itself is returned; otherwise a copy of exactly its
// size.
func Response(ctx context.Context, write func(w *bytes.Buffer) bool) ([]byte, bool) {
	b := responseBuffers.get()
	if !write(b) {
		responseBuffers.put(b)
		return nil, false
	}
	if l, ok := ctx.Value(loanKey{}).(*Loan); ok && l.b == nil {
		l.b = b
		return b.Bytes(), true
	}
	defer responseBuffers.put(b)
	return bytes.Clone(b.Bytes()), true
}

// A Loan lets Response hand out its buffer rather than a copy to a caller
// that writes the response out at once: the copy, a whole answer, was a
// dashboard's largest allocation.
type Loan struct{ b *bytes.Buffer }

type loanKey struct{}

// WithLoan returns a context under which Response lends its buffer to the
// Loan. Return gives it back; the data is not to be read after that.
func WithLoan(ctx context.Context) (context.Context, *Loan) {
	l := &Loan{}
	return context.WithValue(ctx, loanKey{}, l), l
}

// Return gives the lent buffer, if any, back to the pool.
func (l *Loan) Return() {
	if l.b != nil {
		responseBuffers.put(l.b)
		l.b = nil
	}
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
