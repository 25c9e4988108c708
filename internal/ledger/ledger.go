// Package ledger is the only code that changes a SIM card's balance. Every
// change appends a balance_entries row with a unique idempotency key and sets
// sim_cards.balance in the same transaction, under the SIM's row lock, so the
// sum of a SIM's entries always equals its balance (`tez ledger check`).
//
// Overdraft: unless negative balances are allowed (TEZ_ALLOW_NEGATIVE_BALANCE),
// a debit larger than the balance takes the balance to zero, records the rest
// as overdraft (on the entry and added to sim_cards.overdraft) and suspends an
// active SIM. A credit pays the overdraft off first (the entry's overdraft is
// then negative) and only the rest reaches the balance; the credit that leaves
// a suspended SIM a positive balance makes it active again, in the same
// transaction. A SIM that is blocked or in stock keeps its status.
package ledger

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// Options are the ledger's rules that configuration decides.
type Options struct {
	// AllowNegativeBalance lets a debit take a balance below zero instead of
	// stopping at zero and suspending the SIM.
	AllowNegativeBalance bool
	// Hooks hear of every change the ledger makes, inside its transaction.
	Hooks []Hook
}

// Change is what one appended entry did to a SIM: the SIM as it was under
// the lock, the entry (its BalanceAfter) and the status it left.
type Change struct {
	Before store.SIMBalance
	Entry  store.BalanceEntry
	Status store.SIMStatus
}

// Hook reacts to balance changes in the transaction that makes them, so
// that what it writes (an email, a webhook event) commits with the change
// or not at all. A replayed posting changes nothing and reaches no hook.
type Hook interface {
	BalancesChanged(ctx context.Context, tx store.Querier, changes []Change) error
}

// Ledger credits and debits SIM balances.
type Ledger struct {
	store *store.Store
	opts  Options
}

// New makes a ledger over the store.
func New(s *store.Store, opts Options) *Ledger { return &Ledger{store: s, opts: opts} }

// maxAmount bounds one posting (10^12 major units of a two-decimal
// currency): far beyond any real top-up or usage batch, and far from
// overflowing a balance.
const maxAmount = 100_000_000_000_000

// Posting is one change to ask of a SIM's balance.
type Posting struct {
	ICCID string
	// Amount is positive, in the SIM's currency: Credit adds it, Debit takes it.
	Amount    money.Money
	Kind      store.EntryKind
	Reference string // shown to the customer with the entry
	// Key is the idempotency key: a posting whose key is already in the
	// ledger changes nothing and answers the entry it made the first time.
	Key string
}

func (p Posting) validate() error {
	switch {
	case p.ICCID == "":
		return apperr.New(apperr.Invalid, "posting without an ICCID")
	case p.Key == "":
		return apperr.New(apperr.Invalid, "posting to %s without an idempotency key", p.ICCID)
	case !p.Kind.Valid():
		return apperr.New(apperr.Invalid, "unknown ledger entry kind %q", p.Kind)
	case p.Amount.Amount <= 0:
		return apperr.New(apperr.Invalid, "posting to %s: amount must be positive", p.ICCID)
	case p.Amount.Amount > maxAmount:
		return apperr.New(apperr.Invalid, "posting to %s: amount %s is too large", p.ICCID, p.Amount)
	}
	return nil
}

// Credit adds p.Amount to the SIM's balance in a transaction of its own.
func (l *Ledger) Credit(ctx context.Context, p Posting) (store.BalanceEntry, error) {
	return l.inTx(ctx, p, l.CreditTx)
}

// Debit takes p.Amount from the SIM's balance in a transaction of its own.
func (l *Ledger) Debit(ctx context.Context, p Posting) (store.BalanceEntry, error) {
	return l.inTx(ctx, p, l.DebitTx)
}

// CreditTx is Credit inside the caller's transaction, for changes that must
// commit together with the credit (an order paid and its voucher credited).
func (l *Ledger) CreditTx(ctx context.Context, tx store.Querier, p Posting) (store.BalanceEntry, error) {
	return first(l.post(ctx, tx, []Posting{p}, +1))
}

