package graph_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/store"
)

// balanceAsOf is the newest ledger entry or the end of the newest session
// rated, whichever is later; projectedRunOutAt spends the balance at the
// rate of the last 14 days' usage debits, from balanceAsOf.
func TestSimCardBalanceAsOfAndRunOut(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "fresh@x.example", 1, 0, 0)
	sim := a.iccids[0]
	read := func() (asOf time.Time, runOut *time.Time) {
		t.Helper()
		var out struct {
			Me struct {
				SimCard struct {
					BalanceAsOf       time.Time
					ProjectedRunOutAt *time.Time
					Balance           struct{ Amount string }
				}
			}
		}
		api.Query(apitest.Request{Query: `query($i: ICCID!) { me { simCard(iccid: $i) { balanceAsOf projectedRunOutAt balance { amount } } } }`,
			Variables: map[string]any{"i": sim}, Token: a.token}, &out)
		return out.Me.SimCard.BalanceAsOf, out.Me.SimCard.ProjectedRunOutAt
	}
	created := func() time.Time {
		var at time.Time
		if err := api.DB.Get(&at, `SELECT created_at FROM sim_cards WHERE iccid = $1`, sim); err != nil {
			t.Fatal(err)
		}
		return at
	}()

	asOf, runOut := read()
	if !asOf.Equal(created) || runOut != nil {
		t.Errorf("without entries or rated sessions since it was added: balanceAsOf %s, runOut %v; want its creation %s and null", asOf, runOut, created)
	}

	// 10.00 USD left; support credits 4.00, then 7.00 of usage is debited:
	// 7.00 left, spent 7.00 in 14 days, so it lasts another 14 days.
	l := ledger.New(store.New(api.DB), ledger.Options{})
	ctx := context.Background()
	if _, err := l.Adjust(ctx, sim, "4.00", "goodwill", "fresh:1"); err != nil {
		t.Fatal(err)
	}
	e, err := l.Debit(ctx, ledger.Posting{ICCID: sim, Amount: mustMoney(t, "7.00"), Kind: store.EntryUsage, Reference: "sessions", Key: "fresh:2"})
	if err != nil {
		t.Fatal(err)
	}
	asOf, runOut = read()
	if want := e.CreatedAt.Add(14 * 24 * time.Hour).Truncate(time.Second); !asOf.Equal(e.CreatedAt) || runOut == nil || !runOut.Equal(want) {
		t.Errorf("after the debit: balanceAsOf %s, runOut %v; want the debit's time %s and %s", asOf, runOut, e.CreatedAt, want)
	}

	// A session rated later than the newest entry (free of charge, so no
	// entry of its own) brings the balance up to date to its end.
	ended := e.CreatedAt.Add(time.Hour).Truncate(time.Microsecond)
	api.MustExec(`UPDATE sim_cards SET last_usage_at = $2 WHERE iccid = $1`, sim, ended)
	if asOf, _ = read(); !asOf.Equal(ended) {
		t.Errorf("after a later session: balanceAsOf %s, want its end %s", asOf, ended)
	}

	// Usage older than 14 days does not count.
	api.MustExec(`UPDATE balance_entries SET created_at = now() - interval '15 days' WHERE iccid = $1 AND kind = 'USAGE'`, sim)
	if _, runOut = read(); runOut != nil {
		t.Errorf("with only old usage: runOut %v, want null", runOut)
	}
}

