package graph

import (
	"context"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/leanexec"
	"github.com/teztelecom/tez/internal/metrics"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/viewer"
)

// loaderWait is how long a loader collects keys before its one statement:
// resolvers of sibling fields run concurrently and ask within microseconds,
// so well under dataloadgen's 16 ms default is enough.
const loaderWait = 200 * time.Microsecond

// Loaders keyed by the viewer have one key per request: concurrent loads of
// it share the pending batch through the loader's cache, so they need not
// wait for other keys.
const viewerLoaderWait = 0

// loaderBatch caps the keys of one statement.
const loaderBatch = 1000

// Loaders batch the per-item lookups of one request. Each batch is one SQL
// statement; the owner-checked ones filter by the viewer in SQL. They live
// for one request only: they cache, and the cache must never cross users.
type Loaders struct {
	addressesByUser      *dataloadgen.Loader[int64, []store.Address]
	simCardsByUser       *dataloadgen.Loader[int64, []store.SimCard]
	usageByRange         primable[store.UsageRange, []store.CountryUsage]
	usageByDay           primable[store.UsageRange, []store.DayUsage]
	usageByNetwork       primable[store.UsageRange, []store.NetworkUsage]
	newestSessions       primable[store.NewestKey, []store.UsageSession]
	sessionCounts        *dataloadgen.Loader[store.UsageRange, int]
	itemsByOrder         primable[int64, []store.OrderItem]
	shipmentsByOrder     *dataloadgen.Loader[int64, []store.Shipment]
	shipmentItemsByOrder *dataloadgen.Loader[int64, []store.ShipmentItem]
	refundFactsByOrder   primable[int64, store.RefundFacts]
	productByID          primable[int64, store.Product]

	// Owner-checked lookups by ID, for node(id:) and nodes(ids:).
	addressByID  *dataloadgen.Loader[int64, store.Address]
	simCardByID  *dataloadgen.Loader[string, store.SimCard]
	orderByID    *dataloadgen.Loader[int64, store.Order]
	sessionByKey *dataloadgen.Loader[[2]string, store.UsageSession]
}

type loadersKey struct{}

// newLoaders makes the loaders of a request for what the viewer may see:
// every lookup checks scope.UserID (0 matches nobody: resellers and
// anonymous callers); days are cut in the viewer's timeZone. Each batch's
// size goes to metrics.
func newLoaders(st *store.Store, m *metrics.Metrics, scope store.Scope, timeZone string) *Loaders {
	owner, db := scope.UserID, st.DB()
	return &Loaders{
		addressesByUser: newLoader(m, "addressesByUser", onPool(db, st.AddressesByUserID), viewerLoaderWait),
		simCardsByUser:  newLoader(m, "simCardsByUser", onPool(db, st.SimCardsByUserID), viewerLoaderWait),
		usageByRange: newPrimable(m, "usageByRange", func(ctx context.Context, keys []store.UsageRange) (map[store.UsageRange][]store.CountryUsage, error) {
			return st.UsageByCountry(ctx, db, scope, keys)
		}),
		usageByDay: newPrimable(m, "usageByDay", func(ctx context.Context, keys []store.UsageRange) (map[store.UsageRange][]store.DayUsage, error) {
			return st.UsageByDay(ctx, db, scope, timeZone, keys)
		}),
		usageByNetwork: newPrimable(m, "usageByNetwork", func(ctx context.Context, keys []store.UsageRange) (map[store.UsageRange][]store.NetworkUsage, error) {
			return st.UsageByNetwork(ctx, db, scope, keys)
		}),
		newestSessions: newPrimable(m, "newestSessions", func(ctx context.Context, keys []store.NewestKey) (map[store.NewestKey][]store.UsageSession, error) {
			return st.NewestSessions(ctx, db, scope, keys)
		}),
		sessionCounts: newLoader(m, "sessionCounts", func(ctx context.Context, keys []store.UsageRange) (map[store.UsageRange]int, error) {
			return st.SessionCounts(ctx, db, scope, keys)
		}, loaderWait),
		itemsByOrder: newPrimable(m, "itemsByOrder", onPool(db, st.OrderItemsByOrderID)),
		// The orders' ids come from owner-checked reads.
		shipmentsByOrder:     newLoader(m, "shipmentsByOrder", onPool(db, st.ShipmentsByOrderID), loaderWait),
		shipmentItemsByOrder: newLoader(m, "shipmentItemsByOrder", onPool(db, st.ShipmentItemsByOrderID), loaderWait),
		refundFactsByOrder:   newPrimable(m, "refundFactsByOrder", onPool(db, st.RefundFactsByOrderID)),
		productByID:          newPrimable(m, "productByID", onPool(db, st.ProductsByID)),
		addressByID: newLoader(m, "addressByID", func(ctx context.Context, ids []int64) (map[int64]store.Address, error) {
			return st.AddressesByID(ctx, db, owner, ids)
		}, loaderWait),
		simCardByID: newLoader(m, "simCardByID", func(ctx context.Context, iccids []string) (map[string]store.SimCard, error) {
			return st.SimCardsByICCID(ctx, db, owner, iccids)
		}, loaderWait),
		orderByID: newLoader(m, "orderByID", func(ctx context.Context, ids []int64) (map[int64]store.Order, error) {
			return st.OrdersByID(ctx, db, owner, ids)
		}, loaderWait),
		sessionByKey: newLoader(m, "sessionByKey", func(ctx context.Context, keys [][2]string) (map[[2]string]store.UsageSession, error) {
			return st.SessionsByKey(ctx, db, store.Scope{UserID: owner}, keys)
		}, loaderWait),
	}
}

