package store

import (
	"context"
	"strconv"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/relay"
)

// UsageSession is one data session of a SIM (a CDR).
type UsageSession struct {
	ID          int64     `db:"id"`
	ICCID       string    `db:"iccid"`
	StartedAt   time.Time `db:"started_at"`
	EndedAt     time.Time `db:"ended_at"`
	BytesUp     int64     `db:"bytes_up"`
	BytesDown   int64     `db:"bytes_down"`
	CountryCode string    `db:"country_code"`
	NetworkName string    `db:"network_name"`
	CostMinor   int64     `db:"cost"`
	Currency    string    `db:"currency"`
}

// TotalBytes is up plus down.
func (u UsageSession) TotalBytes() int64 { return u.BytesUp + u.BytesDown }

// Key identifies the session in global IDs and cursors: the partitioned
// table's primary key (start, id).
func (u UsageSession) Key() []string {
	return []string{u.StartedAt.UTC().Format(time.RFC3339Nano), strconv.FormatInt(u.ID, 10)}
}

// UsageRange is a SIM and a range of session start times; a zero From or To
// leaves that side open.
type UsageRange struct {
	ICCID    string
	From, To time.Time
}

func (r UsageRange) bounds() (from, to string) {
	from, to = "-infinity", "infinity"
	if !r.From.IsZero() {
		from = r.From.UTC().Format(time.RFC3339Nano)
	}
	if !r.To.IsZero() {
		to = r.To.UTC().Format(time.RFC3339Nano)
	}
	return from, to
}

// span is the union of the ranges' bounds, as literals the planner can
// prune monthly partitions with (the per-range bounds are only known row by
// row, too late for that).
func span(ranges []UsageRange) (lo, hi string) {
	var from, to time.Time
	openFrom, openTo := false, false
	for _, r := range ranges {
		switch {
		case r.From.IsZero():
			openFrom = true
		case from.IsZero() || r.From.Before(from):
			from = r.From
		}
		switch {
		case r.To.IsZero():
			openTo = true
		case to.IsZero() || r.To.After(to):
			to = r.To
		}
	}
	lo, hi = "-infinity", "infinity"
	if !openFrom && !from.IsZero() {
		lo = from.UTC().Format(time.RFC3339Nano)
	}
	if !openTo && !to.IsZero() {
		hi = to.UTC().Format(time.RFC3339Nano)
	}
	return lo, hi
}

// rangeArrays spreads ranges into the parallel arrays the batch statements
// unnest.
func rangeArrays(ranges []UsageRange) (iccids, froms, tos []string) {
	for _, r := range ranges {
		f, t := r.bounds()
		iccids, froms, tos = append(iccids, r.ICCID), append(froms, f), append(tos, t)
	}
	return iccids, froms, tos
}

// Scope is whose SIMs a usage read may see: the customer's own (a zero id
// matches nothing). Nobody else reads usage: resellers never do.
type Scope struct {
	UserID int64
}

// sinceOwned is the condition on u, sessions of the SIM s (sim_cards),
// for a range from f to t: only those since the SIM joined its owner's
// account, for a later owner never sees an earlier owner's sessions, and a
// SIM nobody owns (owned_since null) shows none. lo and hi, parameters
// that bound every range of the statement, let the planner skip other
// months (greatest() hides f from it). Every usage statement reads
// sessions through it, so that each shows the same sessions.
func sinceOwned(f, t, lo, hi string) string {
	return `u.started_at >= greatest(` + f + `, coalesce(s.owned_since, 'infinity')) AND u.started_at < ` + t + `
    AND u.started_at >= ` + lo + `::timestamptz AND u.started_at < ` + hi + `::timestamptz`
}

// usageInRanges is the FROM of the range totals (usageTotals), whose
// breakdowns (usage_breakdown.go) read the same rows: their sums agree. It
// joins sim_cards for the scope check ($4) and the cut-off (sinceOwned).
var usageInRanges = `
FROM k
JOIN sim_cards s ON s.iccid = k.iccid AND s.user_id = $4
JOIN usage_sessions u ON u.iccid = k.iccid AND ` + sinceOwned("k.f", "k.t", "$5", "$6")

