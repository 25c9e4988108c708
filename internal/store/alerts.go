package store

import (
	"context"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/lang"
)

// Spend is what sessions starting since a moment cost; the run-out
// projection reads the last 14 days of it.
const spendSince = `
SELECT iccid, sum(cost)::bigint AS cost
FROM usage_sessions
WHERE iccid = ANY($1::text[]) AND started_at >= $2
GROUP BY iccid`

// SpendSince answers, per SIM, the cost of its sessions started since
// since (minor units); SIMs without any are absent.
func (s *Store) SpendSince(ctx context.Context, q Querier, iccids []string, since time.Time) (map[string]int64, error) {
	return costs(ctx, q, spendSince, iccids, since, "spend of SIMs")
}

// Usage debits are what the ledger took for sessions; every session that
// started since a moment was debited (imported) after it, so their sum
// since then bounds the sessions' spend from above, from the few entries
// of the SIM rather than its many sessions.
const usageDebitsSince = `
SELECT iccid, sum(overdraft - amount)::bigint AS cost
FROM balance_entries
WHERE iccid = ANY($1::text[]) AND kind = 'USAGE' AND created_at >= $2
GROUP BY iccid`

// UsageDebitsSince answers, per SIM, the usage debited since since (minor
// units, positive): at least SpendSince of the same moment.
func (s *Store) UsageDebitsSince(ctx context.Context, q Querier, iccids []string, since time.Time) (map[string]int64, error) {
	return costs(ctx, q, usageDebitsSince, iccids, since, "usage debits of SIMs")
}

func costs(ctx context.Context, q Querier, query string, iccids []string, since time.Time, what string) (map[string]int64, error) {
	out, err := selectPairs[string, int64](ctx, q, query, pq.Array(iccids), since)
	return out, mapError(err, what)
}

// AlertRecipient is whom a SIM's alert goes to, in which language, and
// what it names the SIM.
type AlertRecipient struct {
	ICCID    string        `db:"iccid"`
	Email    string        `db:"email"`
	Language lang.Language `db:"language"`
	Label    string        `db:"label"`
}

const alertRecipients = `
SELECT s.iccid, u.email, u.language, s.label
FROM sim_cards s JOIN users u ON u.id = s.user_id
WHERE s.iccid = ANY($1::text[])`

// AlertRecipients answers the owners of the SIMs that have one.
func (s *Store) AlertRecipients(ctx context.Context, q Querier, iccids []string) (map[string]AlertRecipient, error) {
	out, err := selectKeyed(ctx, q, func(r AlertRecipient) string { return r.ICCID }, alertRecipients, pq.Array(iccids))
	return out, mapError(err, "alert recipients")
}

// SetRunOutAlerted records that the run-out alert of each SIM went out
// (true) or is re-armed (false).
func (s *Store) SetRunOutAlerted(ctx context.Context, q Querier, iccids []string, alerted []bool) error {
	_, err := q.ExecContext(ctx, `
UPDATE sim_cards s SET runout_alerted = t.alerted
FROM unnest($1::text[], $2::boolean[]) AS t(iccid, alerted)
WHERE s.iccid = t.iccid`, pq.Array(iccids), pq.Array(alerted))
	return mapError(err, "record run-out alerts")
}
