package seed

import (
	"context"
	"fmt"
)

// DemoOldSystemSIMs are SIM cards of the demo's old account system: in use
// (ACTIVE), with 90 days of sessions, owned by nobody here yet. They wait
// for a `tez legacy import` line that names them and for their customer to
// register and verify (docs/legacy-import.md).
func DemoOldSystemSIMs() []string { return []string{demoICCID(201), demoICCID(202)} }

// oldSystemSIMs adds the old system's SIM cards with their sessions and a
// ledger that agrees: a starter top-up before the first session, then one
// USAGE entry per session.
func (d *demo) oldSystemSIMs(ctx context.Context) error {
	for i, id := range DemoOldSystemSIMs() {
		res, err := d.tx.ExecContext(ctx, `INSERT INTO sim_cards (iccid, msisdn, status) VALUES ($1, $2, 'ACTIVE') ON CONFLICT (iccid) DO NOTHING`,
			id, fmt.Sprintf("+99970100%04d", 201+i))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue // there from an earlier seed
		}
		if err := d.insertSessions(ctx, d.sessions(id, 1)); err != nil {
			return err
		}
		const starter = 5000 // 50.00, what the old system sold it with
		_, err = d.tx.ExecContext(ctx, `
			WITH s AS (SELECT iccid, cdr_id, ended_at, cost FROM usage_sessions WHERE iccid = $1 AND cost > 0),
			entries AS (
			    SELECT $1::text AS iccid, $2::bigint AS amount, 'TOPUP'::balance_entry_kind AS kind, 'starter balance' AS reference,
			           'starter:' || $1 AS key, (SELECT min(ended_at) FROM s) - interval '1 day' AS at
			    UNION ALL
			    SELECT iccid, -cost, 'USAGE', 'CDR ' || cdr_id, 'usage:' || cdr_id, ended_at FROM s),
			ledger AS (
			    INSERT INTO balance_entries (iccid, amount, kind, reference, idempotency_key, balance_after, created_at)
			    SELECT iccid, amount, kind, reference, key, sum(amount) OVER (ORDER BY at, key), at FROM entries
			    RETURNING amount)
			UPDATE sim_cards SET balance = (SELECT sum(amount) FROM ledger),
			    last_usage_at = (SELECT max(ended_at) FROM usage_sessions WHERE iccid = $1)
			WHERE iccid = $1`, id, starter)
		if err != nil {
			return err
		}
	}
	return nil
}