// usageRangeKeys numbers the ranges: $1 ICCIDs, $2 froms, $3 tos.
const usageRangeKeys = `
WITH k AS (SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS k(iccid, f, t, i))`

var usageByCountry = usageRangeKeys + `
SELECT k.i, u.country_code,
       ` + usageSums + usageInRanges + `
GROUP BY k.i, u.country_code`

// UsageTotals are the sums of some sessions of a SIM.
type UsageTotals struct {
	BytesUp   int64 `db:"bytes_up"`
	BytesDown int64 `db:"bytes_down"`
	Sessions  int   `db:"sessions"`
	CostMinor int64 `db:"cost"`
}

// TotalBytes is up plus down.
func (t UsageTotals) TotalBytes() int64 { return t.BytesUp + t.BytesDown }

// totalsCols are the totals of a group of sessions, each beside its scan
// target in UsageTotals (see queryRows).
var totalsCols = columns[UsageTotals]{
	{"sum(u.bytes_up)::bigint AS bytes_up", func(t *UsageTotals) any { return &t.BytesUp }},
	{"sum(u.bytes_down)::bigint AS bytes_down", func(t *UsageTotals) any { return &t.BytesDown }},
	{"count(*) AS sessions", func(t *UsageTotals) any { return &t.Sessions }},
	{"sum(u.cost)::bigint AS cost", func(t *UsageTotals) any { return &t.CostMinor }},
}

var usageSums = totalsCols.list()

// CountryUsage is a SIM's use in one country over a range.
type CountryUsage struct {
	CountryCode string `db:"country_code"`
	UsageTotals
}

// UsageByCountry totals the scope's SIMs' sessions per range and country,
// one statement for all ranges. Ranges without sessions have no countries.
func (s *Store) UsageByCountry(ctx context.Context, q Querier, scope Scope, ranges []UsageRange) (map[UsageRange][]CountryUsage, error) {
	return usageGrouped(ctx, q, scope, ranges, func(r *CountryUsage) []any {
		return append([]any{&r.CountryCode}, totalsCols.targets(&r.UsageTotals)...)
	}, usageByCountry, "usage totals")
}

// usageGrouped runs one of the range statements (usageRangeKeys …
// usageInRanges) for the scope's ranges; extra are its parameters from $7.
func usageGrouped[T any](ctx context.Context, q Querier, scope Scope, ranges []UsageRange, targets func(*T) []any, query, what string, extra ...any) (map[UsageRange][]T, error) {
	iccids, froms, tos := rangeArrays(ranges)
	lo, hi := span(ranges)
	args := append([]any{pq.Array(iccids), pq.Array(froms), pq.Array(tos), scope.UserID, lo, hi}, extra...)
	out, err := queryGrouped(ctx, q, ranges, len(ranges), targets, query, args...)
	if err != nil {
		return nil, mapError(err, what)
	}
	return out, nil // no sessions: nil, zero totals, not "not found"
}

// usageCols are the columns of a positional read of a UsageSession, each beside its
// scan target (see queryRows).
var usageCols = columns[UsageSession]{
	{"id", func(u *UsageSession) any { return &u.ID }},
	{"iccid", func(u *UsageSession) any { return &u.ICCID }},
	{"started_at", func(u *UsageSession) any { return &u.StartedAt }},
	{"ended_at", func(u *UsageSession) any { return &u.EndedAt }},
	{"bytes_up", func(u *UsageSession) any { return &u.BytesUp }},
	{"bytes_down", func(u *UsageSession) any { return &u.BytesDown }},
	{"country_code", func(u *UsageSession) any { return &u.CountryCode }},
	{"network_name", func(u *UsageSession) any { return &u.NetworkName }},
	{"cost", func(u *UsageSession) any { return &u.CostMinor }},
	{"currency", func(u *UsageSession) any { return &u.Currency }},
}

var usageColumns = usageCols.as("u")

