package store

import (
	"context"
	"time"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/relay"
)

// Owner-checked in the statement: entries of the owner's SIM since it
// joined the account (an earlier owner's top-ups are not theirs to see).
// No cursor is an infinite bound: the index's condition either way (see
// ordersPage).
const balanceEntriesPage = `
SELECT e.id, e.iccid, e.amount, e.overdraft, e.kind, e.reference, e.idempotency_key, e.balance_after, e.created_at, s.currency
FROM balance_entries e JOIN sim_cards s ON s.iccid = e.iccid AND s.user_id = $2
WHERE e.iccid = $1 AND e.created_at >= s.owned_since
  AND (e.created_at, e.id) < (coalesce($3::timestamptz, 'infinity'), coalesce($4::bigint, 0))
ORDER BY e.created_at DESC, e.id DESC
LIMIT $5`

// SIMBalanceEntry is a ledger entry with its SIM's currency, as the
// customer sees it.
type SIMBalanceEntry struct {
	BalanceEntry
	Currency string `db:"currency"`
}

// AmountMoney is how much the balance moved.
func (e SIMBalanceEntry) AmountMoney() money.Money { return money.New(e.Amount, e.Currency) }

// OverdraftMoney is how the entry moved the SIM's overdraft.
func (e SIMBalanceEntry) OverdraftMoney() money.Money { return money.New(e.Overdraft, e.Currency) }

// BalanceAfterMoney is the balance right after the entry.
func (e SIMBalanceEntry) BalanceAfterMoney() money.Money {
	return money.New(e.BalanceAfter, e.Currency)
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

// BalanceEntryCursor is an entry's cursor in BalanceEntriesPage order.
func BalanceEntryCursor(e SIMBalanceEntry) string {
	return relay.EncodeCursor(e.CreatedAt.UTC().Format(time.RFC3339Nano), Key(e.ID))
}
