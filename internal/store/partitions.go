package store

import (
	"context"
	"fmt"
	"sync"
	"time"
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

// The monthly partitions' contiguous span that ends with the last one.
const partitionSpan = `
WITH b AS (
    SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz AS lo,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS hi
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'usage_sessions'::regclass
)
SELECT lo, hi FROM b WHERE lo IS NOT NULL AND hi IS NOT NULL ORDER BY lo`

// partSpan is a range of started_at covered by monthly partitions, without gaps.
type partSpan struct {
	Lo time.Time `db:"lo"`
	Hi time.Time `db:"hi"`
}

// spanCache holds the partitions' span and the statements built on it.
type spanCache struct {
	mu         sync.Mutex
	read       bool      // the catalog was read once (successfully or not)
	until      time.Time // when to read it again
	refreshing bool
	newest     string // newestSessionsBounded on the span; "" when unknown
}

// newestSessionsQuery returns the statement for NewestSessions: bounded by
// the partitions' span when it is known. The span is read on first use,
// then again in the background when it is old, while requests go on with
// the statement they have. The read is not one of the request's
// statements: it runs on a context of its own (not counted, not cancelled
// with requests).
func (s *Store) newestSessionsQuery() string {
	c := &s.spans
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case !c.read:
		c.store(s.readSpan())
	case time.Now().After(c.until) && !c.refreshing:
		c.refreshing = true
		go func() {
			newest, err := s.readSpan()
			c.mu.Lock()
			defer c.mu.Unlock()
			c.store(newest, err)
			c.refreshing = false
		}()
	}
	if c.newest == "" {
		return newestSessions
	}
	return c.newest
}

// store keeps what a read of the span gave; after a failure it keeps what
// it had and tries again sooner. It is called with c.mu held.
func (c *spanCache) store(newest string, err error) {
	c.read = true
	if err != nil {
		c.until = time.Now().Add(partitionSpanRetry)
		return
	}
	c.until, c.newest = time.Now().Add(partitionSpanTTL), newest
}

// readSpan reads the partitions' span and builds the statement on it ("":
// no monthly partitions).
func (s *Store) readSpan() (newest string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var rows []partSpan
	if err := s.db.SelectContext(ctx, &rows, partitionSpan); err != nil {
		return "", err
	}
	sp, ok := contiguousTail(rows)
	if !ok {
		return "", nil
	}
	lo, hi := quoteTime(sp.Lo), quoteTime(sp.Hi)
	return fmt.Sprintf(newestSessionsBounded, lo, hi), nil
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