// The first page of several SIMs' histories in one statement: for each key
// k (a SIM's range and limit), a lateral read of its newest sessions
// (newestOf).
var newestHead = `
WITH k AS (SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::int[]) WITH ORDINALITY AS k(iccid, f, t, n, i))
SELECT k.i, ` + usageColumns + `
FROM k
JOIN sim_cards s ON s.iccid = k.iccid AND s.user_id = $5
CROSS JOIN LATERAL (`

// MaxSessionLead is how far ahead of now a session may start: the importer
// refuses later ones, so the newest sessions are never later than that.
const MaxSessionLead = 24 * time.Hour

// newestWhere selects the sessions of SIM s in the range from f to t
// (sinceOwned; lo and hi bound all of the statement's ranges); the bound on
// now() (MaxSessionLead) lets the executor skip, as it starts, the empty
// months made ahead, which it would otherwise probe first.
func newestWhere(f, t, lo, hi string) string {
	return `
    WHERE u.iccid = s.iccid AND ` + sinceOwned(f, t, lo, hi) + `
      AND u.started_at < now() + interval '24 hours'`
}

// newestOrder orders a SIM's sessions newest first.
const newestOrder = `u.started_at DESC, u.id DESC`

// newestOf reads a SIM's limit newest sessions (where: newestWhere), newest
// first. When the monthly partitions' span is known (bounds, see
// partitions.go: its literal bounds) they are read newest month first,
// stopping at the limit, and the default partition (the rest of time)
// apart; the newest of both make the page. Same rows, same order.
func newestOf(where, limit string, bounds *spanBounds) string {
	if bounds == nil {
		return `
    SELECT ` + usageColumns + ` FROM usage_sessions u` + where + `
    ORDER BY ` + newestOrder + `
    LIMIT ` + limit
	}
	return `
    SELECT * FROM (
        (SELECT ` + usageColumns + ` FROM usage_sessions u` + where + `
           AND u.started_at >= ` + bounds.lo + ` AND u.started_at < ` + bounds.hi + ` -- the monthly partitions, in order
         ORDER BY ` + newestOrder + `
         LIMIT ` + limit + `)
        UNION ALL
        (SELECT ` + usageColumns + ` FROM usage_sessions u` + where + `
           AND (u.started_at < ` + bounds.lo + ` OR u.started_at >= ` + bounds.hi + `) -- the default partition
         ORDER BY ` + newestOrder + `
         LIMIT ` + limit + `)
    ) u
    ORDER BY ` + newestOrder + `
    LIMIT ` + limit
}

// newestSessionsOn is the statement of NewestSessions on the partitions'
// bounds (nil: unknown).
func newestSessionsOn(bounds *spanBounds) string {
	return newestHead + newestOf(newestWhere("k.f", "k.t", "$6", "$7"), "k.n", bounds) + `
) u
ORDER BY k.i, ` + newestOrder
}

// NewestKey asks for the Limit newest sessions of a range.
type NewestKey struct {
	UsageRange
	Limit int
}

// NewestSessions returns, for each key, up to its limit of the owner's
// newest sessions in its range (newest first), one statement for all keys.
func (s *Store) NewestSessions(ctx context.Context, q Querier, scope Scope, keys []NewestKey) (map[NewestKey][]UsageSession, error) {
	ranges := make([]UsageRange, len(keys))
	limits := make([]int64, len(keys))
	want := 0
	for i, k := range keys {
		ranges[i], limits[i] = k.UsageRange, int64(k.Limit)
		want += k.Limit
	}
	iccids, froms, tos := rangeArrays(ranges)
	lo, hi := span(ranges)
	out, err := queryGrouped(ctx, q, keys, want, usageCols.targets,
		s.newestSessionsQuery(), pq.Array(iccids), pq.Array(froms), pq.Array(tos), pq.Array(limits), scope.UserID, lo, hi)
	if err != nil {
		return nil, mapError(err, "usage sessions")
	}
	return out, nil
}

