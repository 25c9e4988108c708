package journey

import (
	"strings"
	"testing"
	"time"

	moneypkg "github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
)

// demoOrder is an order of the demo as My orders shows it, with what the
// shop's rules are checked on.
type demoOrder struct {
	ID, Number, Status           string
	Subtotal, ShippingFee, Total money
	Items                        []struct {
		Quantity, FulfilledQuantity int
		Product                     struct{ Kind string }
	}
}

// demoSIM is a SIM of the demo with its whole visible history.
type demoSIM struct {
	ID, ICCID, Status  string
	Balance, Overdraft money
	LastUsageAt        *time.Time
	UsageSessions      struct {
		Edges []struct {
			Node struct{ StartedAt, EndedAt time.Time }
		}
	}
	BalanceEntries struct {
		Edges []struct {
			Node struct {
				CreatedAt               time.Time
				Kind                    string
				Overdraft, BalanceAfter money
			}
		}
	}
}

const demoSIMFields = `id iccid status balance { amount currencyCode } overdraft { amount currencyCode } lastUsageAt
	usageSessions(first: 20) { edges { node { startedAt endedAt } } }
	balanceEntries(first: 20) { edges { node { createdAt kind overdraft { amount currencyCode } balanceAfter { amount currencyCode } } } }`

func (c *customer) demoSIMs() []demoSIM {
	c.shop.t.Helper()
	var out struct{ Me struct{ SimCards []demoSIM } }
	c.query(`{ me { simCards { `+demoSIMFields+` } } }`, nil, &out)
	return out.Me.SimCards
}

func minor(t *testing.T, m money) moneypkg.Money {
	t.Helper()
	v, err := moneypkg.Parse(m.Amount, m.CurrencyCode)
	if err != nil {
		t.Fatalf("amount %v: %v", m, err)
	}
	return v
}

