package journey

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/server"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/usage"
)

// importUsage loads CDRs (CSV with a header, as the network sends them)
// through the importer `tez usage import FILE` runs, with the ledger it
// runs (the server's configuration, alerts included); rejected rows fail
// the journey.
func (s *shop) importUsage(csv string) {
	s.t.Helper()
	st := store.New(s.api.DB)
	var rejects strings.Builder
	sum, err := usage.NewImporter(st, server.NewLedger(s.api.Cfg, st), usage.Options{}).Import(context.Background(), strings.NewReader(csv), &rejects)
	if err != nil || rejects.Len() > 0 {
		s.t.Fatalf("tez usage import: %v (%v)\nrejects:\n%s", err, sum, rejects.String())
	}
}

// ledgerCheck runs the check `tez ledger check` runs and fails the journey
// when any SIM disagrees with its ledger.
func (s *shop) ledgerCheck() {
	s.t.Helper()
	st := store.New(s.api.DB)
	bad, err := st.LedgerMismatches(context.Background(), st.DB())
	if err != nil || len(bad) > 0 {
		s.t.Fatalf("tez ledger check: %v, disagreeing SIMs %+v", err, bad)
	}
}

// simWithDebt is a SIM as My numbers shows it, with its overdraft and its
// latest balance entries.
type simWithDebt struct {
	Status    string
	Balance   money
	Overdraft money
	Entries   struct {
		Edges []struct {
			Node struct {
				Kind, Reference   string
				Amount, Overdraft money
				BalanceAfter      money
			}
		}
	} `json:"balanceEntries"`
}

func (c *customer) simWithDebt(iccid string) simWithDebt {
	c.shop.t.Helper()
	var out struct {
		Me struct{ SimCard *simWithDebt }
	}
	c.query(`query($iccid: ICCID!) { me { simCard(iccid: $iccid) { status balance { amount currencyCode }
		overdraft { amount currencyCode }
		balanceEntries(first: 2) { edges { node { kind reference amount { amount currencyCode }
			overdraft { amount currencyCode } balanceAfter { amount currencyCode } } } } } } }`,
		map[string]any{"iccid": iccid}, &out)
	if out.Me.SimCard == nil {
		c.shop.t.Fatalf("SIM %s is not in My numbers", iccid)
	}
	return *out.Me.SimCard
}

// A SIM whose balance runs out is suspended; the customer buys a top-up
// voucher for it, pays on the payment page, and the SIM is active again at
// once, the debt paid off first and the rest on the balance.
func TestTopupBringsSuspendedSIMBack(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	phone := demo.myNumbers()[0]
	if phone.Status != "ACTIVE" {
		t.Fatalf("the demo's first SIM is %s, want ACTIVE", phone.Status)
	}

	// The network reports a session that costs 3.00 more than the balance.
	before := demo.simWithDebt(phone.ICCID)
	cost := plus(t, before.Balance, "3.00")
	started := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Second)
	s.importUsage(fmt.Sprintf("cdr_id,iccid,started_at,ended_at,bytes_up,bytes_down,mcc,mnc,network_name,cost_minor,currency\n"+
		"journey-topup-1,%s,%s,%s,1000000,50000000,286,01,Turkcell,%s,USD\n",
		phone.ICCID, started.Format(time.RFC3339), started.Add(time.Hour).Format(time.RFC3339), strings.Replace(cost.Amount, ".", "", 1)))

	suspended := demo.simWithDebt(phone.ICCID)
	if suspended.Status != "SUSPENDED" || suspended.Balance.Amount != "0.00" || suspended.Overdraft.Amount != "3.00" {
		t.Fatalf("after usage beyond the balance: %s, balance %s, overdraft %s; want SUSPENDED, 0.00, 3.00",
			suspended.Status, suspended.Balance, suspended.Overdraft)
	}

	order := demo.buyVoucher("TOPUP-10", phone.ICCID)
	if order.Total.Amount != "10.00" {
		t.Errorf("a 10 USD voucher costs %s, want 10.00 (nothing ships)", order.Total)
	}
	demo.pay(order.ID, "", "Approve")

	back := demo.simWithDebt(phone.ICCID)
	if back.Status != "ACTIVE" || back.Balance.Amount != "7.00" || back.Overdraft.Amount != "0.00" {
		t.Errorf("after paying the voucher: %s, balance %s, overdraft %s; want ACTIVE, 7.00 (10.00 less the 3.00 owed), 0.00",
			back.Status, back.Balance, back.Overdraft)
	}
	if e := back.Entries.Edges; len(e) == 0 || e[0].Node.Kind != "TOPUP" || e[0].Node.Amount.Amount != "7.00" ||
		e[0].Node.Overdraft.Amount != "-3.00" || !strings.Contains(e[0].Node.Reference, order.Number) {
		t.Errorf("latest balance entry = %+v, want the TOPUP of %s: amount 7.00, overdraft -3.00", e, order.Number)
	}
	for _, o := range demo.myOrders() {
		if o.Number == order.Number && o.Status != "FULFILLED" {
			t.Errorf("My orders shows the paid voucher %s as %s, want FULFILLED", o.Number, o.Status)
		}
	}
	s.ledgerCheck()
}
