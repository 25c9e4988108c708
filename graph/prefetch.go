package graph

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/teztelecom/tez/internal/leanexec"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/usage"
)

// The dashboard asks usage, recent sessions, order lines and products for
// every item of a list. Loaders batch what arrives within their wait, but
// concurrent resolvers do not always arrive within it. So list resolvers
// look ahead at the fields selected under them and load those for all items
// at once (primable.loadAll: one statement each, sent at once rather than
// after the loader's wait); the items' own resolvers then find the values
// in the loaders' cache. Prefetching is best
// effort: a field with bad arguments is left for its resolver to report.

// selections returns the fields selected under the field being resolved
// and then down path (e.g. "edges", "node"), each with its arguments
// (aliases give one entry each).
func selections(ctx context.Context, path ...string) []selection {
	op := graphql.GetOperationContext(ctx)
	var out []selection
	for _, f := range graphql.CollectFields(op, descend(ctx, path), nil) {
		out = append(out, selection{name: f.Name, args: f.ArgumentMap(op.Variables), below: f.Selections})
	}
	return out
}

// descend follows field names down the selection under the current field
// (fragments and aliases included); nil when the path is not selected.
func descend(ctx context.Context, path []string) ast.SelectionSet {
	op := graphql.GetOperationContext(ctx)
	sels := graphql.GetFieldContext(ctx).Field.Selections
	for _, name := range path {
		var next ast.SelectionSet
		for _, f := range graphql.CollectFields(op, sels, nil) {
			if f.Name == name {
				next = append(next, f.Selections...)
			}
		}
		if next == nil {
			return nil
		}
		sels = next
	}
	return sels
}

type selection struct {
	name  string
	args  map[string]any
	below ast.SelectionSet
}

// selects reports whether the selection asks for field right below it.
func (s selection) selects(ctx context.Context, field string) bool {
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), s.below, nil) {
		if f.Name == field {
			return true
		}
	}
	return false
}

func (s selection) time(name string) (*time.Time, bool) {
	v, ok := s.args[name]
	if !ok || v == nil {
		return nil, true
	}
	t, err := graphql.UnmarshalTime(v)
	return &t, err == nil
}

func (s selection) int(name string) (*int, bool) {
	v, ok := s.args[name]
	if !ok || v == nil {
		return nil, true
	}
	n, err := graphql.UnmarshalInt(v)
	return &n, err == nil
}

// simKeys are the keys a list of SIMs' selections ask of each loader.
type simKeys struct {
	usage, byDay, byNetwork []store.UsageRange
	newest                  []store.NewestKey
}

// prefetchSIMFields loads usage totals (with their breakdowns by day and
// network when selected), newest sessions and first pages of history for
// all sims, for every usage, recentUsageSessions and usageSessions
// selection found down path from the field being resolved (none for a
// plain list of SIMs). A field whose every selection was loaded is said
// ready (leanexec.Ready): the SIMs need not be resolved side by side for it.
func prefetchSIMFields(ctx context.Context, sims []store.SimCard, path ...string) error {
	l := loadersFor(ctx)
	var keys simKeys
	loaded := map[string]bool{} // field name: every selection of it loaded
	for _, sel := range selections(ctx, path...) {
		ok := prefetchSIMSelection(ctx, sel, sims, &keys)
		if prev, seen := loaded[sel.name]; !seen || prev {
			loaded[sel.name] = ok
		}
	}
	// The statements run side by side, one connection each.
	var loads []func() error
	if len(keys.usage) > 0 {
		loads = append(loads, func() error { _, err := l.usageByRange.loadAll(ctx, keys.usage); return err })
	}
	if len(keys.byDay) > 0 {
		loads = append(loads, func() error { _, err := l.usageByDay.loadAll(ctx, keys.byDay); return err })
	}
	if len(keys.byNetwork) > 0 {
		loads = append(loads, func() error { _, err := l.usageByNetwork.loadAll(ctx, keys.byNetwork); return err })
	}
	if len(keys.newest) > 0 {
		loads = append(loads, func() error { _, err := l.newestSessions.loadAll(ctx, keys.newest); return err })
	}
	if err := sideBySide(loads); err != nil {
		return err
	}
	for _, name := range []string{"usage", "usageSessions", "recentUsageSessions"} {
		if loaded[name] {
			leanexec.Ready(ctx, "SimCard", name)
		}
	}
	leanexec.Ready(ctx, "SimCard", "usageExportUrl") // loads nothing
	if loaded["usage"] {
		leanexec.Ready(ctx, "UsageSummary", "byDay", "byNetwork")
	}
	return nil
}

