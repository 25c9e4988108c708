package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/ledger/ledgertest"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

type fixture struct{ ledgertest.Fixture }

func setup(t *testing.T, opts ledger.Options) fixture {
	return fixture{ledgertest.New(t, opts)}
}

// sim adds an active SIM with a zero balance.
func (f fixture) sim(t *testing.T, n int, currency string) string {
	t.Helper()
	id := iccid.WithCheckDigit(fmt.Sprintf("8999709%011d", n))
	f.DB.MustExec(`INSERT INTO sim_cards (iccid, status, currency) VALUES ($1, 'ACTIVE', $2)`, id, currency)
	return id
}

func (f fixture) entries(t *testing.T, id string) int {
	t.Helper()
	var n int
	if err := f.DB.Get(&n, `SELECT count(*) FROM balance_entries WHERE iccid = $1`, id); err != nil {
		t.Fatal(err)
	}
	return n
}

// setupSIM is setup with one active USD SIM at zero, which it answers.
func setupSIM(t *testing.T, opts ledger.Options) (fixture, string) {
	t.Helper()
	f := setup(t, opts)
	return f, f.sim(t, 1, "USD")
}

// post runs a posting through post (f.Ledger.Credit or Debit), failing
// the test on an error.
func (f fixture) post(t *testing.T, post func(context.Context, ledger.Posting) (store.BalanceEntry, error), p ledger.Posting) store.BalanceEntry {
	t.Helper()
	e, err := post(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func usd(n int64) money.Money { return money.New(n, "USD") }

// topUp and used are postings in USD cents under key: a top-up, a
// usage debit.
func topUp(id, key string, amount int64) ledger.Posting {
	return ledger.Posting{ICCID: id, Amount: usd(amount), Kind: store.EntryTopup, Key: key}
}

func used(id, key string, amount int64) ledger.Posting {
	return ledger.Posting{ICCID: id, Amount: usd(amount), Kind: store.EntryUsage, Key: key}
}

func TestConcurrentPostingsWithRepeatedKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t, ledger.Options{})
	a, b := f.sim(t, 1, "USD"), f.sim(t, 2, "USD")
	for _, id := range []string{a, b} {
		f.post(t, f.Ledger.Credit, topUp(id, "start:"+id, 1_000_000))
	}

	// 30 operations, each performed by all 20 goroutines (in a different
	// order each): shop top-ups, usage imports debiting both SIMs in one
	// call, and operator adjustments both ways.
	type op struct {
		key string
		run func(ctx context.Context) (store.BalanceEntry, error)
	}
	var ops []op
	want := int64(1_000_000)
	for i := range 10 {
		topup := ledger.Posting{ICCID: a, Amount: usd(int64(1000 + i)), Kind: store.EntryTopup, Key: fmt.Sprintf("order:%d:line:1", i)}
		want += topup.Amount.Amount
		ops = append(ops, op{topup.Key, func(ctx context.Context) (store.BalanceEntry, error) { return f.Ledger.Credit(ctx, topup) }})

		usage := []ledger.Posting{
			{ICCID: b, Amount: usd(int64(7 + i)), Kind: store.EntryUsage, Key: fmt.Sprintf("cdrs:%d:b", i)},
			{ICCID: a, Amount: usd(int64(300 + i)), Kind: store.EntryUsage, Key: fmt.Sprintf("cdrs:%d:a", i)},
		}
		want -= usage[1].Amount.Amount
		ops = append(ops, op{usage[1].Key, func(ctx context.Context) (store.BalanceEntry, error) {
			var e store.BalanceEntry
			err := f.Store.InTx(ctx, func(tx store.Querier) error {
				es, err := f.Ledger.DebitEachTx(ctx, tx, usage)
				if err == nil {
					e = es[1]
				}
				return err
			})
			return e, err
		}})

		amount := fmt.Sprintf("%d.25", i+1)
		if i%2 == 1 {
			amount = "-" + amount
		}
		m, _ := money.Parse(amount, "USD")
		want += m.Amount
		key := fmt.Sprintf("support:%d", i)
		ops = append(ops, op{key, func(ctx context.Context) (store.BalanceEntry, error) {
			return f.Ledger.Adjust(ctx, a, amount, "goodwill", key)
		}})
	}

	var mu sync.Mutex
	ids := map[string]int64{} // entry id each key answered
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range ops {
				o := ops[(k+g*7)%len(ops)]
				e, err := o.run(ctx)
				if err != nil {
					t.Errorf("%s: %v", o.key, err)
					return
				}
				mu.Lock()
				if id, ok := ids[o.key]; ok && id != e.ID {
					t.Errorf("%s answered entry %d and entry %d", o.key, id, e.ID)
				}
				ids[o.key] = e.ID
				mu.Unlock()
			}
		}()
	}
	wg.Wait()

	if got := f.Balance(t, a).Balance; got != want {
		t.Errorf("balance = %d, want %d", got, want)
	}
	if got := f.entries(t, a); got != 31 {
		t.Errorf("%d entries, want 31 (start + 30 keys)", got)
	}
	if got, want := f.Balance(t, b).Balance, int64(1_000_000-(7*10+45)); got != want {
		t.Errorf("second SIM balance = %d, want %d", got, want)
	}
	f.CheckClean(t)
}

func TestRepeatedKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, id := setupSIM(t, ledger.Options{})
	p := ledger.Posting{ICCID: id, Amount: usd(2500), Kind: store.EntryTopup, Reference: "order TEZ-1", Key: "order:1:line:1"}
	first, err := f.Ledger.Credit(ctx, p)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("answers the original entry and changes nothing", func(t *testing.T) {
		again, err := f.Ledger.Credit(ctx, p)
		if err != nil || again != first {
			t.Errorf("replay = %+v, %v; want the original %+v", again, err, first)
		}
		if got := f.Balance(t, id).Balance; got != 2500 {
			t.Errorf("balance = %d, want 2500", got)
		}
	})

	t.Run("for a different posting is a conflict", func(t *testing.T) {
		other := p
		other.Amount = usd(1000)
		if _, err := f.Ledger.Credit(ctx, other); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("different amount: err = %v, want CONFLICT", err)
		}
		if _, err := f.Ledger.Debit(ctx, p); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("debit under a credit's key: err = %v, want CONFLICT", err)
		}
	})
	f.CheckClean(t)
}

func TestInCallersTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, id := setupSIM(t, ledger.Options{})
	p := topUp(id, "order:7:line:1", 1000)
	failed := errors.New("the order could not be marked paid")
	err := f.Store.InTx(ctx, func(tx store.Querier) error {
		if _, err := f.Ledger.CreditTx(ctx, tx, p); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("err = %v", err)
	}
	if got := f.Balance(t, id).Balance; got != 0 || f.entries(t, id) != 0 {
		t.Errorf("after a rolled back transaction: balance %d, %d entries; want nothing", got, f.entries(t, id))
	}
	// The key was never used: the retry credits.
	if e, err := f.Ledger.Credit(ctx, p); err != nil || e.BalanceAfter != 1000 {
		t.Errorf("retry = %+v, %v", e, err)
	}
}

