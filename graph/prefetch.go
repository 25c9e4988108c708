package graph

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/teztelecom/tez/internal/leanexec"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
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
		out = append(out, selection{name: f.Name, args: f.ArgumentMap(op.Variables)})
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
	name string
	args map[string]any
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

// prefetchSIMFields loads usage totals and first pages of history for all
// sims, for every usage/usageSessions selection found down path from the
// field being resolved (none for a plain list of SIMs). A field whose every
// selection was loaded is said ready (leanexec.Ready): the SIMs need not be
// resolved side by side for it.
func prefetchSIMFields(ctx context.Context, sims []store.SimCard, path ...string) error {
	l := loadersFor(ctx)
	var ranges []store.UsageRange
	var newest []store.NewestKey
	loaded := map[string]bool{} // field name: every selection of it loaded
	for _, sel := range selections(ctx, path...) {
		ok := prefetchSIMSelection(sel, sims, &ranges, &newest)
		if prev, seen := loaded[sel.name]; !seen || prev {
			loaded[sel.name] = ok
		}
	}
	// The two statements run side by side, on two connections.
	var usageErr, newestErr error
	var wg sync.WaitGroup
	if len(ranges) > 0 {
		wg.Go(func() { _, usageErr = l.usageByRange.loadAll(ctx, ranges) })
	}
	if len(newest) > 0 {
		_, newestErr = l.newestSessions.loadAll(ctx, newest)
	}
	wg.Wait()
	if err := errors.Join(usageErr, newestErr); err != nil {
		return err
	}
	for _, name := range []string{"usage", "usageSessions"} {
		if loaded[name] {
			leanexec.Ready(ctx, "SimCard", name)
		}
	}
	return nil
}

// prefetchSIMSelection adds the keys one usage or usageSessions selection
// asks of every SIM, and reports whether it could: false for other fields
// and for arguments left for the resolver (a page after a cursor, bad
// arguments, which the resolver reports).
func prefetchSIMSelection(sel selection, sims []store.SimCard, ranges *[]store.UsageRange, newest *[]store.NewestKey) bool {
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
		*ranges = append(*ranges, rs...)
		return ok
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
			*newest = append(*newest, store.NewestKey{UsageRange: r, Limit: page.Fetch()})
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
		r, err := usageRange(s.ICCID, from, to)
		if err != nil {
			return nil, false
		}
		out[i] = r
	}
	return out, true
}

// prefetchOrderFields loads the lines of all orders of a page, with their
// products in the same statement, when the page's nodes select them.
func prefetchOrderFields(ctx context.Context, st *store.Store, orders []store.Order) error {
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
	lines, products, err := st.OrderItemsWithProducts(ctx, ids)
	if err != nil {
		return err
	}
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
