package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// EntryKind says why a balance changed.
type EntryKind string

// The kinds of ledger entries.
const (
	EntryTopup      EntryKind = "TOPUP"
	EntryUsage      EntryKind = "USAGE"
	EntryAdjustment EntryKind = "ADJUSTMENT"
	EntryRefund     EntryKind = "REFUND"
)

// Valid reports whether k is one of the kinds the ledger knows.
func (k EntryKind) Valid() bool {
	switch k {
	case EntryTopup, EntryUsage, EntryAdjustment, EntryRefund:
		return true
	}
	return false
}

// SIMStatus is the lifecycle state of a SIM card.
type SIMStatus string

// The states of a SIM card.
const (
	SIMInStock   SIMStatus = "IN_STOCK"
	SIMActive    SIMStatus = "ACTIVE"
	SIMSuspended SIMStatus = "SUSPENDED"
	SIMBlocked   SIMStatus = "BLOCKED"
)

// BalanceEntry is one line of a SIM's ledger. Amount is what the balance
// moved (signed, minor units of the SIM's currency); Overdraft is how the
// entry moved the SIM's overdraft: positive for the part of a debit the
// balance could not cover, negative for the part of a credit that paid the
// overdraft off. Either way Amount - Overdraft is what was asked.
type BalanceEntry struct {
	ID             int64     `db:"id"`
	ICCID          string    `db:"iccid"`
	Amount         int64     `db:"amount"`
	Overdraft      int64     `db:"overdraft"`
	Kind           EntryKind `db:"kind"`
	Reference      string    `db:"reference"`
	IdempotencyKey string    `db:"idempotency_key"`
	BalanceAfter   int64     `db:"balance_after"`
	CreatedAt      time.Time `db:"created_at"`
}

// SIMBalance is the money state of a SIM card, with who hears of its
// changes: its owner's alerts and its reseller.
type SIMBalance struct {
	ICCID      string    `db:"iccid"`
	Balance    int64     `db:"balance"`
	Overdraft  int64     `db:"overdraft"`
	Currency   string    `db:"currency"`
	Status     SIMStatus `db:"status"`
	UserID     *int64    `db:"user_id"`
	ResellerID *int64    `db:"reseller_id"`
	// LowBalanceThreshold and RunOutWarningDays are the owner's alerts
	// (nil: off); RunOutAlerted says the run-out alert went out.
	LowBalanceThreshold *int64 `db:"low_balance_threshold"`
	RunOutWarningDays   *int   `db:"runout_warning_days"`
	RunOutAlerted       bool   `db:"runout_alerted"`
}

const simBalanceColumns = `iccid, balance, overdraft, currency, status, user_id, reseller_id,
    low_balance_threshold, runout_warning_days, runout_alerted`

const simBalanceByICCID = `SELECT ` + simBalanceColumns + ` FROM sim_cards WHERE iccid = $1`

// SIMBalance reads a SIM's balance without locking it.
func (s *Store) SIMBalance(ctx context.Context, q Querier, iccid string) (SIMBalance, error) {
	var b SIMBalance
	err := q.GetContext(ctx, &b, simBalanceByICCID, iccid)
	return b, mapError(err, "SIM "+iccid)
}

// Locks in ICCID order, the order every writer of several SIMs uses, so two
// transactions never wait for each other's SIMs crosswise.
const lockSIMBalances = `
SELECT ` + simBalanceColumns + `
FROM sim_cards
WHERE iccid = ANY($1::text[])
ORDER BY iccid
FOR UPDATE`

// LockSIMBalances row-locks the SIMs until tx ends and returns their current
// balances; SIMs that do not exist are absent from the map.
func (s *Store) LockSIMBalances(ctx context.Context, q Querier, iccids []string) (map[string]SIMBalance, error) {
	out, err := selectKeyed(ctx, q, func(r SIMBalance) string { return r.ICCID }, lockSIMBalances, pq.Array(iccids))
	return out, mapError(err, "lock SIMs")
}

// EntryWrite is an entry to append and the SIM state it leaves behind.
type EntryWrite struct {
	ICCID          string
	Amount         int64
	Overdraft      int64
	Kind           EntryKind
	Reference      string
	IdempotencyKey string
	BalanceAfter   int64
	Status         SIMStatus
}

const entryColumns = `id, iccid, amount, overdraft, kind, reference, idempotency_key, balance_after, created_at`

