package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// SimUsageAsk is what a list of a customer's SIM cards shows of each SIM's
// usage, read with the list in one statement (SimCardsWithUsage) instead of
// one statement for each after it.
type SimUsageAsk struct {
	// Totals, when set, is the range (its ICCID unused) of the totals per
	// country each SIM shows, as UsageByCountry reads them.
	Totals *UsageRange
	// Newest, when its Limit is above zero, asks each SIM's newest sessions
	// in its range (its ICCID unused), as NewestSessions reads them.
	Newest NewestKey
}

// parts is the statement's parts for the ask (simTotals, simNewest).
func (a SimUsageAsk) parts() int {
	parts := 0
	if a.Totals != nil {
		parts |= simTotals
	}
	if a.Newest.Limit > 0 {
		parts |= simNewest
	}
	return parts
}

// totalsKey and newestKey are a SIM's keys of what a asks, as
// UsageByCountry and NewestSessions key them.
func (a SimUsageAsk) totalsKey(iccid string) UsageRange {
	k := *a.Totals
	k.ICCID = iccid
	return k
}

func (a SimUsageAsk) newestKey(iccid string) NewestKey {
	k := a.Newest
	k.ICCID = iccid
	return k
}

// The parts SimCardsWithUsage's statement may have beside the SIMs; its
// statements are built for each combination (simUsageParts of them).
const (
	simTotals = 1 << iota
	simNewest
	simUsageParts = 1 << iota
)

// SimCardsRead is a customer's SIM cards in ICCID order and what was asked
// of their usage, keyed as UsageByCountry and NewestSessions key it: every
// SIM has its entry (nil without sessions), nil maps for a part not asked.
type SimCardsRead struct {
	SIMs   []SimCard
	Totals map[UsageRange][]CountryUsage
	Newest map[NewestKey][]UsageSession
}

// simCardsUsageOn is the statement of SimCardsWithUsage for parts on the
// partitions' bounds (newestOf; nil: unknown), "" for none. Its rows are
// of three parts, told apart by the first column: 0 the SIMs, as
// SimCardsByUserID reads them; 1 their totals per country, as
// usageByCountry reads them; 2 their newest sessions, as newestSessions
// reads them. The second column is the SIM's ICCID; the columns of the
// other parts are NULL. The sessions' NULLs of the SIMs' part are typed,
// for the union's parts to agree on the columns' types whichever parts
// follow. $1 is the owner, then each part's from and to (and the newest's
// limit), as SimCardsWithUsage passes them.
func simCardsUsageOn(parts int, bounds *spanBounds) string {
	if parts == 0 {
		return ""
	}
	n := 1
	param := func() string { n++; return "$" + strconv.Itoa(n) }
	simRest := len(simCols) - 1 // after the ICCID
	totals := 1 + len(totalsCols)
	var b strings.Builder
	b.WriteString(`
WITH s AS (SELECT ` + simColumns + ` FROM sim_cards WHERE user_id = $1)
SELECT 0 AS part, ` + simCols.as("s") + `, ` + nulls(totals) + `, ` + usageCols.nullsOf("usage_sessions") + `
FROM s`)
	if parts&simTotals != 0 {
		f, t := param(), param()
		b.WriteString(`
UNION ALL
SELECT 1, s.iccid, ` + nulls(simRest) + `, u.country_code, ` + usageSums + `, ` + nulls(len(usageCols)) + `
FROM s JOIN usage_sessions u ON u.iccid = s.iccid AND ` + sinceOwned(f+"::timestamptz", t+"::timestamptz", f, t) + `
GROUP BY s.iccid, u.country_code`)
	}
	if parts&simNewest != 0 {
		f, t, limit := param(), param(), param()
		b.WriteString(`
UNION ALL
SELECT 2, s.iccid, ` + nulls(simRest+totals) + `, ` + usageColumns + `
FROM s CROSS JOIN LATERAL (` + newestOf(newestWhere(f+"::timestamptz", t+"::timestamptz", f, t), limit+"::int", bounds) + `
) u`)
	}
	sessions := 1 + len(simCols) + totals
	fmt.Fprintf(&b, "\nORDER BY 1, 2, %d DESC, %d DESC", sessions+usageCols.position("started_at"), sessions+usageCols.position("id"))
	return b.String()
}

// simUsageRow is a row of SimCardsWithUsage's statement: part says which of
// the others it fills.
type simUsageRow struct {
	part    int
	iccid   string
	sim     SimCard
	totals  CountryUsage
	session UsageSession
}

func simUsageTargets(r *simUsageRow) []any {
	t := append([]any{&r.part, &r.iccid}, inPart(&r.part, 0, simCols[1:].targets(&r.sim))...)
	t = append(t, inPart(&r.part, 1, append([]any{&r.totals.CountryCode}, totalsCols.targets(&r.totals.UsageTotals)...))...)
	return append(t, inPart(&r.part, 2, usageCols.targets(&r.session))...)
}

// SimCardsWithUsage lists the owner's SIM cards in ICCID order with what
// ask asks of their usage, in one statement: the account's list of SIMs
// shows each one's totals and newest sessions, which would otherwise take
// a statement each after the list's.
func (s *Store) SimCardsWithUsage(ctx context.Context, q Querier, owner int64, ask SimUsageAsk) (SimCardsRead, error) {
	parts := ask.parts()
	if parts == 0 {
		sims, err := s.SimCardsByUserID(ctx, q, []int64{owner})
		return SimCardsRead{SIMs: sims[owner]}, err
	}
	args := []any{owner}
	if ask.Totals != nil {
		f, t := ask.Totals.bounds()
		args = append(args, f, t)
	}
	if ask.Newest.Limit > 0 {
		f, t := ask.Newest.bounds()
		args = append(args, f, t, ask.Newest.Limit)
	}
	var read SimCardsRead
	var r simUsageRow
	reset := func() {
		read = SimCardsRead{}
		if ask.Totals != nil {
			read.Totals = map[UsageRange][]CountryUsage{}
		}
		if ask.Newest.Limit > 0 {
			read.Newest = map[NewestKey][]UsageSession{}
		}
	}
	reset()
	row := func() {
		switch r.part {
		case 0: // the SIMs come first (ORDER BY 1): each gets its entries, nil until its sessions follow
			r.sim.ICCID = r.iccid
			read.SIMs = append(read.SIMs, r.sim)
			if read.Totals != nil {
				read.Totals[ask.totalsKey(r.iccid)] = nil
			}
			if read.Newest != nil {
				read.Newest[ask.newestKey(r.iccid)] = nil
			}
		case 1:
			k := ask.totalsKey(r.iccid)
			read.Totals[k] = append(read.Totals[k], r.totals)
		case 2: // a SIM's first session sizes its list for the limit: one allocation, not three
			k := ask.newestKey(r.iccid)
			list := read.Newest[k]
			if list == nil {
				list = make([]UsageSession, 0, ask.Newest.Limit)
			}
			read.Newest[k] = append(list, r.session)
		}
	}
	if err := queryEach(ctx, q, simUsageTargets(&r), row, reset, s.spanStatements().simsUsage[parts], args...); err != nil {
		return SimCardsRead{}, mapError(err, "sim cards with their usage")
	}
	return read, nil
}