// sideBySide runs loads at once, the last in this goroutine (none started
// for a single one), and joins their errors.
func sideBySide(loads []func() error) error {
	if len(loads) == 0 {
		return nil
	}
	errs := make([]error, len(loads))
	var wg sync.WaitGroup
	for i, load := range loads[:len(loads)-1] {
		wg.Go(func() { errs[i] = load() })
	}
	errs[len(loads)-1] = loads[len(loads)-1]()
	wg.Wait()
	return errors.Join(errs...)
}

// prefetchSIMSelection adds the keys one usage, recentUsageSessions or
// usageSessions selection asks of every SIM, and reports whether it could:
// false for other fields and for arguments left for the resolver (a page
// after a cursor, bad arguments, which the resolver reports).
func prefetchSIMSelection(ctx context.Context, sel selection, sims []store.SimCard, keys *simKeys) bool {
	from, ok1 := sel.time("from")
	to, ok2 := sel.time("to")
	if !ok1 || !ok2 {
		return false
	}
	switch sel.name {
	case "usage":
		if from == nil || to == nil {
			return false
		}
		rs, ok := simRanges(sims, from, to)
		keys.usage = append(keys.usage, rs...)
		if sel.selects(ctx, "byDay") {
			keys.byDay = append(keys.byDay, rs...)
		}
		if sel.selects(ctx, "byNetwork") {
			keys.byNetwork = append(keys.byNetwork, rs...)
		}
		return ok
	case "recentUsageSessions":
		limit, ok := sel.int("limit")
		if !ok {
			return false
		}
		for _, s := range sims {
			key, err := recentKey(s.ICCID, limit)
			if err != nil {
				return false // the resolver reports it
			}
			keys.newest = append(keys.newest, key)
		}
		return true
	case "usageSessions":
		first, ok := sel.int("first")
		_, hasAfter := sel.args["after"]
		_, hasLast := sel.args["last"]
		if !ok || hasAfter || hasLast {
			return false
		}
		page, err := relay.Args{First: first}.Page(2)
		if err != nil {
			return false
		}
		rs, ok := simRanges(sims, from, to)
		for _, r := range rs {
			keys.newest = append(keys.newest, store.NewestKey{UsageRange: r, Limit: page.Fetch()})
		}
		return ok
	}
	return false
}

// simRanges is the range from–to of every SIM; false (and none) when the
// range is one the resolver reports as an error.
func simRanges(sims []store.SimCard, from, to *time.Time) ([]store.UsageRange, bool) {
	out := make([]store.UsageRange, len(sims))
	for i, s := range sims {
		r, err := usage.Range(s.ICCID, from, to)
		if err != nil {
			return nil, false
		}
		out[i] = r
	}
	return out, true
}

// prefetchOrderFields loads the lines of all orders of a page, with their
// products in the same statement, when the page's nodes select them; and
// what decides the paid orders' availableActions.
func prefetchOrderFields(ctx context.Context, st *store.Store, orders []store.Order) error {
	if err := prefetchActions(ctx, orders); err != nil {
		return err
	}
	if descend(ctx, []string{"edges", "node", "items"}) == nil || len(orders) == 0 {
		return nil
	}
	l := loadersFor(ctx)
	ids := make([]int64, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	if descend(ctx, []string{"edges", "node", "items", "product"}) == nil {
		if _, err := l.itemsByOrder.loadAll(ctx, ids); err != nil {
			return err
		}
		leanexec.Ready(ctx, "Order", "items")
		return nil
	}
	// Lines and their products in one statement.
	read, err := leanexec.Remember(ctx, leanexec.Key("OrderItemsWithProducts", ids), func() (orderLines, error) {
		lines, products, err := st.OrderItemsWithProducts(ctx, st.DB(), ids)
		return orderLines{lines, products}, err
	})
	if err != nil {
		return err
	}
	lines, products := read.lines, read.products
	for id, items := range lines {
		l.itemsByOrder.Prime(id, items)
	}
	for id, p := range products {
		l.productByID.Prime(id, p)
	}
	leanexec.Ready(ctx, "Order", "items")
	leanexec.Ready(ctx, "OrderItem", "product")
	return nil
}

// prefetchActions reads the refund facts of a page's paid orders at once
// when the page selects their availableActions.
func prefetchActions(ctx context.Context, list []store.Order) error {
	asked := false
	for _, sel := range selections(ctx, "edges", "node") {
		asked = asked || sel.name == "availableActions"
	}
	var ids []int64
	for _, o := range list {
		if orders.CancellableWhenPaid(o) {
			ids = append(ids, o.ID)
		}
	}
	if !asked || len(ids) == 0 {
		return nil
	}
	if _, err := loadersFor(ctx).refundFactsByOrder.loadAll(ctx, ids); err != nil {
		return err
	}
	leanexec.Ready(ctx, "Order", "availableActions")
	return nil
}