// DebitTx is Debit inside the caller's transaction.
func (l *Ledger) DebitTx(ctx context.Context, tx store.Querier, p Posting) (store.BalanceEntry, error) {
	return first(l.post(ctx, tx, []Posting{p}, -1))
}

// DebitEachTx debits several SIMs, each at most once, inside the caller's
// transaction with a constant number of statements (a usage import debits
// thousands of SIMs per batch). The SIMs are locked in ICCID order. It
// returns one entry per posting, in order.
func (l *Ledger) DebitEachTx(ctx context.Context, tx store.Querier, ps []Posting) ([]store.BalanceEntry, error) {
	return l.post(ctx, tx, ps, -1)
}

func (l *Ledger) inTx(ctx context.Context, p Posting, fn func(context.Context, store.Querier, Posting) (store.BalanceEntry, error)) (store.BalanceEntry, error) {
	var e store.BalanceEntry
	err := l.store.InTx(ctx, func(tx store.Querier) error {
		var err error
		e, err = fn(ctx, tx, p)
		return err
	})
	return e, err
}

func first(es []store.BalanceEntry, err error) (store.BalanceEntry, error) {
	if err != nil {
		return store.BalanceEntry{}, err
	}
	return es[0], nil
}

// post applies each posting (sign +1 credits, -1 debits): lock the SIMs,
// decide each entry under the lock, append the new ones, and answer replayed
// keys with their original entries.
func (l *Ledger) post(ctx context.Context, tx store.Querier, ps []Posting, sign int64) ([]store.BalanceEntry, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	iccids := make([]string, 0, len(ps))
	keys := make(map[string]bool, len(ps))
	for _, p := range ps {
		if err := p.validate(); err != nil {
			return nil, err
		}
		if keys[p.Key] {
			return nil, apperr.New(apperr.Invalid, "idempotency key %q given twice", p.Key)
		}
		keys[p.Key] = true
		iccids = append(iccids, p.ICCID)
	}
	sort.Strings(iccids)
	for i := 1; i < len(iccids); i++ {
		if iccids[i] == iccids[i-1] {
			// One entry per SIM per call: each leaves the balance the next starts from.
			return nil, apperr.New(apperr.Invalid, "SIM %s posted twice in one call", iccids[i])
		}
	}
	sims, err := l.store.LockSIMBalances(ctx, tx, iccids)
	if err != nil {
		return nil, err
	}
	writes := make([]store.EntryWrite, len(ps))
	for i, p := range ps {
		sim, ok := sims[p.ICCID]
		if !ok {
			return nil, apperr.New(apperr.NotFound, "SIM %s not found", p.ICCID)
		}
		if sim.Currency != p.Amount.Currency {
			return nil, apperr.New(apperr.Invalid, "SIM %s keeps its balance in %s, not %s", p.ICCID, sim.Currency, p.Amount.Currency)
		}
		amount, overdraft := l.split(sim, sign*p.Amount.Amount)
		writes[i] = store.EntryWrite{
			ICCID: p.ICCID, Amount: amount, Overdraft: overdraft, Kind: p.Kind, Reference: p.Reference,
			IdempotencyKey: p.Key, BalanceAfter: sim.Balance + amount, Status: nextStatus(sim.Status, overdraft, sim.Balance+amount),
		}
	}
	appended, err := l.store.AppendEntries(ctx, tx, writes)
	if err != nil {
		return nil, err
	}
	if err := l.announce(ctx, tx, sims, writes, appended); err != nil {
		return nil, err
	}
	byKey := make(map[string]store.BalanceEntry, len(ps))
	for _, e := range appended {
		byKey[e.IdempotencyKey] = e
	}
	if err := l.replays(ctx, tx, ps, sign, byKey); err != nil {
		return nil, err
	}
	out := make([]store.BalanceEntry, len(ps))
	for i, p := range ps {
		out[i] = byKey[p.Key]
	}
	return out, nil
}

