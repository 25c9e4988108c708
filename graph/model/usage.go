package model

import (
	"sort"
	"time"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// UsageSession is one data session of a SIM card.
type UsageSession struct {
	ID              string
	StartedAt       time.Time
	EndedAt         time.Time
	DurationSeconds int
	BytesUp         int64
	BytesDown       int64
	TotalBytes      int64
	CountryCode     string
	NetworkName     string
	Cost            money.Money
}

// NewUsageSession converts a session; nil stays nil.
func NewUsageSession(u *store.UsageSession) *UsageSession { return one(u, newUsageSession) }

// NewUsageSessions converts a list of sessions, in order.
func NewUsageSessions(us []store.UsageSession) []UsageSession { return all(us, newUsageSession) }

func newUsageSession(u *store.UsageSession) UsageSession {
	return UsageSession{
		ID: sessionGlobalID(u), StartedAt: u.StartedAt, EndedAt: u.EndedAt,
		DurationSeconds: int(u.EndedAt.Sub(u.StartedAt) / time.Second), BytesUp: u.BytesUp, BytesDown: u.BytesDown,
		TotalBytes: u.TotalBytes(), CountryCode: u.CountryCode, NetworkName: u.NetworkName, Cost: money.New(u.CostMinor, u.Currency),
	}
}

// UsageSummary is a SIM's totals over a range. It keeps the range and the
// SIM's currency so that its breakdowns by day and by network are read
// (through loaders) only when asked for.
type UsageSummary struct {
	TotalBytes   int64
	BytesUp      int64
	BytesDown    int64
	SessionCount int
	Cost         *money.Money
	ByCountry    []CountryUsage
	Range        store.UsageRange
	Currency     string
}

// NewUsageSummary totals a SIM's per-country use over r, most data first.
func NewUsageSummary(countries []store.CountryUsage, r store.UsageRange, currency string) *UsageSummary {
	s := &UsageSummary{ByCountry: make([]CountryUsage, 0, len(countries)), Range: r, Currency: currency}
	var cost int64
	for _, c := range countries {
		s.BytesUp += c.BytesUp
		s.BytesDown += c.BytesDown
		s.SessionCount += c.Sessions
		cost += c.CostMinor
		s.ByCountry = append(s.ByCountry, CountryUsage{CountryCode: c.CountryCode, TotalBytes: c.TotalBytes(), Cost: costOf(c.UsageTotals, currency)})
	}
	s.TotalBytes = s.BytesUp + s.BytesDown
	total := money.New(cost, currency)
	s.Cost = &total
	sort.SliceStable(s.ByCountry, func(i, j int) bool { return s.ByCountry[i].TotalBytes > s.ByCountry[j].TotalBytes })
	return s
}

// NewDailyUsages converts a range's days (oldest first, as read).
func NewDailyUsages(days []store.DayUsage, currency string) []DailyUsage {
	out := make([]DailyUsage, len(days))
	for i, d := range days {
		out[i] = DailyUsage{Date: d.Day, TotalBytes: d.TotalBytes(), BytesUp: d.BytesUp, BytesDown: d.BytesDown,
			SessionCount: d.Sessions, Cost: costOf(d.UsageTotals, currency)}
	}
	return out
}

// NewNetworkUsages converts a range's networks (most data first, as read).
func NewNetworkUsages(networks []store.NetworkUsage, currency string) []NetworkUsage {
	out := make([]NetworkUsage, len(networks))
	for i, n := range networks {
		out[i] = NetworkUsage{CountryCode: n.CountryCode, NetworkName: n.NetworkName, TotalBytes: n.TotalBytes(),
			SessionCount: n.Sessions, Cost: costOf(n.UsageTotals, currency)}
	}
	return out
}

func costOf(t store.UsageTotals, currency string) *money.Money {
	m := money.New(t.CostMinor, currency)
	return &m
}
