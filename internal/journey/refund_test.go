package journey

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
)

// balanceEntries answers the kinds of a SIM's newest ledger entries, as My
// numbers lists them.
func (c *customer) balanceEntries(iccid string) []string {
	c.shop.t.Helper()
	var out struct {
		Me struct {
			SimCard struct {
				BalanceEntries struct {
					Edges []struct {
						Node struct{ Kind, Reference string }
					}
				}
			}
		}
	}
	c.query(`query($i: ICCID!) { me { simCard(iccid: $i) { balanceEntries(first: 10) { edges { node { kind reference } } } } } }`,
		map[string]any{"i": iccid}, &out)
	var kinds []string
	for _, e := range out.Me.SimCard.BalanceEntries.Edges {
		kinds = append(kinds, e.Node.Kind+" "+e.Node.Reference)
	}
	return kinds
}

// A voucher is paid on the sandbox page, then refunded by the operator
// (tez orders refund): the balance and the ledger are back where they
// were, the ledger check is clean, and the refund email arrives.
func TestVoucherPaidThenRefunded(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	stock := seed.DemoStock()[3]
	ada := s.signUp("ada@journey.example", "a long new passphrase", "Ada")
	ada.addStock(stock)
	before := ada.balanceOf(stock.ICCID)
	placed := ada.buyVoucher("TOPUP-25", stock.ICCID)
	ada.pay(placed.ID, "", "Approve").mustSay("Payment approved")
	if got, want := ada.balanceOf(stock.ICCID), plus(t, before, "25.00"); got != want {
		t.Fatalf("balance %v after the voucher, want %v", got, want)
	}
	s.mailAbout(ada.Email, "Receipt")

	res, err := s.operator().Refund(context.Background(), placed.Number, orders.RefundRequest{Reason: "Bought by mistake", By: store.RefundByOperator})
	if err != nil || res.Refund.Amount().String() != "25.00 USD" {
		t.Fatalf("tez orders refund: %+v, %v", res, err)
	}
	if got := ada.balanceOf(stock.ICCID); got != before {
		t.Errorf("balance %v after the refund, want %v again", got, before)
	}
	if entries := ada.balanceEntries(stock.ICCID); len(entries) < 2 || entries[0] != "REFUND Refund of order "+placed.Number ||
		!strings.HasPrefix(entries[1], "TOPUP") {
		t.Errorf("the ledger reads %v, want the REFUND over the TOPUP", entries)
	}
	if o := ada.myOrders()[0]; o.Status != "REFUNDED" || slices.Contains(o.AvailableActions, "CANCEL") {
		t.Errorf("My orders after the refund: %+v", o)
	}
	m := s.mailAbout(ada.Email, "Refund")
	for _, want := range []string{"refunded 25.00 USD", placed.Number, "Bought by mistake", "25.00 USD of voucher credit"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the refund email lacks %q:\n%s", want, m.Text)
		}
	}
	ada.open(m.link()).submit("Sign in and show the order", map[string]string{"email": ada.Email, "password": "a long new passphrase"}).
		mustSay("Order "+placed.Number, "Refunded")

	// Running it again refunds nothing more.
	if again, err := s.operator().Refund(context.Background(), placed.Number, orders.RefundRequest{By: store.RefundByOperator}); err != nil || !again.Again {
		t.Errorf("a second refund: %+v, %v", again, err)
	}
	if got := ada.balanceOf(stock.ICCID); got != before {
		t.Errorf("balance %v after a second refund, want %v", got, before)
	}
	s.ledgerCheck()
}

// A guest pays for a SIM card and cancels before it ships: the order is
// refunded at once, the SIM goes back to stock, the refund email's link
// opens the order.
func TestPaidUnshippedOrderCancelledByTheCustomer(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	guest := s.visitor("lea@guest.example")
	placed, token := guest.checkout(map[string]any{"lines": []any{map[string]any{"sku": "SIM-EUROPE", "quantity": 1}},
		"email": guest.Email, "shippingAddress": berlin})
	guest.pay(placed.ID, token, "Approve").mustSay("Payment approved")
	s.mailAbout(guest.Email, "Receipt")

	var got struct {
		GuestOrder struct {
			Status           string
			AvailableActions []string
			Shipments        []parcel
		}
	}
	guest.query(`query($n: String!, $t: String!) { guestOrder(number: $n, accessToken: $t) { status availableActions
		shipments { status items { quantity iccid product { sku } } } } }`, map[string]any{"n": placed.Number, "t": token}, &got)
	if got.GuestOrder.Status != "PAID" || !slices.Contains(got.GuestOrder.AvailableActions, "CANCEL") || len(got.GuestOrder.Shipments) != 1 {
		t.Fatalf("paid, not shipped: %+v", got.GuestOrder)
	}
	sim := *got.GuestOrder.Shipments[0].Items[0].ICCID

	var cancel struct {
		OrderCancel struct {
			Order      *struct{ Status string }
			UserErrors []userError
		}
	}
	guest.query(`mutation($id: ID!, $t: String) { orderCancel(input: { orderId: $id, accessToken: $t }) { order { status } userErrors { field message code } } }`,
		map[string]any{"id": placed.ID, "t": token}, &cancel)
	noUserErrors(t, "orderCancel", cancel.OrderCancel.UserErrors)
	if cancel.OrderCancel.Order == nil || cancel.OrderCancel.Order.Status != "REFUNDED" {
		t.Fatalf("cancel of a paid order: %+v", cancel.OrderCancel)
	}
	m := s.mailAbout(guest.Email, "Refund")
	if !strings.Contains(m.Text, "refunded "+placed.Total.Amount+" USD") {
		t.Errorf("refund email:\n%s", m.Text)
	}
	page := guest.open(m.link())
	page.submit("Show the order", map[string]string{"token": orderLinkToken(t, m.link())}).mustSay("Order "+placed.Number, "Refunded")

	// The SIM card is back on the shelf: the next buyer gets it.
	var status string
	if err := s.api.DB.Get(&status, `SELECT status FROM sim_cards WHERE iccid = $1 AND user_id IS NULL AND sold_order_id IS NULL`, sim); err != nil || status != "IN_STOCK" {
		t.Errorf("SIM %s after the cancel: %q, %v; want IN_STOCK", sim, status, err)
	}
	s.ledgerCheck()
}