var sessionCounts = `
WITH k AS (SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS k(iccid, f, t, i))
SELECT k.i,
       (SELECT count(*) FROM usage_sessions u
        WHERE u.iccid = k.iccid AND ` + sinceOwned("k.f", "k.t", "$5", "$6") + `) AS n
FROM k JOIN sim_cards s ON s.iccid = k.iccid AND s.user_id = $4`

// SessionCounts counts the scope's sessions per range, one statement.
func (s *Store) SessionCounts(ctx context.Context, q Querier, scope Scope, ranges []UsageRange) (map[UsageRange]int, error) {
	iccids, froms, tos := rangeArrays(ranges)
	var rows []struct {
		I int `db:"i"`
		N int `db:"n"`
	}
	lo, hi := span(ranges)
	if err := q.SelectContext(ctx, &rows, sessionCounts, pq.Array(iccids), pq.Array(froms), pq.Array(tos), scope.UserID, lo, hi); err != nil {
		return nil, mapError(err, "usage session counts")
	}
	out := make(map[UsageRange]int, len(ranges))
	for _, r := range ranges {
		out[r] = 0
	}
	for _, r := range rows {
		out[ranges[r.I-1]] = r.N
	}
	return out, nil
}

// A page of one SIM's history after or before a cursor (start, id), in
// either order; no cursor is an infinite bound, the index's condition
// either way (see ordersPage).
var sessionsPage = `
SELECT ` + usageColumns + `
FROM usage_sessions u JOIN sim_cards s ON s.iccid = u.iccid AND s.user_id = $2
WHERE u.iccid = $1 AND u.started_at >= greatest($3::timestamptz, coalesce(s.owned_since, 'infinity')) AND u.started_at < $4::timestamptz
  AND (u.started_at, u.id) < (coalesce($5::timestamptz, 'infinity'), coalesce($6::bigint, 0))
  AND (u.started_at, u.id) > (coalesce($7::timestamptz, '-infinity'), coalesce($8::bigint, 0))`

var sessionsPaged = paged{sessionsPage + `
ORDER BY u.started_at DESC, u.id DESC
LIMIT $9`, sessionsPage + `
ORDER BY u.started_at, u.id
LIMIT $9`}

// SessionsPage returns one page of a SIM's history, newest first; "after"
// means older. Rows come in the page's direction (see relay.Cut).
func (s *Store) SessionsPage(ctx context.Context, q Querier, scope Scope, r UsageRange, page relay.Page) ([]UsageSession, error) {
	afterAt, afterID, err := timeIDCursor(page.After)
	if err != nil {
		return nil, err
	}
	beforeAt, beforeID, err := timeIDCursor(page.Before)
	if err != nil {
		return nil, err
	}
	query := sessionsPaged.query(page.Backward)
	from, to := r.bounds()
	var rows []UsageSession
	err = q.SelectContext(ctx, &rows, query, r.ICCID, scope.UserID, from, to, afterAt, afterID, beforeAt, beforeID, page.Fetch())
	return rows, mapError(err, "usage sessions")
}

var sessionsOfOwner = `
SELECT ` + usageColumns + `
FROM unnest($1::timestamptz[], $2::bigint[]) AS k(started_at, id)
JOIN usage_sessions u ON u.started_at = k.started_at AND u.id = k.id
JOIN sim_cards s ON s.iccid = u.iccid AND s.user_id = $3 AND u.started_at >= coalesce(s.owned_since, 'infinity')`

// SessionsByKey loads the scope's sessions by (start, id); others' are absent.
func (s *Store) SessionsByKey(ctx context.Context, q Querier, scope Scope, keys [][2]string) (map[[2]string]UsageSession, error) {
	starts, ids := make([]string, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		id, err := strconv.ParseInt(k[1], 10, 64)
		if err != nil {
			continue
		}
		starts[i], ids[i] = k[0], id
	}
	out, err := selectKeyed(ctx, q, func(u UsageSession) [2]string {
		k := u.Key()
		return [2]string{k[0], k[1]}
	}, sessionsOfOwner, pq.Array(starts), pq.Array(ids), scope.UserID)
	return out, mapError(err, "usage sessions")
}
