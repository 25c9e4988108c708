package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
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