func TestOverdraft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("stops at zero, records the rest and suspends", func(t *testing.T) {
		t.Parallel()
		f, id := setupSIM(t, ledger.Options{})
		f.post(t, f.Ledger.Credit, topUp(id, "start", 300))
		e, err := f.Ledger.Debit(ctx, used(id, "d1", 500))
		if err != nil {
			t.Fatal(err)
		}
		if e.Amount != -300 || e.Overdraft != 200 || e.BalanceAfter != 0 {
			t.Errorf("entry = %+v, want amount -300, overdraft 200, balance after 0", e)
		}
		b := f.Balance(t, id)
		if b.Balance != 0 || b.Overdraft != 200 || b.Status != store.SIMSuspended {
			t.Errorf("SIM = %+v, want balance 0, overdraft 200, SUSPENDED", b)
		}

		// At zero, a debit still leaves its entry (amount 0), so a replay
		// cannot record its overdraft twice.
		e, err = f.Ledger.Debit(ctx, used(id, "d2", 100))
		if err != nil || e.Amount != 0 || e.Overdraft != 100 {
			t.Errorf("debit at zero = %+v, %v; want amount 0, overdraft 100", e, err)
		}
		f.post(t, f.Ledger.Debit, used(id, "d2", 100))
		if got := f.Balance(t, id).Overdraft; got != 300 {
			t.Errorf("overdraft = %d, want 300", got)
		}
		f.CheckClean(t)
	})

	t.Run("a blocked SIM stays blocked", func(t *testing.T) {
		t.Parallel()
		f, id := setupSIM(t, ledger.Options{})
		f.DB.MustExec(`UPDATE sim_cards SET status = 'BLOCKED' WHERE iccid = $1`, id)
		f.post(t, f.Ledger.Debit, used(id, "d1", 50))
		if b := f.Balance(t, id); b.Status != store.SIMBlocked || b.Overdraft != 50 {
			t.Errorf("SIM = %+v, want BLOCKED with overdraft 50", b)
		}
	})

	t.Run("a top-up pays the overdraft off first and reactivates", func(t *testing.T) {
		t.Parallel()
		f, id := setupSIM(t, ledger.Options{})
		f.post(t, f.Ledger.Debit, used(id, "d1", 300))
		topup := func(key string, amount int64) store.BalanceEntry {
			t.Helper()
			return f.post(t, f.Ledger.Credit, topUp(id, key, amount))
		}
		// 2.00 of a 3.00 debt: all of it goes to the debt, the SIM stays suspended.
		if e := topup("t1", 200); e.Amount != 0 || e.Overdraft != -200 || e.BalanceAfter != 0 {
			t.Errorf("first top-up = %+v, want amount 0, overdraft -200, balance after 0", e)
		}
		if b := f.Balance(t, id); b.Balance != 0 || b.Overdraft != 100 || b.Status != store.SIMSuspended {
			t.Errorf("after paying part of the debt, SIM = %+v, want balance 0, overdraft 100, SUSPENDED", b)
		}
		// 10.00 more: 1.00 pays the rest of the debt, 9.00 is the balance, active again.
		if e := topup("t2", 1000); e.Amount != 900 || e.Overdraft != -100 || e.BalanceAfter != 900 {
			t.Errorf("second top-up = %+v, want amount 900, overdraft -100, balance after 900", e)
		}
		if b := f.Balance(t, id); b.Balance != 900 || b.Overdraft != 0 || b.Status != store.SIMActive {
			t.Errorf("after the debt is paid, SIM = %+v, want balance 900, overdraft 0, ACTIVE", b)
		}
		// A replay of the settling top-up changes nothing and answers its entry.
		if e := topup("t2", 1000); e.Amount != 900 || e.Overdraft != -100 {
			t.Errorf("replayed top-up = %+v, want the original entry", e)
		}
		if b := f.Balance(t, id); b.Balance != 900 || b.Overdraft != 0 {
			t.Errorf("after a replay, SIM = %+v, want balance 900, overdraft 0", b)
		}
		f.CheckClean(t)
	})

	t.Run("a top-up that exactly pays the debt leaves it suspended at zero", func(t *testing.T) {
		t.Parallel()
		f, id := setupSIM(t, ledger.Options{})
		f.post(t, f.Ledger.Debit, used(id, "d1", 300))
		f.post(t, f.Ledger.Credit, ledger.Posting{ICCID: id, Amount: usd(300), Kind: store.EntryAdjustment, Key: "a1"})
		if b := f.Balance(t, id); b.Balance != 0 || b.Overdraft != 0 || b.Status != store.SIMSuspended {
			t.Errorf("SIM = %+v, want balance 0, overdraft 0, still SUSPENDED (nothing to spend)", b)
		}
		f.CheckClean(t)
	})

	t.Run("a blocked SIM is credited but stays blocked", func(t *testing.T) {
		t.Parallel()
		f, id := setupSIM(t, ledger.Options{})
		f.post(t, f.Ledger.Debit, used(id, "d1", 100))
		f.DB.MustExec(`UPDATE sim_cards SET status = 'BLOCKED' WHERE iccid = $1`, id)
		f.post(t, f.Ledger.Credit, topUp(id, "t1", 1000))
		if b := f.Balance(t, id); b.Balance != 900 || b.Overdraft != 0 || b.Status != store.SIMBlocked {
			t.Errorf("SIM = %+v, want balance 900, overdraft 0, still BLOCKED", b)
		}
		f.CheckClean(t)
	})

	t.Run("negative balances when allowed", func(t *testing.T) {
		t.Parallel()
		f, id := setupSIM(t, ledger.Options{AllowNegativeBalance: true})
		f.post(t, f.Ledger.Credit, topUp(id, "start", 300))
		e, err := f.Ledger.Debit(ctx, used(id, "d1", 500))
		if err != nil || e.Amount != -500 || e.Overdraft != 0 {
			t.Errorf("entry = %+v, %v; want amount -500", e, err)
		}
		if b := f.Balance(t, id); b.Balance != -200 || b.Overdraft != 0 || b.Status != store.SIMActive {
			t.Errorf("SIM = %+v, want balance -200, ACTIVE", b)
		}
		f.CheckClean(t)
	})
}