// onPool binds a store batch read to the pool: loaders read outside any
// transaction.
func onPool[K comparable, V any](db store.Querier, fetch func(context.Context, store.Querier, []K) (map[K]V, error)) func(context.Context, []K) (map[K]V, error) {
	return func(ctx context.Context, keys []K) (map[K]V, error) { return fetch(ctx, db, keys) }
}

// newLoader makes a mapped loader with the project's capacity and the given
// wait, recording each batch's size.
func newLoader[K comparable, V any](m *metrics.Metrics, name string, fetch func(context.Context, []K) (map[K]V, error), wait time.Duration) *dataloadgen.Loader[K, V] {
	return dataloadgen.NewMappedLoader(counted(m, name, fetch), dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(loaderBatch))
}

func counted[K comparable, V any](m *metrics.Metrics, name string, fetch func(context.Context, []K) (map[K]V, error)) func(context.Context, []K) (map[K]V, error) {
	return func(ctx context.Context, keys []K) (map[K]V, error) {
		m.Batch(name, len(keys))
		return fetch(ctx, keys)
	}
}

// primable is a loader whose keys a list resolver can fetch all at once
// (see prefetch.go) without waiting for the batch to fill: loadAll runs the
// batch function at once and primes the cache, where the items' resolvers
// then find their values.
type primable[K comparable, V any] struct {
	*dataloadgen.Loader[K, V]
	name  string
	fetch func(context.Context, []K) (map[K]V, error)
}

func newPrimable[K comparable, V any](m *metrics.Metrics, name string, fetch func(context.Context, []K) (map[K]V, error)) primable[K, V] {
	f := counted(m, name, fetch)
	return primable[K, V]{
		Loader: dataloadgen.NewMappedLoader(f, dataloadgen.WithWait(loaderWait), dataloadgen.WithBatchCapacity(loaderBatch)),
		name:   name,
		fetch:  f,
	}
}

// loadAll fetches keys in batches of the loader's capacity, now, and primes
// the cache with what was found (a key not found is left to Load, which
// reports it as the loader does).
func (p primable[K, V]) loadAll(ctx context.Context, keys []K) (map[K]V, error) {
	keys = unique(keys)
	out := make(map[K]V, len(keys))
	for start := 0; start < len(keys); start += loaderBatch {
		batch := keys[start:min(start+loaderBatch, len(keys))]
		// Remembered: gqlgen's pass after a lean attempt asks the same keys.
		vals, err := leanexec.Remember(ctx, leanexec.Key(p.name, batch), func() (map[K]V, error) { return p.fetch(ctx, batch) })
		if err != nil {
			return nil, err
		}
		for k, v := range vals {
			p.Prime(k, v)
			out[k] = v
		}
	}
	return out, nil
}

// WithLoaders gives each request fresh loaders for its viewer.
func WithLoaders(st *store.Store, m *metrics.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(withLoaders(r.Context(), st, m)))
	})
}

// withLoaders returns ctx with fresh loaders for its viewer.
func withLoaders(ctx context.Context, st *store.Store, m *metrics.Metrics) context.Context {
	return context.WithValue(ctx, loadersKey{}, newLoaders(st, m, scopeOf(ctx), timeZoneOf(ctx)))
}

// loadersFor returns the request's loaders.
func loadersFor(ctx context.Context) *Loaders {
	return ctx.Value(loadersKey{}).(*Loaders)
}

// scopeOf is whose data the viewer's reads may see: a customer's own;
// a reseller reads only through its own fields (reseller.resolvers.go).
func scopeOf(ctx context.Context) store.Scope {
	v := viewer.From(ctx)
	switch v.Kind {
	case viewer.Customer:
		return store.Scope{UserID: v.UserID}
	}
	return store.Scope{}
}

// timeZoneOf is the zone the viewer's days are cut in: the customer's, read
// with their session; UTC for everyone else.
func timeZoneOf(ctx context.Context) string {
	if u := viewer.From(ctx).Account; u != nil && u.TimeZone != "" {
		return u.TimeZone
	}
	return account.DefaultTimeZone
}

// unique drops repeated keys, keeping the first of each.
func unique[K comparable](keys []K) []K {
	seen := make(map[K]bool, len(keys))
	out := keys[:0:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// ordersPage is what the store's OrdersPage reads, remembered as one value
// (see leanexec.Remember).
type ordersPage struct {
	rows  []store.Order
	total int
}

// orderLines is what the store's OrderItemsWithProducts reads, remembered
// as one value.
type orderLines struct {
	lines    map[int64][]store.OrderItem
	products map[int64]store.Product
}
