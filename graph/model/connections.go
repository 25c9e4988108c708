package model

import (
	"sort"

	"github.com/teztelecom/tez/internal/money"
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
	rows, cursors, info := relay.Connect(page, rows, store.SessionCursor)
	c := &UsageSessionConnection{Edges: make([]UsageSessionEdge, len(rows)), PageInfo: info, Range: rng}
	for i := range rows {
		c.Edges[i] = UsageSessionEdge{Cursor: cursors[i], Node: &rows[i]}
	}
	return c
}

// NewOrderConnection builds a connection from rows fetched for page.
func NewOrderConnection(page relay.Page, rows []store.Order, total int) *OrderConnection {
	rows, cursors, info := relay.Connect(page, rows, store.OrderCursor)
	c := &OrderConnection{TotalCount: total, Edges: make([]OrderEdge, len(rows)), PageInfo: info}
	for i := range rows {
		c.Edges[i] = OrderEdge{Cursor: cursors[i], Node: &rows[i]}
	}
	return c
}

// NewUsageSummary totals a SIM's per-country use, most data first.
func NewUsageSummary(countries []store.CountryUsage, currency string) *UsageSummary {
	s := &UsageSummary{ByCountry: make([]CountryUsage, 0, len(countries))}
	var cost int64
	for _, c := range countries {
		s.BytesUp += c.BytesUp
		s.BytesDown += c.BytesDown
		s.SessionCount += c.Sessions
		cost += c.CostMinor
		cc := money.New(c.CostMinor, currency)
		s.ByCountry = append(s.ByCountry, CountryUsage{CountryCode: c.CountryCode, TotalBytes: c.BytesUp + c.BytesDown, Cost: &cc})
	}
	s.TotalBytes = s.BytesUp + s.BytesDown
	total := money.New(cost, currency)
	s.Cost = &total
	sort.SliceStable(s.ByCountry, func(i, j int) bool { return s.ByCountry[i].TotalBytes > s.ByCountry[j].TotalBytes })
	return s
}
