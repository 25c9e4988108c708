package store

import (
	"context"
	"time"
)

// The breakdowns of a range's totals read the same sessions as
// usageByCountry (usageInRanges), grouped otherwise, so that they add up
// to the same totals exactly.

// A session counts on the calendar day, in the customer's zone ($7), on
// which it started.
var usageByDay = usageRangeKeys + `
SELECT k.i, (u.started_at AT TIME ZONE $7::text)::date AS day,
       ` + usageSums + usageInRanges + `
GROUP BY k.i, day
ORDER BY k.i, day`

// DayUsage is a SIM's use on one calendar day.
type DayUsage struct {
	// Day is the date, at midnight UTC (a calendar date, not an instant).
	Day time.Time `db:"day"`
	UsageTotals
}

// UsageByDay totals the scope's SIMs' sessions per range and calendar day
// in timeZone (an IANA name), oldest day first, one statement for all
// ranges. Days without sessions are absent.
func (s *Store) UsageByDay(ctx context.Context, q Querier, scope Scope, timeZone string, ranges []UsageRange) (map[UsageRange][]DayUsage, error) {
	return usageGrouped(ctx, q, scope, ranges, func(r *DayUsage) []any {
		return append([]any{&r.Day}, totalsCols.targets(&r.UsageTotals)...)
	}, usageByDay, "usage by day", timeZone)
}

var usageByNetwork = usageRangeKeys + `
SELECT k.i, u.country_code, u.network_name,
       ` + usageSums + usageInRanges + `
GROUP BY k.i, u.country_code, u.network_name
ORDER BY k.i, sum(u.bytes_up + u.bytes_down) DESC, u.country_code, u.network_name`

// NetworkUsage is a SIM's use on one visited network.
type NetworkUsage struct {
	CountryCode string `db:"country_code"`
	NetworkName string `db:"network_name"`
	UsageTotals
}

// UsageByNetwork totals the scope's SIMs' sessions per range and visited
// network (country and name), most data first, one statement for all
// ranges.
func (s *Store) UsageByNetwork(ctx context.Context, q Querier, scope Scope, ranges []UsageRange) (map[UsageRange][]NetworkUsage, error) {
	return usageGrouped(ctx, q, scope, ranges, func(r *NetworkUsage) []any {
		return append([]any{&r.CountryCode, &r.NetworkName}, totalsCols.targets(&r.UsageTotals)...)
	}, usageByNetwork, "usage by network")
}