// announce tells the hooks what the appended entries changed.
func (l *Ledger) announce(ctx context.Context, tx store.Querier, sims map[string]store.SIMBalance, writes []store.EntryWrite, appended []store.BalanceEntry) error {
	if len(l.opts.Hooks) == 0 || len(appended) == 0 {
		return nil
	}
	status := make(map[string]store.SIMStatus, len(writes))
	for _, w := range writes {
		status[w.IdempotencyKey] = w.Status
	}
	changes := make([]Change, len(appended))
	for i, e := range appended {
		changes[i] = Change{Before: sims[e.ICCID], Entry: e, Status: status[e.IdempotencyKey]}
	}
	for _, h := range l.opts.Hooks {
		if err := h.BalancesChanged(ctx, tx, changes); err != nil {
			return fmt.Errorf("after ledger entries: %w", err)
		}
	}
	return nil
}

// split divides a change of the balance into what the balance takes and
// what moves the overdraft. A credit pays the recorded overdraft off first
// (a negative overdraft part) and the rest goes to the balance; a debit
// takes the balance down to zero and records the rest as overdraft, unless
// negatives are allowed. Either way amount - overdraft is the change asked.
func (l *Ledger) split(sim store.SIMBalance, change int64) (amount, overdraft int64) {
	if change >= 0 {
		settled := min(change, sim.Overdraft)
		return change - settled, -settled
	}
	if l.opts.AllowNegativeBalance {
		return change, 0
	}
	covered := min(-change, max(sim.Balance, 0))
	return -covered, -change - covered
}

// nextStatus is the SIM's status after an entry: a debit the balance could
// not cover suspends an active SIM, and the credit that leaves a suspended
// SIM a positive balance (its overdraft paid off) makes it active again.
// SUSPENDED means only "the balance ran out": a BLOCKED SIM (the operator's
// block, a lost card) or one in stock keeps its status whatever its balance.
func nextStatus(status store.SIMStatus, overdraft, balanceAfter int64) store.SIMStatus {
	switch {
	case overdraft > 0 && status == store.SIMActive:
		return store.SIMSuspended
	case overdraft <= 0 && balanceAfter > 0 && status == store.SIMSuspended:
		return store.SIMActive
	}
	return status
}

// replays fills byKey with the original entries of postings whose key was
// already in the ledger, refusing a key reused for a different posting.
func (l *Ledger) replays(ctx context.Context, tx store.Querier, ps []Posting, sign int64, byKey map[string]store.BalanceEntry) error {
	var keys []string
	for _, p := range ps {
		if _, ok := byKey[p.Key]; !ok {
			keys = append(keys, p.Key)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	earlier, err := l.store.EntriesByKey(ctx, tx, keys)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if _, ok := byKey[p.Key]; ok {
			continue
		}
		e, ok := earlier[p.Key]
		if !ok {
			return fmt.Errorf("ledger entry %q neither appended nor found", p.Key)
		}
		if e.ICCID != p.ICCID || e.Kind != p.Kind || e.Amount-e.Overdraft != sign*p.Amount.Amount {
			return apperr.New(apperr.Conflict, "idempotency key %q was used for a different posting", p.Key)
		}
		byKey[p.Key] = e
	}
	return nil
}

// Adjust is an operator's correction: amount is a signed decimal in the SIM's
// currency ("5.00" credits, "-2.50" debits, under the same overdraft rule as
// any debit), recorded as an ADJUSTMENT with the reason as its reference.
// An empty key gets a random one; give a key to make a script safe to rerun.
func (l *Ledger) Adjust(ctx context.Context, iccid, amount, reason, key string) (store.BalanceEntry, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return store.BalanceEntry{}, apperr.New(apperr.Invalid, "an adjustment needs a reason")
	}
	sim, err := l.store.SIMBalance(ctx, l.store.DB(), iccid)
	if err != nil {
		return store.BalanceEntry{}, err
	}
	m, err := money.Parse(amount, sim.Currency)
	if err != nil {
		return store.BalanceEntry{}, apperr.Wrap(err, apperr.Invalid, err.Error())
	}
	if key == "" {
		key = "adjustment:" + randomHex()
	}
	p := Posting{ICCID: iccid, Kind: store.EntryAdjustment, Reference: reason, Key: key, Amount: m}
	switch {
	case m.Amount > 0:
		return l.Credit(ctx, p)
	case m.Amount < 0:
		p.Amount.Amount = -m.Amount
		return l.Debit(ctx, p)
	}
	return store.BalanceEntry{}, apperr.New(apperr.Invalid, "an adjustment of zero changes nothing")
}

func randomHex() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
