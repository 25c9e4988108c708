package seed

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/store"
)

// BenchSIMs makes sure n active SIM cards (USD balances) of the usage
// benchmark's own ICCID range exist, and returns their ICCIDs.
func BenchSIMs(ctx context.Context, db store.Querier, n int) ([]string, error) {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = benchICCID(i + 1)
	}
	_, err := db.ExecContext(ctx, `
		INSERT INTO sim_cards (iccid, status, currency)
		SELECT i, 'ACTIVE', 'USD' FROM unnest($1::text[]) AS i
		ON CONFLICT (iccid) DO NOTHING`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("seed benchmark SIMs: %w", err)
	}
	return ids, nil
}

// benchICCID numbers the benchmark's SIMs apart from the demo's (8999701…).
func benchICCID(n int) string { return iccid.WithCheckDigit(fmt.Sprintf("8999705%011d", n)) }

// BenchAlertsEmail owns the benchmark's SIMs when it measures alerts.
const BenchAlertsEmail = "usagebench@tez.example"

// BenchAlerts gives the benchmark SIMs what makes every ledger hook work
// on each debit: an owner with a low-balance threshold per SIM
// (thresholds, minor units) and a 30-day run-out warning, and a reseller
// whose endpoint takes every webhook event, balance.low at partnerLow (a
// decimal). The endpoint's address takes nothing: the benchmark only
// measures writing the events.
func BenchAlerts(ctx context.Context, db store.Querier, sims []string, thresholds []int64, partnerLow string) error {
	_, err := db.ExecContext(ctx, `
WITH owner AS (
    INSERT INTO users (email, password_hash, terms_accepted_at, terms_version)
    VALUES ($4, 'benchmark: no sign-in', now(), 'benchmark') RETURNING id
), partner AS (
    INSERT INTO resellers (name) VALUES ('usage benchmark partner') RETURNING id
), endpoint AS (
    INSERT INTO webhook_endpoints (reseller_id, url, events, low_balance, secret_sealed)
    SELECT id, 'http://127.0.0.1:9/', '{sim.suspended,sim.reactivated,balance.low,balance.changed}', $3, '\x00' FROM partner
)
UPDATE sim_cards s SET user_id = owner.id, owned_since = now(), reseller_id = partner.id,
       low_balance_threshold = t.threshold, runout_warning_days = 30
FROM unnest($1::text[], $2::bigint[]) AS t(iccid, threshold), owner, partner
WHERE s.iccid = t.iccid`, pq.Array(sims), pq.Array(thresholds), partnerLow, BenchAlertsEmail)
	if err != nil {
		return fmt.Errorf("benchmark alerts: %w", err)
	}
	return nil
}

// BenchAlertCounts is what the hooks wrote during a benchmark with alerts.
type BenchAlertCounts struct {
	LowBalanceEmails int `db:"low_balance_emails"`
	// LowBalanceSIMs is how many SIMs those emails name (each once: equal).
	LowBalanceSIMs int `db:"low_balance_sims"`
	RunOutEmails   int `db:"runout_emails"`
	OtherEmails    int `db:"other_emails"`
	PartnerLow     int `db:"partner_low"`
	// PartnerLowSIMs is how many SIMs the balance.low events are about.
	PartnerLowSIMs int `db:"partner_low_sims"`
	PartnerChanged int `db:"partner_changed"`
}

// CountBenchAlerts counts the emails to BenchAlertsEmail and the webhook
// events the benchmark's import wrote.
func CountBenchAlerts(ctx context.Context, db store.Querier) (BenchAlertCounts, error) {
	var c BenchAlertCounts
	err := db.GetContext(ctx, &c, `
SELECT
    (SELECT count(*) FROM email_outbox WHERE to_address = $1 AND subject LIKE '%low on balance%') AS low_balance_emails,
    (SELECT count(DISTINCT subject) FROM email_outbox WHERE to_address = $1 AND subject LIKE '%low on balance%') AS low_balance_sims,
    (SELECT count(*) FROM email_outbox WHERE to_address = $1 AND subject LIKE '%run out%') AS runout_emails,
    (SELECT count(*) FROM email_outbox WHERE to_address = $1 AND subject NOT LIKE '%low on balance%' AND subject NOT LIKE '%run out%') AS other_emails,
    (SELECT count(*) FROM webhook_events WHERE type = 'balance.low') AS partner_low,
    (SELECT count(DISTINCT iccid) FROM webhook_events WHERE type = 'balance.low') AS partner_low_sims,
    (SELECT count(*) FROM webhook_events WHERE type = 'balance.changed') AS partner_changed`, BenchAlertsEmail)
	if err != nil {
		return c, fmt.Errorf("count benchmark alerts: %w", err)
	}
	return c, nil
}