// The demo a newcomer tries follows the project's own rules, read through
// the API as a customer sees them.
func TestDemoTellsTheTruth(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()

	var mine struct {
		Me struct {
			Orders struct{ Edges []struct{ Node demoOrder } }
		}
	}
	demo.query(`{ me { orders(first: 50) { edges { node { id number status subtotal { amount currencyCode }
		shippingFee { amount currencyCode } total { amount currencyCode }
		items { quantity fulfilledQuantity product { kind } } } } } } }`, nil, &mine)
	var pending *demoOrder
	for _, e := range mine.Me.Orders.Edges {
		o := e.Node
		t.Run("order "+o.Number, func(t *testing.T) {
			ships := false
			for _, it := range o.Items {
				ships = ships || orders.Ships(store.ProductKind(it.Product.Kind))
			}
			subtotal := minor(t, o.Subtotal)
			if want := orders.ShippingFee(subtotal, ships); minor(t, o.ShippingFee) != want {
				t.Errorf("shipping fee %s on a subtotal of %s (ships: %v), want %s", o.ShippingFee, o.Subtotal, ships, want)
			}
			if minor(t, o.Total).Amount != subtotal.Amount+minor(t, o.ShippingFee).Amount {
				t.Errorf("total %s is not subtotal %s + shipping %s", o.Total, o.Subtotal, o.ShippingFee)
			}
			for _, it := range o.Items {
				delivered := it.FulfilledQuantity == it.Quantity
				switch o.Status {
				case "FULFILLED", "REFUNDED":
					if !delivered {
						t.Errorf("a %s order with a line delivered %d of %d", o.Status, it.FulfilledQuantity, it.Quantity)
					}
				case "PAID":
					t.Errorf("a paid order not fulfilled: the shop fulfils at payment unless stock runs out, and the demo has stock")
				default:
					if it.FulfilledQuantity != 0 {
						t.Errorf("a %s order with delivered units", o.Status)
					}
				}
			}
		})
		if o.Status == "PENDING_PAYMENT" {
			pending = &o
		}
	}

	sims := demo.demoSIMs()
	suspended := 0
	for _, sim := range sims {
		t.Run("SIM "+sim.ICCID, func(t *testing.T) {
			sessions, entries := sim.UsageSessions.Edges, sim.BalanceEntries.Edges
			var last *time.Time
			for _, e := range sessions {
				if last == nil || e.Node.EndedAt.After(*last) {
					last = &e.Node.EndedAt
				}
			}
			if (last == nil) != (sim.LastUsageAt == nil) || (last != nil && !last.Equal(*sim.LastUsageAt)) {
				t.Errorf("lastUsageAt %v, want the end of its newest session %v", sim.LastUsageAt, last)
			}
			if len(entries) > 0 && entries[0].Node.BalanceAfter != sim.Balance {
				t.Errorf("balance %s, but its newest entry left %s", sim.Balance, entries[0].Node.BalanceAfter)
			}
			if sim.Status != "SUSPENDED" {
				return
			}
			suspended++
			if sim.Balance.Amount != "0.00" || minor(t, sim.Overdraft).Amount <= 0 {
				t.Errorf("suspended with balance %s and overdraft %s, want 0.00 and the usage it owes", sim.Balance, sim.Overdraft)
			}
			var ranOut *time.Time
			for _, e := range entries {
				if e.Node.Kind == "USAGE" && minor(t, e.Node.Overdraft).Amount > 0 && (ranOut == nil || e.Node.CreatedAt.Before(*ranOut)) {
					ranOut = &e.Node.CreatedAt
				}
			}
			if ranOut == nil {
				t.Fatalf("suspended, but no usage in its history ran the balance out")
			}
			for _, e := range sessions {
				if e.Node.StartedAt.After(*ranOut) {
					t.Errorf("a session started %v, after the balance ran out at %v and the SIM was suspended", e.Node.StartedAt, ranOut)
				}
			}
		})
	}
	if suspended == 0 {
		t.Errorf("the demo shows no suspended SIM to try a top-up on")
	}

	t.Run("the pending order can be paid", func(t *testing.T) {
		if pending == nil {
			t.Fatal("the demo has no order awaiting payment")
		}
		before := demo.myNumbers()
		demo.pay(pending.ID, "", "Approve")
		for _, o := range demo.myOrders() {
			if o.Number == pending.Number && o.Status != "FULFILLED" {
				t.Errorf("after Approve, %s is %s, want FULFILLED", o.Number, o.Status)
			}
		}
		after := demo.myNumbers()
		credited := 0
		for i := range before {
			if before[i].Balance != after[i].Balance {
				credited++
			}
		}
		if credited != 1 {
			t.Errorf("balances before %+v and after %+v: want the voucher's SIM credited", before, after)
		}
	})

	t.Run("a new owner sees none of the previous owner's usage", func(t *testing.T) {
		sim := sims[0]
		var removed struct {
			SimCardRemove struct{ UserErrors []userError }
		}
		demo.query(`mutation($id: ID!) { simCardRemove(id: $id) { userErrors { field message code } } }`, map[string]any{"id": sim.ID}, &removed)
		noUserErrors(t, "simCardRemove", removed.SimCardRemove.UserErrors)

		next := s.signUp("next-owner@demo.example", "a long new passphrase", "Next Owner")
		var added struct {
			SimCardAdd struct {
				SimCard    *demoSIM
				UserErrors []userError
			}
		}
		next.query(`mutation($iccid: ICCID!, $code: String) { simCardAdd(input: { iccid: $iccid, activationCode: $code }) {
			simCard { `+demoSIMFields+` } userErrors { field message code } } }`,
			map[string]any{"iccid": sim.ICCID, "code": "DEMO0001"}, &added)
		noUserErrors(t, "simCardAdd with the demo SIM's code", added.SimCardAdd.UserErrors)
		got := added.SimCardAdd.SimCard
		if got.LastUsageAt != nil || len(got.UsageSessions.Edges) > 0 || len(got.BalanceEntries.Edges) > 0 {
			t.Errorf("the new owner sees lastUsageAt %v, %d sessions, %d balance entries of the previous owner",
				got.LastUsageAt, len(got.UsageSessions.Edges), len(got.BalanceEntries.Edges))
		}
	})

	t.Run("a stock SIM can be added with the code printed on it", func(t *testing.T) {
		stock := seed.DemoStock()[0]
		c := s.signUp("stock@demo.example", "a long new passphrase", "Stock Tester")
		var added struct {
			SimCardAdd struct {
				SimCard    *struct{ ICCID string }
				UserErrors []userError
			}
		}
		c.query(`mutation($iccid: ICCID!, $code: String) { simCardAdd(input: { iccid: $iccid, activationCode: $code }) {
			simCard { iccid } userErrors { field message code } } }`,
			map[string]any{"iccid": spaced(stock.ICCID), "code": stock.ActivationCode}, &added)
		noUserErrors(t, "simCardAdd "+stock.ICCID, added.SimCardAdd.UserErrors)
		if added.SimCardAdd.SimCard == nil || added.SimCardAdd.SimCard.ICCID != stock.ICCID {
			t.Errorf("simCardAdd answered %+v, want %s", added.SimCardAdd.SimCard, stock.ICCID)
		}
	})

	s.ledgerCheck()
}

// spaced writes an ICCID in groups of four, as printed on the holder.
func spaced(iccid string) string {
	var parts []string
	for i := 0; i < len(iccid); i += 4 {
		parts = append(parts, iccid[i:min(i+4, len(iccid))])
	}
	return strings.Join(parts, " ")
}
