package store

import (
	"context"
	"fmt"
)

// exportBatch is how many rows each FETCH of a download's cursor reads:
// memory stays bounded by it whatever the history's length, and each FETCH
// is a statement of its own under statement_timeout.
const exportBatch = 1000

const simOwned = `SELECT 1 FROM sim_cards WHERE iccid = $1 AND user_id = $2`

// The sessions My history shows (sessionsPaged.forward without a page):
// since the SIM joined the account, in the range, newest first.
var declareUsageExport = `
DECLARE usage_export NO SCROLL CURSOR FOR
SELECT ` + usageColumns + `
FROM usage_sessions u JOIN sim_cards s ON s.iccid = u.iccid AND s.user_id = $2
WHERE u.iccid = $1 AND u.started_at >= greatest($3::timestamptz, s.owned_since) AND u.started_at < $4::timestamptz
ORDER BY u.started_at DESC, u.id DESC`

// EachUsageSession calls fn with each of the customer's sessions of r, as
// My history shows them (newest first), read through a server-side cursor
// in q, which must be a transaction (Store.InSnapshot: one read-only
// snapshot), so that a year of a heavy SIM never sits in
// memory. A SIM that is not the customer's is NotFound, before fn is
// called. fn's session is reused: copy what it keeps.
func (s *Store) EachUsageSession(ctx context.Context, q Querier, userID int64, r UsageRange, fn func(*UsageSession) error) error {
	var one int
	if err := q.GetContext(ctx, &one, simOwned, r.ICCID, userID); err != nil {
		return mapError(err, "sim card")
	}
	from, to := r.bounds()
	if _, err := q.ExecContext(ctx, declareUsageExport, r.ICCID, userID, from, to); err != nil {
		return mapError(err, "usage export")
	}
	var u UsageSession
	return eachFetched(ctx, q, "usage_export", usageCols.targets(&u), func() error { return fn(&u) })
}

// eachFetched reads an open cursor of q exportBatch rows at a time, each
// into dest, calling fn after each.
func eachFetched(ctx context.Context, q Querier, cursor string, dest []any, fn func() error) error {
	fetch := fmt.Sprintf("FETCH %d FROM %s", exportBatch, cursor)
	for {
		n, err := fetchOnce(ctx, q, fetch, dest, fn)
		if err != nil {
			return mapError(err, cursor)
		}
		if n < exportBatch {
			return nil
		}
	}
}

func fetchOnce(ctx context.Context, q Querier, fetch string, dest []any, fn func() error) (int, error) {
	rows, err := q.QueryContext(ctx, fetch)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return n, err
		}
		n++
		if err := fn(); err != nil {
			return n, err
		}
	}
	return n, rows.Err()
}