func TestRefusedPostings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, id := setupSIM(t, ledger.Options{})
	tests := []struct {
		name string
		p    ledger.Posting
		want apperr.Code
	}{
		{"unknown SIM", ledger.Posting{ICCID: iccid.WithCheckDigit("899970999999999999"), Amount: usd(1), Kind: store.EntryTopup, Key: "k1"}, apperr.NotFound},
		{"other currency", ledger.Posting{ICCID: id, Amount: money.New(1, "EUR"), Kind: store.EntryTopup, Key: "k2"}, apperr.Invalid},
		{"zero amount", ledger.Posting{ICCID: id, Amount: usd(0), Kind: store.EntryTopup, Key: "k3"}, apperr.Invalid},
		{"no key", ledger.Posting{ICCID: id, Amount: usd(1), Kind: store.EntryTopup}, apperr.Invalid},
		{"unknown kind", ledger.Posting{ICCID: id, Amount: usd(1), Kind: "GIFT", Key: "k4"}, apperr.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.Ledger.Credit(ctx, tt.p); apperr.CodeOf(err) != tt.want {
				t.Errorf("err = %v, want %s", err, tt.want)
			}
		})
	}
	t.Run("one SIM twice in one call", func(t *testing.T) {
		err := f.Store.InTx(ctx, func(tx store.Querier) error {
			_, err := f.Ledger.DebitEachTx(ctx, tx, []ledger.Posting{
				{ICCID: id, Amount: usd(1), Kind: store.EntryUsage, Key: "u1"},
				{ICCID: id, Amount: usd(2), Kind: store.EntryUsage, Key: "u2"},
			})
			return err
		})
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("err = %v, want BAD_USER_INPUT", err)
		}
	})
	if f.entries(t, id) != 0 {
		t.Error("a refused posting left an entry")
	}
}

func TestAdjust(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, id := setupSIM(t, ledger.Options{})

	e, err := f.Ledger.Adjust(ctx, id, "5.00", "roaming outage goodwill", "")
	if err != nil || e.Amount != 500 || e.Kind != store.EntryAdjustment || e.Reference != "roaming outage goodwill" {
		t.Fatalf("credit adjustment = %+v, %v", e, err)
	}
	e, err = f.Ledger.Adjust(ctx, id, "-2.50", "duplicate top-up", "ticket-42")
	if err != nil || e.Amount != -250 || e.BalanceAfter != 250 {
		t.Fatalf("debit adjustment = %+v, %v", e, err)
	}
	if again, err := f.Ledger.Adjust(ctx, id, "-2.50", "duplicate top-up", "ticket-42"); err != nil || again.ID != e.ID {
		t.Errorf("rerun with the same key = %+v, %v; want entry %d again", again, err, e.ID)
	}

	for _, tt := range []struct{ name, amount, reason string }{
		{"too many decimals", "1.005", "x"},
		{"not a number", "five", "x"},
		{"zero", "0.00", "x"},
		{"no reason", "1.00", "  "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.Ledger.Adjust(ctx, id, tt.amount, tt.reason, ""); !apperr.Is(err, apperr.Invalid) {
				t.Errorf("err = %v, want BAD_USER_INPUT", err)
			}
		})
	}
	if got := f.Balance(t, id).Balance; got != 250 {
		t.Errorf("balance = %d, want 250", got)
	}
	f.CheckClean(t)
}

func TestCheckNamesDisagreeingSIMs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t, ledger.Options{})
	ok, tampered := f.sim(t, 1, "USD"), f.sim(t, 2, "USD")
	for _, id := range []string{ok, tampered} {
		f.post(t, f.Ledger.Credit, topUp(id, "t:"+id, 100))
	}
	f.DB.MustExec(`UPDATE sim_cards SET balance = balance + 1 WHERE iccid = $1`, tampered)
	bad, err := f.Store.LedgerMismatches(ctx, f.Store.DB())
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 1 || bad[0].ICCID != tampered || bad[0].Balance != 101 || bad[0].EntriesSum != 100 {
		t.Errorf("mismatches = %+v, want only %s (101 vs 100)", bad, tampered)
	}
}
