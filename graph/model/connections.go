package model

import (
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
)

// UsageSessionConnection is a page of one SIM's history; it keeps the range
// so totalCount is counted (through a loader) only when asked for.
type UsageSessionConnection struct {
	Edges    []UsageSessionEdge
	PageInfo *relay.PageInfo
	Range    store.UsageRange
}

// OrderConnection is a page of a customer's orders.
type OrderConnection struct {
	TotalCount int
	Edges      []OrderEdge
	PageInfo   *relay.PageInfo
}

// NewUsageSessionConnection builds a connection from rows fetched for page.
func NewUsageSessionConnection(page relay.Page, rows []store.UsageSession, rng store.UsageRange) *UsageSessionConnection {
	rows, info := relay.Connect(page, rows, store.SessionCursor)
	return &UsageSessionConnection{Edges: edges(rows, func(s *store.UsageSession) UsageSessionEdge { return UsageSessionEdge{s} }), PageInfo: info, Range: rng}
}

// NewOrderConnection builds a connection from rows fetched for page.
func NewOrderConnection(page relay.Page, rows []store.Order, total int) *OrderConnection {
	rows, info := relay.Connect(page, rows, store.OrderCursor)
	return &OrderConnection{TotalCount: total, Edges: edges(rows, func(o *store.Order) OrderEdge { return OrderEdge{o} }), PageInfo: info}
}

// NewResellerSimCardConnection builds a connection from rows fetched for page.
func NewResellerSimCardConnection(page relay.Page, rows []store.ResellerSIM) *ResellerSimCardConnection {
	rows, info := relay.Connect(page, rows, store.ResellerSIMCursor)
	return &ResellerSimCardConnection{Edges: edges(rows, func(s *store.ResellerSIM) ResellerSimCardEdge { return ResellerSimCardEdge{s} }), PageInfo: info}
}

// ResellerSimCardChangeConnection is a page of a reseller's change feed.
type ResellerSimCardChangeConnection struct {
	Edges    []ResellerSimCardChangeEdge
	PageInfo *relay.PageInfo
	// Cursor is where the page ends: its last change, else where it began.
	Cursor string
}

// NewResellerSimCardChangeConnection builds a page of the change feed from
// rows fetched for page after the cursor after (store.FeedStart when none).
func NewResellerSimCardChangeConnection(page relay.Page, rows []store.ResellerSIMChange, after string) *ResellerSimCardChangeConnection {
	rows, info := relay.Connect(page, rows, store.ResellerSIMChangeCursor)
	if n := len(rows); n > 0 {
		after = store.ResellerSIMChangeCursor(rows[n-1])
	}
	return &ResellerSimCardChangeConnection{
		Edges:    edges(rows, func(c *store.ResellerSIMChange) ResellerSimCardChangeEdge { return ResellerSimCardChangeEdge{c} }),
		PageInfo: info, Cursor: after,
	}
}

// NewBalanceEntryConnection builds a connection from rows fetched for page.
func NewBalanceEntryConnection(page relay.Page, rows []store.SIMBalanceEntry) *BalanceEntryConnection {
	rows, info := relay.Connect(page, rows, store.BalanceEntryCursor)
	return &BalanceEntryConnection{Edges: edges(rows, func(e *store.SIMBalanceEntry) BalanceEntryEdge { return BalanceEntryEdge{e} }), PageInfo: info}
}

// NewProductConnection builds a connection from rows fetched for page.
func NewProductConnection(page relay.Page, rows []store.Product) *ProductConnection {
	rows, info := relay.Connect(page, rows, store.ProductCursor)
	return &ProductConnection{Edges: nodeEdges(rows, newProduct, func(n *Product, p *store.Product) ProductEdge { return ProductEdge{n, p} }), PageInfo: info}
}

// edges makes the edge of each row of a page.
func edges[T, E any](rows []T, edge func(*T) E) []E {
	out := make([]E, len(rows))
	for i := range rows {
		out[i] = edge(&rows[i])
	}
	return out
}

// nodeEdges makes the edge of each row of a page from its node, converted
// by conv, and the row its cursor is computed from.
func nodeEdges[T, N, E any](rows []T, conv func(*T) N, edge func(*N, *T) E) []E {
	nodes := all(rows, conv)
	out := make([]E, len(rows))
	for i := range rows {
		out[i] = edge(&nodes[i], &rows[i])
	}
	return out
}

// The edges of a page compute their cursors only when asked for: the
// dashboard shows three sessions of every SIM card and asks for none.

// UsageSessionEdge is a session of a page of history.
type UsageSessionEdge struct{ Node *store.UsageSession }

// Cursor is the session's cursor.
func (e UsageSessionEdge) Cursor() string { return store.SessionCursor(*e.Node) }

// OrderEdge is an order of a page.
type OrderEdge struct{ Node *store.Order }

// Cursor is the order's cursor.
func (e OrderEdge) Cursor() string { return store.OrderCursor(*e.Node) }

// ResellerSimCardEdge is a reseller's SIM card of a page.
type ResellerSimCardEdge struct{ Node *store.ResellerSIM }

// Cursor is the SIM card's cursor.
func (e ResellerSimCardEdge) Cursor() string { return store.ResellerSIMCursor(*e.Node) }

// ResellerSimCardChangeEdge is a changed SIM of the change feed.
type ResellerSimCardChangeEdge struct{ change *store.ResellerSIMChange }

// Node is the SIM as it is now.
func (e ResellerSimCardChangeEdge) Node() *store.ResellerSIM { return &e.change.ResellerSIM }

// Cursor is the change's position in the feed.
func (e ResellerSimCardChangeEdge) Cursor() string { return store.ResellerSIMChangeCursor(*e.change) }

// BalanceEntryEdge is an entry of a page of a SIM's balance history.
type BalanceEntryEdge struct{ Node *store.SIMBalanceEntry }

// Cursor is the entry's cursor.
func (e BalanceEntryEdge) Cursor() string { return store.BalanceEntryCursor(*e.Node) }

// ProductEdge is a product of a page.
type ProductEdge struct {
	Node *Product
	row  *store.Product
}

// Cursor is the product's cursor.
func (e ProductEdge) Cursor() string { return store.ProductCursor(*e.row) }
