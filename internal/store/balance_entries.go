package store

import (
	"context"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/relay"
)

const balanceEntryColumns = `e.id, e.iccid, e.amount, e.overdraft, e.kind, e.reference, e.idempotency_key, e.balance_after, e.created_at, s.currency`

// Owner-checked in the statement: entries of the owner's SIM since it
// joined the account (an earlier owner's top-ups are not theirs to see).
// No cursor is an infinite bound: the index's condition either way (see
// ordersPage).
const balanceEntriesPage = `
SELECT ` + balanceEntryColumns + `
FROM balance_entries e JOIN sim_cards s ON s.iccid = e.iccid AND s.user_id = $2
WHERE e.iccid = $1 AND e.created_at >= s.owned_since
  AND (e.created_at, e.id) < (coalesce($3::timestamptz, 'infinity'), coalesce($4::bigint, 0))
ORDER BY e.created_at DESC, e.id DESC
LIMIT $5`

// newestBalanceEntries is balanceEntriesPage's first page of many SIMs,
// each with its own limit, in one statement.
const newestBalanceEntries = `
SELECT k.i, ` + balanceEntryColumns + `
FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS k(iccid, n, i)
JOIN sim_cards s ON s.iccid = k.iccid AND s.user_id = $3
CROSS JOIN LATERAL (
  SELECT * FROM balance_entries e
  WHERE e.iccid = k.iccid AND e.created_at >= s.owned_since
  ORDER BY e.created_at DESC, e.id DESC
  LIMIT k.n) e
ORDER BY k.i, e.created_at DESC, e.id DESC`

// SIMBalanceEntry is a ledger entry with its SIM's currency, as the
// customer sees it.
type SIMBalanceEntry struct {
	BalanceEntry
	Currency string `db:"currency"`
}

// BalanceEntriesPage returns a page of the owner's SIM's ledger, newest
// first, fetched with one row more than the page (see relay.Cut).
func (s *Store) BalanceEntriesPage(ctx context.Context, q Querier, owner int64, iccid string, page relay.Page) ([]SIMBalanceEntry, error) {
	afterAt, afterID, err := timeIDCursor(page.After)
	if err != nil {
		return nil, err
	}
	var rows []SIMBalanceEntry
	err = q.SelectContext(ctx, &rows, balanceEntriesPage, iccid, owner, afterAt, afterID, page.Fetch())
	return rows, mapError(err, "balance entries")
}

// BalanceKey asks for the newest Limit entries of a SIM's ledger.
type BalanceKey struct {
	ICCID string
	Limit int
}

// NewestBalanceEntries returns, for each key, the newest entries of the
// owner's SIM (as BalanceEntriesPage's first page), one statement for all;
// another owner's SIM has none.
func (s *Store) NewestBalanceEntries(ctx context.Context, q Querier, owner int64, keys []BalanceKey) (map[BalanceKey][]SIMBalanceEntry, error) {
	iccids, limits := make([]string, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		iccids[i], limits[i] = k.ICCID, int64(k.Limit)
	}
	var rows []struct {
		I int `db:"i"`
		SIMBalanceEntry
	}
	if err := q.SelectContext(ctx, &rows, newestBalanceEntries, pq.Array(iccids), pq.Array(limits), owner); err != nil {
		return nil, mapError(err, "balance entries")
	}
	ords, entries := make([]int, len(rows)), make([]SIMBalanceEntry, len(rows))
	for i, r := range rows {
		ords[i], entries[i] = r.I, r.SIMBalanceEntry
	}
	return group(keys, ords, entries), nil
}

// BalanceEntryCursor is an entry's cursor in BalanceEntriesPage order.
func BalanceEntryCursor(e SIMBalanceEntry) string {
	return relay.EncodeCursor(e.CreatedAt.UTC().Format(time.RFC3339Nano), Key(e.ID))
}

// spentByICCID sums each SIM's USAGE entries of the last 14 days
// (ledger.SpendWindow): one range of balance_entries' (iccid, created_at)
// index a SIM, and a row for every ICCID asked, 0 without spend.
const spentByICCID = `
SELECT k.iccid, (SELECT coalesce(sum(e.overdraft - e.amount), 0)::bigint FROM balance_entries e
                 WHERE e.iccid = k.iccid AND e.kind = 'USAGE' AND e.created_at > now() - interval '14 days')
FROM unnest($1::text[]) AS k(iccid)`

// SpentByICCID reads what each of iccids spent in the last SpendWindow,
// which projects its run-out (ledger.RunOut). It is read only for the SIMs
// whose run-out is asked, apart from the SIMs themselves: a balances page
// of 500 SIMs does not pay for 500 sums it does not show. The ICCIDs come
// from owner- or reseller-checked reads.
func (s *Store) SpentByICCID(ctx context.Context, q Querier, iccids []string) (map[string]int64, error) {
	out, err := selectPairs[string, int64](ctx, q, spentByICCID, pq.Array(iccids))
	return out, mapError(err, "spend of sim cards")
}