// One statement for any number of SIMs: the entries go in, and only the SIMs
// whose entry did go in (its key was new) get the balance, overdraft and
// status the entry leaves.
const appendEntries = `
WITH input AS (
    SELECT *
    FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::balance_entry_kind[], $5::text[], $6::text[], $7::bigint[], $8::sim_status[])
        AS t(iccid, amount, overdraft, kind, reference, idempotency_key, balance_after, status)
), appended AS (
    INSERT INTO balance_entries (iccid, amount, overdraft, kind, reference, idempotency_key, balance_after)
    SELECT iccid, amount, overdraft, kind, reference, idempotency_key, balance_after FROM input
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING ` + entryColumns + `
), updated AS (
    UPDATE sim_cards s
    SET balance = a.balance_after, overdraft = s.overdraft + a.overdraft, status = i.status, updated_at = now(),
        balance_changed_at = a.created_at
    FROM appended a JOIN input i USING (idempotency_key)
    WHERE s.iccid = a.iccid
)
SELECT ` + entryColumns + ` FROM appended`

// AppendEntries appends the entries whose idempotency key is new and sets
// their SIMs' balance, overdraft and status; it returns the appended ones.
// The caller holds the SIMs' row locks (LockSIMBalances) and passes each SIM
// at most once.
func (s *Store) AppendEntries(ctx context.Context, q Querier, ws []EntryWrite) ([]BalanceEntry, error) {
	n := len(ws)
	iccids, kinds, refs, keys, statuses := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	amounts, overdrafts, after := make([]int64, n), make([]int64, n), make([]int64, n)
	for i, w := range ws {
		iccids[i], kinds[i], refs[i], keys[i], statuses[i] = w.ICCID, string(w.Kind), w.Reference, w.IdempotencyKey, string(w.Status)
		amounts[i], overdrafts[i], after[i] = w.Amount, w.Overdraft, w.BalanceAfter
	}
	var out []BalanceEntry
	err := q.SelectContext(ctx, &out, appendEntries, pq.Array(iccids), pq.Array(amounts), pq.Array(overdrafts),
		pq.Array(kinds), pq.Array(refs), pq.Array(keys), pq.Array(after), pq.Array(statuses))
	return out, mapError(err, "append ledger entries")
}

const entriesByKey = `SELECT ` + entryColumns + ` FROM balance_entries WHERE idempotency_key = ANY($1::text[])`

// EntriesByKey loads entries by idempotency key.
func (s *Store) EntriesByKey(ctx context.Context, q Querier, keys []string) (map[string]BalanceEntry, error) {
	out, err := selectKeyed(ctx, q, func(e BalanceEntry) string { return e.IdempotencyKey }, entriesByKey, pq.Array(keys))
	return out, mapError(err, "ledger entries")
}

// LedgerMismatch is a SIM whose balance disagrees with its ledger.
type LedgerMismatch struct {
	ICCID            string `db:"iccid"`
	Balance          int64  `db:"balance"`
	EntriesSum       int64  `db:"entries_sum"`
	Overdraft        int64  `db:"overdraft"`
	EntriesOverdraft int64  `db:"entries_overdraft"`
	// LastBalanceAfter is the balance the latest entry left; nil without entries.
	LastBalanceAfter *int64 `db:"last_balance_after"`
	Currency         string `db:"currency"`
}

// One pass over sim_cards and balance_entries: a SIM agrees with its ledger
// when its balance is the sum of its entries' amounts, its overdraft the sum
// of their overdrafts, and its latest entry left the balance it has now.
const ledgerMismatches = `
WITH sums AS (
    SELECT iccid, sum(amount) AS amount, sum(overdraft) AS overdraft,
           (array_agg(balance_after ORDER BY id DESC))[1] AS last_balance_after
    FROM balance_entries
    GROUP BY iccid
)
SELECT s.iccid, s.balance, coalesce(e.amount, 0)::bigint AS entries_sum, s.overdraft,
       coalesce(e.overdraft, 0)::bigint AS entries_overdraft, e.last_balance_after, s.currency
FROM sim_cards s
LEFT JOIN sums e USING (iccid)
WHERE s.balance <> coalesce(e.amount, 0)
   OR s.overdraft <> coalesce(e.overdraft, 0)
   OR s.balance <> coalesce(e.last_balance_after, 0)
ORDER BY s.iccid`

// LedgerMismatches lists every SIM that disagrees with its ledger.
func (s *Store) LedgerMismatches(ctx context.Context, q Querier) ([]LedgerMismatch, error) {
	var out []LedgerMismatch
	err := q.SelectContext(ctx, &out, ledgerMismatches)
	return out, mapError(err, "ledger check")
}

const countSIMs = `SELECT count(*) FROM sim_cards`

// CountSIMs is the number of SIM cards, in stock or not.
func (s *Store) CountSIMs(ctx context.Context, q Querier) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, countSIMs)
	return n, mapError(err, "count SIMs")
}