// The run-out of every SIM of an account costs one statement for them all,
// as many for 1 SIM as for 20, and only when it is asked; each SIM's is
// projected from its own spending, not a neighbour's.
func TestRunOutOfEverySIMCostsOneStatement(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	const withRunOut = `{ me { simCards { iccid balanceAsOf balance { amount } projectedRunOutAt } } }`
	const withoutRunOut = `{ me { simCards { iccid balanceAsOf balance { amount } } } }`
	run := func(sims int) (with, without int) {
		t.Helper()
		a := newAccount(t, api, fmt.Sprintf("runout-%d@x.example", sims), sims, 0, 0)
		spent := map[string]int64{}
		for i, id := range a.iccids {
			spent[id] = 100 * int64(i+1)
			api.MustExec(`INSERT INTO balance_entries (iccid, kind, amount, balance_after, reference, idempotency_key, created_at)
				VALUES ($1, 'USAGE', -$2::bigint, 0, 'sessions', $1||'-spent', now() - interval '1 day'),
				       ($1, 'USAGE', -5000, 0, 'old sessions', $1||'-old', now() - interval '20 days')`, id, spent[id])
		}
		var d struct {
			Me struct {
				SimCards []struct {
					ICCID             string
					BalanceAsOf       time.Time
					Balance           struct{ Amount string }
					ProjectedRunOutAt *time.Time
				}
			}
		}
		with = countedQuery(t, api, apitest.Request{Query: withRunOut, Token: a.token}, &d)
		if len(d.Me.SimCards) != sims {
			t.Fatalf("%d SIMs listed, want %d", len(d.Me.SimCards), sims)
		}
		for _, s := range d.Me.SimCards {
			balance := mustMoney(t, s.Balance.Amount).Amount
			want := ledger.RunOut(s.BalanceAsOf, balance, spent[s.ICCID])
			if s.ProjectedRunOutAt == nil || !s.ProjectedRunOutAt.Equal(*want) {
				t.Errorf("%d SIMs: %s runs out at %v, want %s (balance %d, spent %d in 14 days)", sims, s.ICCID, s.ProjectedRunOutAt, want, balance, spent[s.ICCID])
			}
		}
		var listed struct {
			Me struct{ SimCards []struct{ ICCID string } }
		}
		return with, countedQuery(t, api, apitest.Request{Query: withoutRunOut, Token: a.token}, &listed)
	}
	oneWith, oneWithout := run(1)
	twentyWith, twentyWithout := run(20)
	if oneWith != twentyWith || oneWithout != twentyWithout {
		t.Errorf("statements with the run-out: %d for 1 SIM, %d for 20; without: %d and %d; want the same for both", oneWith, twentyWith, oneWithout, twentyWithout)
	}
	if twentyWith != twentyWithout+1 {
		t.Errorf("statements: %d with the run-out, %d without; want one more for the spending of all SIMs", twentyWith, twentyWithout)
	}
}

// A reseller's pages of SIMs, whose nodes reach their resolvers one by one,
// read the run-out of the whole page in one statement: as many for a page
// of 1 as for a page of 50.
func TestRunOutOfAResellersPageCostsOneStatement(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	const page = `query($n: Int!) { reseller { simCards(first: $n) { edges { node { iccid projectedRunOutAt } } } } }`
	const feed = `query($n: Int!) { reseller { simCardChanges(first: $n) { edges { node { iccid projectedRunOutAt } } } } }`
	id, key := api.Reseller("Runout", 1000, 1000, 0)
	for n := range 50 {
		sim := iccid.WithCheckDigit(fmt.Sprintf("899970400000%06d", n))
		api.MustExec(`INSERT INTO sim_cards (iccid, status, reseller_id, balance) VALUES ($1, 'ACTIVE', $2, 1000)`, sim, id)
		api.MustExec(`INSERT INTO balance_entries (iccid, kind, amount, balance_after, reference, idempotency_key, created_at)
			VALUES ($1, 'USAGE', -100, 1000, 'sessions', $1||'-spent', now() - interval '1 day')`, sim)
	}
	for _, q := range []string{page, feed} {
		// The feed holds back changes while older transactions (other
		// tests') are open: ask again until it shows the whole page.
		count := func(n int) int {
			t.Helper()
			for try := 0; ; try++ {
				var d struct {
					Reseller map[string]struct {
						Edges []struct {
							Node struct{ ProjectedRunOutAt *time.Time }
						}
					}
				}
				got := countedQuery(t, api, apitest.Request{Query: q, Variables: map[string]any{"n": n}, Header: map[string]string{"X-API-Key": key}}, &d)
				shown := 0
				for _, c := range d.Reseller {
					shown = len(c.Edges)
					for _, e := range c.Edges {
						if e.Node.ProjectedRunOutAt == nil {
							t.Errorf("a SIM that spent 1.00 of 10.00 has no run-out")
						}
					}
				}
				if shown == n {
					return got
				}
				if try == 50 {
					t.Fatalf("%d SIMs shown, want %d", shown, n)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		if one, fifty := count(1), count(50); one != fifty {
			t.Errorf("%s: %d statements for 1 SIM, %d for 50; want the same", q, one, fifty)
		}
	}
}
