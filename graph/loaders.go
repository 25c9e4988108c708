package graph

import (
	"context"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/teztelecom/tez/internal/metrics"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/viewer"
)

// loaderWait is how long a loader collects keys before its one statement:
// resolvers of sibling fields run concurrently and ask within microseconds,
// so well under dataloadgen's 16 ms default is enough.
const loaderWait = 200 * time.Microsecond

// loaderBatch caps the keys of one statement.
const loaderBatch = 1000

// Loaders batch the per-item lookups of one request. Each batch is one SQL
// statement; the owner-checked ones filter by the viewer in SQL. They live
// for one request only: they cache, and the cache must never cross users.
type Loaders struct {
	addressesByUser *loader[int64, []store.Address]
	simCardsByUser  *loader[int64, []store.SimCard]
	usageByRange    *loader[store.UsageRange, []store.CountryUsage]
	newestSessions  *loader[store.NewestKey, []store.UsageSession]
	sessionCounts   *loader[store.UsageRange, int]
	itemsByOrder    *loader[int64, []store.OrderItem]
	productByID     *loader[int64, store.Product]

	// Owner-checked lookups by ID, for node(id:) and nodes(ids:).
	addressByID  *loader[int64, store.Address]
	simCardByID  *loader[string, store.SimCard]
	orderByID    *loader[int64, store.Order]
	sessionByKey *loader[[2]string, store.UsageSession]
}

type loadersKey struct{}

// newLoaders makes the loaders of a request for what the viewer may see:
// customer lookups check scope.UserID (0 matches nobody), usage reads the
// whole scope (a reseller's SIMs too). Each batch's size goes to metrics.
func newLoaders(st *store.Store, m *metrics.Metrics, scope store.Scope) *Loaders {
	owner := scope.UserID
	return &Loaders{
		addressesByUser: newLoader(m, "addressesByUser", st.AddressesByUserID),
		simCardsByUser:  newLoader(m, "simCardsByUser", st.SimCardsByUserID),
		usageByRange: newLoader(m, "usageByRange", func(ctx context.Context, keys []store.UsageRange) (map[store.UsageRange][]store.CountryUsage, error) {
			return st.UsageByCountry(ctx, scope, keys)
		}),
		newestSessions: newLoader(m, "newestSessions", func(ctx context.Context, keys []store.NewestKey) (map[store.NewestKey][]store.UsageSession, error) {
			return st.NewestSessions(ctx, scope, keys)
		}),
		sessionCounts: newLoader(m, "sessionCounts", func(ctx context.Context, keys []store.UsageRange) (map[store.UsageRange]int, error) {
			return st.SessionCounts(ctx, scope, keys)
		}),
		itemsByOrder: newLoader(m, "itemsByOrder", st.OrderItemsByOrderID),
		productByID:  newLoader(m, "productByID", st.ProductsByID),
		addressByID: newLoader(m, "addressByID", func(ctx context.Context, ids []int64) (map[int64]store.Address, error) {
			return st.AddressesByID(ctx, owner, ids)
		}),
		simCardByID: newLoader(m, "simCardByID", func(ctx context.Context, iccids []string) (map[string]store.SimCard, error) {
			return st.SimCardsByICCID(ctx, owner, iccids)
		}),
		orderByID: newLoader(m, "orderByID", func(ctx context.Context, ids []int64) (map[int64]store.Order, error) {
			return st.OrdersByID(ctx, owner, ids)
		}),
		sessionByKey: newLoader(m, "sessionByKey", func(ctx context.Context, keys [][2]string) (map[[2]string]store.UsageSession, error) {
			return st.SessionsByKey(ctx, store.Scope{UserID: owner}, keys)
		}),
	}
}

// loader is a dataloader that can also be filled in advance: a list
// resolver that knows every key its items will ask for fetches them all in
// one statement and primes the cache (prefetch.go). Keys added one by one
// could miss the wait window on a busy machine and split the batch; a
// prefetch cannot.
type loader[K comparable, V any] struct {
	*dataloadgen.Loader[K, V]
	fetch func(context.Context, []K) (map[K]V, error)
}

// newLoader makes a mapped loader with the project's wait and capacity,
// recording each batch's size.
func newLoader[K comparable, V any](m *metrics.Metrics, name string, fetch func(context.Context, []K) (map[K]V, error)) *loader[K, V] {
	counted := func(ctx context.Context, keys []K) (map[K]V, error) {
		m.Batch(name, len(keys))
		return fetch(ctx, keys)
	}
	return &loader[K, V]{
		Loader: dataloadgen.NewMappedLoader(counted, dataloadgen.WithWait(loaderWait), dataloadgen.WithBatchCapacity(loaderBatch)),
		fetch:  counted,
	}
}

// prime fetches keys in one statement and caches the answers. A key
// missing from the answer is not cached: loading it later answers
// dataloadgen.ErrNotFound, as a batch would have.
func (l *loader[K, V]) prime(ctx context.Context, keys []K) (map[K]V, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	got, err := l.fetch(ctx, keys)
	if err != nil {
		return nil, err
	}
	for k, v := range got {
		l.Prime(k, v)
	}
	return got, nil
}

// WithLoaders gives each request fresh loaders for its viewer.
func WithLoaders(st *store.Store, m *metrics.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), loadersKey{}, newLoaders(st, m, scopeOf(r.Context())))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// loadersFor returns the request's loaders.
func loadersFor(ctx context.Context) *Loaders {
	return ctx.Value(loadersKey{}).(*Loaders)
}

// scopeOf is whose SIMs the viewer's usage reads may see.
func scopeOf(ctx context.Context) store.Scope {
	v := viewer.From(ctx)
	switch v.Kind {
	case viewer.Customer:
		return store.Scope{UserID: v.UserID}
	case viewer.Reseller:
		return store.Scope{ResellerID: v.ResellerID}
	}
	return store.Scope{}
}
