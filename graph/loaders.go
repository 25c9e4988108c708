package graph

import (
	"context"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/teztelecom/tez/internal/account"
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
	usageByRange         *batchLoader[store.UsageRange, []store.CountryUsage]
	usageByDay           *batchLoader[store.UsageRange, []store.DayUsage]
	usageByNetwork       *batchLoader[store.UsageRange, []store.NetworkUsage]
	newestSessions       *batchLoader[store.NewestKey, []store.UsageSession]
	sessionCounts        *batchLoader[store.UsageRange, int]
	newestBalanceEntries *batchLoader[store.BalanceKey, []store.SIMBalanceEntry]
	itemsByOrder         *batchLoader[int64, []store.OrderItem]
	shipmentsByOrder     *dataloadgen.Loader[int64, []store.Shipment]
	shipmentItemsByOrder *dataloadgen.Loader[int64, []store.ShipmentItem]
	refundFactsByOrder   *batchLoader[int64, store.RefundFacts]
	productByID          *batchLoader[int64, store.Product]
	// The ICCIDs come from owner- or reseller-checked reads.
	spentByICCID *batchLoader[string, int64]

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
	l := &Loaders{
		addressesByUser: newLoader(m, "addressesByUser", onPool(db, st.AddressesByUserID), viewerLoaderWait),
		simCardsByUser:  newLoader(m, "simCardsByUser", onPool(db, st.SimCardsByUserID), viewerLoaderWait),
		usageByRange: newBatchLoader(m, "usageByRange", func(ctx context.Context, keys []store.UsageRange) (map[store.UsageRange][]store.CountryUsage, error) {
			return st.UsageByCountry(ctx, db, scope, keys)
		}),
		usageByDay: newBatchLoader(m, "usageByDay", func(ctx context.Context, keys []store.UsageRange) (map[store.UsageRange][]store.DayUsage, error) {
			return st.UsageByDay(ctx, db, scope, timeZone, keys)
		}),
		usageByNetwork: newBatchLoader(m, "usageByNetwork", func(ctx context.Context, keys []store.UsageRange) (map[store.UsageRange][]store.NetworkUsage, error) {
			return st.UsageByNetwork(ctx, db, scope, keys)
		}),
		newestSessions: newBatchLoader(m, "newestSessions", func(ctx context.Context, keys []store.NewestKey) (map[store.NewestKey][]store.UsageSession, error) {
			return st.NewestSessions(ctx, db, scope, keys)
		}),
		sessionCounts: newBatchLoader(m, "sessionCounts", func(ctx context.Context, keys []store.UsageRange) (map[store.UsageRange]int, error) {
			return st.SessionCounts(ctx, db, scope, keys)
		}),
		newestBalanceEntries: newBatchLoader(m, "newestBalanceEntries", func(ctx context.Context, keys []store.BalanceKey) (map[store.BalanceKey][]store.SIMBalanceEntry, error) {
			return st.NewestBalanceEntries(ctx, db, owner, keys)
		}),
		// The orders' ids come from owner-checked reads.
		shipmentsByOrder:     newLoader(m, "shipmentsByOrder", onPool(db, st.ShipmentsByOrderID), loaderWait),
		shipmentItemsByOrder: newLoader(m, "shipmentItemsByOrder", onPool(db, st.ShipmentItemsByOrderID), loaderWait),
		refundFactsByOrder:   newBatchLoader(m, "refundFactsByOrder", onPool(db, st.RefundFactsByOrderID)),
		productByID:          newBatchLoader(m, "productByID", onPool(db, st.ProductsByID)),
		spentByICCID:         newBatchLoader(m, "spentByICCID", onPool(db, st.SpentByICCID)),
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
	// Lines are read with their products, which the lines' product fields
	// then find held: a page of orders shows both.
	l.itemsByOrder = newBatchLoader(m, "itemsByOrder", func(ctx context.Context, ids []int64) (map[int64][]store.OrderItem, error) {
		items, products, err := st.OrderItemsWithProducts(ctx, db, ids)
		for id, p := range products {
			l.productByID.Prime(id, p)
		}
		return items, err
	})
	return l
}

// ordersTogether makes the orders of a page siblings for the loaders keyed
// by order: its nodes reach their resolvers one by one.
func (l *Loaders) ordersTogether(ids []int64) {
	l.itemsByOrder.together(ids)
	l.refundFactsByOrder.together(ids)
}

// ordersRead holds the lines and products a page of orders was read with
// (store.OrderFilter.WithItems), for the lines' fields to find.
func (l *Loaders) ordersRead(read store.OrdersRead) {
	for id, items := range read.Items {
		l.itemsByOrder.Prime(id, items)
	}
	for id, p := range read.Products {
		l.productByID.Prime(id, p)
	}
}

// simCardsRead holds owner's SIMs and what of their usage was read with
// them (store.SimCardsWithUsage), for the SIMs' fields to find.
func (l *Loaders) simCardsRead(owner int64, read store.SimCardsRead) {
	l.simCardsByUser.Prime(owner, read.SIMs)
	for k, v := range read.Totals {
		l.usageByRange.Prime(k, v)
	}
	for k, v := range read.Newest {
		l.newestSessions.Prime(k, v)
	}
}

// simsTogether makes the SIMs of a page siblings for the loaders keyed by
// ICCID: a connection's nodes reach their resolvers one by one.
func (l *Loaders) simsTogether(iccids []string) {
	l.spentByICCID.together(iccids)
}

// rangesTogether makes the usage ranges of a list of SIMs siblings for the
// loaders of what their summaries and histories show, each resolved on its
// own parent.
func (l *Loaders) rangesTogether(ranges []store.UsageRange) {
	l.usageByDay.together(ranges)
	l.usageByNetwork.together(ranges)
	l.sessionCounts.together(ranges)
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
