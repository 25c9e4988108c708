package graph

import (
	"context"
	"fmt"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"github.com/teztelecom/tez/internal/metrics"
)

// batchLoader is a per-request loader for batch resolvers: LoadAll takes
// all the keys of a list's parents at once and fetches those it does not
// hold yet in one statement, now, rather than after the loader's wait (it
// has every key already), so that a list costs one statement per batch
// field, whatever the timing. A lone key of a field resolved on its own
// parent (Load) waits for its batch, as dataloadgen's loaders do. Either
// way it holds what it fetched for the request: a node(id:) refetch,
// another path to the same key and gqlgen's pass after a lean attempt find
// it there and send no SQL.
//
// Keys asked together can be made siblings (together): fetching one then
// brings along its siblings the loader does not hold yet. That batches the
// fields whose parents reach their resolvers one by one, such as a
// connection's nodes (gqlgen groups a batch field's parents only when they
// are the items of a list) or the usage summaries of a list of SIMs.
type batchLoader[K comparable, V any] struct {
	waiting *dataloadgen.Loader[K, V]
	fetch   func(context.Context, []K) (map[K]V, error)

	mu       sync.Mutex
	held     map[K]func() (V, error)
	siblings map[K][]K
}

func newBatchLoader[K comparable, V any](m *metrics.Metrics, name string, fetch func(context.Context, []K) (map[K]V, error)) *batchLoader[K, V] {
	f := counted(m, name, fetch)
	return &batchLoader[K, V]{
		waiting: dataloadgen.NewMappedLoader(f, dataloadgen.WithWait(loaderWait), dataloadgen.WithBatchCapacity(loaderBatch)),
		fetch:   f,
		held:    map[K]func() (V, error){},
	}
}

// together makes keys siblings of each other.
func (l *batchLoader[K, V]) together(keys []K) {
	if len(keys) < 2 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.siblings == nil {
		l.siblings = make(map[K][]K, len(keys))
	}
	for _, k := range keys {
		l.siblings[k] = keys
	}
}

// Prime holds v for k unless the loader holds k already.
func (l *batchLoader[K, V]) Prime(k K, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.held[k]; !ok {
		l.held[k] = func() (V, error) { return v, nil }
	}
}

// Load returns k's value (dataloadgen.ErrNotFound when the fetch found none).
func (l *batchLoader[K, V]) Load(ctx context.Context, k K) (V, error) {
	return l.LoadThunk(ctx, k)()
}

// LoadThunk asks for k and returns how to wait for its value, so that
// several keys can be asked before any is awaited (nodes(ids:)).
func (l *batchLoader[K, V]) LoadThunk(ctx context.Context, k K) func() (V, error) {
	l.mu.Lock()
	th, ok := l.held[k]
	if !ok && l.siblings[k] == nil {
		th = l.waiting.LoadThunk(ctx, k) // a lone key: batched by time
		l.held[k] = th
	}
	l.mu.Unlock()
	if th != nil {
		return th
	}
	return func() (V, error) {
		vals, err := l.LoadAll(ctx, []K{k})
		if err != nil {
			return vals[0], err.(graphql.BatchErrorList)[0]
		}
		return vals[0], nil
	}
}

// LoadAll returns the values of keys, in their order; the error, if any, is
// a graphql.BatchErrorList with one entry per key, as a batch resolver
// returns it.
func (l *batchLoader[K, V]) LoadAll(ctx context.Context, keys []K) ([]V, error) {
	thunks := make([]func() (V, error), len(keys))
	var calls []*fetchCall[K, V]
	l.mu.Lock()
	claim := func(k K) func() (V, error) {
		if th, ok := l.held[k]; ok {
			return th
		}
		if len(calls) == 0 || len(calls[len(calls)-1].keys) == loaderBatch {
			calls = append(calls, &fetchCall[K, V]{done: make(chan struct{})})
		}
		c := calls[len(calls)-1]
		c.keys = append(c.keys, k)
		th := c.value(k)
		l.held[k] = th
		return th
	}
	for i, k := range keys {
		thunks[i] = claim(k)
		for _, s := range l.siblings[k] {
			claim(s)
		}
	}
	l.mu.Unlock()
	for _, c := range calls {
		c.run(ctx, l.fetch)
	}
	vals := make([]V, len(keys))
	var errs graphql.BatchErrorList
	for i, th := range thunks {
		v, err := th()
		vals[i] = v
		if err != nil && errs == nil {
			errs = make(graphql.BatchErrorList, len(keys))
		}
		if err != nil {
			errs[i] = err
		}
	}
	if errs != nil {
		return vals, errs
	}
	return vals, nil
}

// fetchCall is one statement of LoadAll's, awaited by every key it fetches.
type fetchCall[K comparable, V any] struct {
	keys []K
	done chan struct{}
	vals map[K]V
	err  error
}

func (c *fetchCall[K, V]) run(ctx context.Context, fetch func(context.Context, []K) (map[K]V, error)) {
	defer close(c.done)
	defer func() {
		if p := recover(); p != nil {
			c.err = fmt.Errorf("panic during fetch: %v", p)
		}
	}()
	c.vals, c.err = fetch(ctx, c.keys)
}

func (c *fetchCall[K, V]) value(k K) func() (V, error) {
	return func() (V, error) {
		<-c.done
		v, ok := c.vals[k]
		switch {
		case c.err != nil:
			return v, c.err
		case !ok:
			return v, dataloadgen.ErrNotFound
		}
		return v, nil
	}
}
