package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"
)

// The monthly partitions of usage_sessions are created ahead of time; rows
// of months without one land in the default partition. A statement that
// bounds started_at with literals inside the partitions' span lets the
// planner drop the default partition, and only then can it read the months
// in order (an ordered Append, newest month first, stopping once it has
// enough rows) instead of merging all of them (a Merge Append reads the
// first row of every month). The span is read from the catalog now and
// then; a stale or missing span costs speed, never rows: the statements
// that use it read the rest of the table separately.

// partitionSpanTTL is how long a span read from the catalog is used before
// it is read again (partitions are created a month or more ahead).
const partitionSpanTTL = 10 * time.Minute

// partitionSpanRetry is how long to wait after a failed read.
const partitionSpanRetry = 30 * time.Second

// partitionBounds are the bounds (lo, hi) of usage_sessions' partitions, as
// b, for the statements below; the default partition has none.
const partitionBounds = `
WITH b AS (
    SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz AS lo,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS hi
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'usage_sessions'::regclass
)
`

// The monthly partitions' contiguous span that ends with the last one.
const partitionSpan = partitionBounds + `SELECT lo, hi FROM b WHERE lo IS NOT NULL AND hi IS NOT NULL ORDER BY lo`

// partSpan is a range of started_at covered by monthly partitions, without gaps.
type partSpan struct {
	Lo time.Time `db:"lo"`
	Hi time.Time `db:"hi"`
}

// spanBounds are the monthly partitions' span as literals for a statement.
type spanBounds struct{ lo, hi string }

// spanStatements are the statements built on the partitions' span.
type spanStatements struct {
	newest    string                // NewestSessions'
	simsUsage [simUsageParts]string // SimCardsWithUsage's, by the parts asked
}

// statementsOn builds the statements on bounds (nil: unknown, a span the
// statements then do not rely on).
func statementsOn(bounds *spanBounds) spanStatements {
	st := spanStatements{newest: newestSessionsOn(bounds)}
	for parts := range st.simsUsage {
		st.simsUsage[parts] = simCardsUsageOn(parts, bounds)
	}
	return st
}

// unboundedStatements serve until the span is read, or when there is none.
var unboundedStatements = statementsOn(nil)

// spanCache holds the partitions' span and the statements built on it.
type spanCache struct {
	mu         sync.Mutex
	read       bool      // the catalog was read once (successfully or not)
	until      time.Time // when to read it again
	refreshing bool
	stmts      *spanStatements // nil until read
}

// spanStatements returns the statements on the partitions' span when it is
// known. The span is read on first use, then again in the background when
// it is old, while requests go on with the statements they have. The read
// is not one of the request's statements: it runs on a context of its own
// (not counted, not cancelled with requests).
func (s *Store) spanStatements() *spanStatements {
	c := &s.spans
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case !c.read:
		c.store(s.readSpan())
	case time.Now().After(c.until) && !c.refreshing:
		c.refreshing = true
		go func() {
			stmts, err := s.readSpan()
			c.mu.Lock()
			defer c.mu.Unlock()
			c.store(stmts, err)
			c.refreshing = false
		}()
	}
	if c.stmts == nil {
		return &unboundedStatements
	}
	return c.stmts
}

// newestSessionsQuery returns the statement for NewestSessions.
func (s *Store) newestSessionsQuery() string { return s.spanStatements().newest }

// store keeps what a read of the span gave; after a failure it keeps what
// it had and tries again sooner. It is called with c.mu held.
func (c *spanCache) store(stmts *spanStatements, err error) {
	c.read = true
	if err != nil {
		c.until = time.Now().Add(partitionSpanRetry)
		return
	}
	c.until, c.stmts = time.Now().Add(partitionSpanTTL), stmts
}

// readSpan reads the partitions' span and builds the statements on it (nil:
// no monthly partitions).
func (s *Store) readSpan() (*spanStatements, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var rows []partSpan
	if err := s.db.SelectContext(ctx, &rows, partitionSpan); err != nil {
		return nil, err
	}
	sp, ok := contiguousTail(rows)
	if !ok {
		return nil, nil
	}
	stmts := statementsOn(&spanBounds{quoteTime(sp.Lo), quoteTime(sp.Hi)})
	return &stmts, nil
}

// contiguousTail is the last run of spans (sorted by start) that follow
// each other without a gap, as one partSpan; false when there are none.
func contiguousTail(spans []partSpan) (partSpan, bool) {
	var tail partSpan
	for i, sp := range spans {
		if i > 0 && tail.Hi.Equal(sp.Lo) {
			tail.Hi = sp.Hi
		} else {
			tail = sp
		}
	}
	return tail, len(spans) > 0
}

func quoteTime(t time.Time) string {
	return fmt.Sprintf("'%s'::timestamptz", t.UTC().Format(time.RFC3339Nano))
}

// EnsureUsagePartitions creates the monthly partitions of months months from
// the month of from (UTC) that do not exist yet, moving their rows out of the
// default partition; it answers how many it created. Concurrent callers
// (several servers) wait for each other on the function's advisory lock.
func (s *Store) EnsureUsagePartitions(ctx context.Context, q Querier, from time.Time, months int) (int, error) {
	var created int
	err := q.GetContext(ctx, &created, `SELECT usage_ensure_partitions($1::date, $2)`, from.UTC().Format(time.DateOnly), months)
	return created, mapError(err, "ensure usage partitions")
}

// The UTC months before a cutoff that hold sessions: monthly partitions
// ending by then, and months of rows the default partition holds.
const usageMonthsBefore = partitionBounds + `SELECT lo AS month FROM b WHERE lo IS NOT NULL AND hi <= $1
UNION
SELECT date_trunc('month', started_at, 'UTC') FROM usage_sessions_default WHERE started_at < $1
ORDER BY 1`

// UsageMonthsBefore lists, oldest first, the UTC months entirely before
// cutoff (a month's start) that have a partition or sessions.
func (s *Store) UsageMonthsBefore(ctx context.Context, q Querier, cutoff time.Time) ([]time.Time, error) {
	var out []time.Time
	err := q.SelectContext(ctx, &out, usageMonthsBefore, cutoff)
	return out, mapError(err, "usage months before "+cutoff.Format("2006-01"))
}

// UsageArchive receives the sessions of a month being retired, as CSV
// records after the header; Close must make them durable, for the rows are
// dropped once it returns without error.
type UsageArchive interface {
	Write(record []string) error
	Close() error
}

// UsageArchiveHeader names the columns of a retired month's records: all of
// usage_sessions', so the archive goes back with COPY … CSV HEADER.
var UsageArchiveHeader = []string{"id", "cdr_id", "iccid", "started_at", "ended_at", "bytes_up", "bytes_down",
	"country_code", "mcc", "mnc", "network_name", "cost", "currency", "imported_at"}

// ErrRetireBusy says another process is retiring months right now.
var ErrRetireBusy = errors.New("another process is retiring usage months")

// RetireUsageMonth removes one UTC month of sessions for good: in one
// transaction it gathers the month into its partition, blocks writes to it,
// hands every row to archive (nil: none is kept), then detaches and drops the
// partition. Until the commit nothing is gone, so an archive that fails
// leaves the month as it was. It answers how many sessions it removed.
func (s *Store) RetireUsageMonth(ctx context.Context, month time.Time, archive UsageArchive) (int64, error) {
	month = time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	part := fmt.Sprintf("usage_sessions_y%04dm%02d", month.Year(), int(month.Month()))
	var n int64
	err := s.InTx(ctx, func(q Querier) error {
		var mine bool
		if err := q.GetContext(ctx, &mine, `SELECT pg_try_advisory_xact_lock(hashtext('usage_retire'))`); err != nil {
			return err
		}
		if !mine {
			return ErrRetireBusy
		}
		// A month may take longer than a request's statement timeout; times
		// are written in UTC whatever the server's zone.
		if _, err := q.ExecContext(ctx, `SET LOCAL statement_timeout = 0; SET LOCAL TimeZone = 'UTC'`); err != nil {
			return err
		}
		if _, err := s.EnsureUsagePartitions(ctx, q, month, 1); err != nil {
			return err
		}
		table := pq.QuoteIdentifier(part)
		if _, err := q.ExecContext(ctx, `LOCK TABLE `+table+` IN SHARE MODE`); err != nil {
			return err
		}
		if archive != nil {
			if err := archiveRows(ctx, q, table, archive, &n); err != nil {
				return err
			}
		} else if err := q.GetContext(ctx, &n, `SELECT count(*) FROM `+table); err != nil {
			return err
		}
		// Detaching locks the whole table against readers: it waits at most a
		// few seconds for them, and the commit follows at once.
		if _, err := q.ExecContext(ctx, `SET LOCAL lock_timeout = '5s'; ALTER TABLE usage_sessions DETACH PARTITION `+table+`; DROP TABLE `+table); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, retiredUpTo, month.AddDate(0, 1, 0))
		return err
	})
	return n, mapError(err, "retire usage month "+month.Format("2006-01"))
}

func archiveRows(ctx context.Context, q Querier, table string, archive UsageArchive, n *int64) error {
	if err := archive.Write(UsageArchiveHeader); err != nil {
		return err
	}
	cols := make([]string, len(UsageArchiveHeader))
	for i, c := range UsageArchiveHeader {
		cols[i] = c + "::text"
	}
	rows, err := q.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+table+` ORDER BY started_at, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	record := make([]string, len(cols))
	dest := make([]any, len(cols))
	for i := range record {
		dest[i] = &record[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := archive.Write(record); err != nil {
			return err
		}
		*n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return archive.Close()
}

const retiredUpTo = `
INSERT INTO usage_retired (before) VALUES ($1)
ON CONFLICT (singleton) DO UPDATE SET before = greatest(usage_retired.before, EXCLUDED.before)`

// UsageRetiredBefore is the instant before which every session has been
// retired; zero when none has.
func (s *Store) UsageRetiredBefore(ctx context.Context, q Querier) (time.Time, error) {
	var before []time.Time
	if err := q.SelectContext(ctx, &before, `SELECT before FROM usage_retired`); err != nil {
		return time.Time{}, mapError(err, "usage retired")
	}
	if len(before) == 0 {
		return time.Time{}, nil
	}
	return before[0], nil
}
