package journey

import (
	"slices"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/seed"
)

// balanceOf answers the balance My numbers shows for iccid.
func (c *customer) balanceOf(iccid string) money {
	c.shop.t.Helper()
	for _, n := range c.myNumbers() {
		if n.ICCID == iccid {
			return n.Balance
		}
	}
	c.shop.t.Fatalf("%s is not in My numbers", iccid)
	return money{}
}

// A customer tops a SIM up: the order waits in My orders with Pay; Pay
// opens the sandbox's page; Approve pays it; the order is delivered, the
// balance is 10 USD higher, the ledger names the order, and Pay is gone.
func TestMyOrdersPayOnTheSandboxPage(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	stock := seed.DemoStock()[2]
	rita := s.signUp("rita@journey.example", "a long new passphrase", "Rita")
	rita.addStock(stock)
	before := rita.balanceOf(stock.ICCID)

	placed := rita.buyVoucher("TOPUP-10", stock.ICCID)
	mine := rita.myOrders()
	if len(mine) != 1 || mine[0].Status != "PENDING_PAYMENT" || !slices.Contains(mine[0].AvailableActions, "PAY") {
		t.Fatalf("My orders after checkout: %+v", mine)
	}
	if mine[0].Total.String() != "10.00 USD" {
		t.Errorf("a voucher alone costs %s, want 10.00 USD (nothing ships)", mine[0].Total)
	}
	s.mail(rita.Email) // the registration's confirmation
	if m := s.mail(rita.Email); !strings.Contains(m.Subject, placed.Number) {
		t.Errorf("no order confirmation: %q", m.Subject)
	}

	// Another site's form cannot approve the payment for her.
	var open struct{ OrderPay paymentPayload }
	rita.query(`mutation($id: ID!) { orderPay(input: { orderId: $id }) { payment { redirectUrl } userErrors { field message code } } }`,
		map[string]any{"id": placed.ID}, &open)
	status, _, _ := s.api.Raw("POST", strings.TrimPrefix(open.OrderPay.Payment.RedirectURL, s.api.URL), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, "decision=approve")
	if status != 403 || rita.myOrders()[0].Status != "PENDING_PAYMENT" {
		t.Fatalf("a cross-site Approve answered %d; the order is %s", status, rita.myOrders()[0].Status)
	}

	// The card is declined first: nothing changes, and Pay is offered again.
	rita.pay(placed.ID, "", "Decline").mustSay("Payment declined")
	if o := rita.myOrders()[0]; o.Status != "PENDING_PAYMENT" || !slices.Contains(o.AvailableActions, "PAY") {
		t.Fatalf("after a declined payment: %+v", o)
	}
	if got := rita.balanceOf(stock.ICCID); got != before {
		t.Fatalf("a declined payment changed the balance to %v", got)
	}

	approved := rita.pay(placed.ID, "", "Approve")
	approved.mustSay("Payment approved")

	mine = rita.myOrders()
	if mine[0].Status != "FULFILLED" || slices.Contains(mine[0].AvailableActions, "PAY") || !slices.Contains(mine[0].AvailableActions, "REORDER") {
		t.Errorf("My orders after paying: %+v, want FULFILLED with REORDER and no PAY", mine[0])
	}
	if got, want := rita.balanceOf(stock.ICCID), plus(t, before, "10.00"); got != want {
		t.Errorf("balance %v after a 10 USD voucher, want %v", got, want)
	}
	if entries := rita.balanceEntries(stock.ICCID); len(entries) == 0 || !strings.HasPrefix(entries[0], "TOPUP ") || !strings.Contains(entries[0], placed.Number) {
		t.Errorf("the newest balance entry %q does not name the order %s", entries, placed.Number)
	}

	// Paying again is refused, and the page of the paid payment says so.
	var again struct{ OrderPay paymentPayload }
	rita.query(`mutation($id: ID!) { orderPay(input: { orderId: $id }) { userErrors { field message code } } }`,
		map[string]any{"id": placed.ID}, &again)
	if len(again.OrderPay.UserErrors) == 0 {
		t.Error("a paid order can be paid again")
	}

	// The payment page's return opens the order for its owner.
	back := approved.follow("Back to the shop")
	shown := back.submit("Sign in and show the order", map[string]string{"email": rita.Email, "password": rita.Password})
	shown.mustSay("Order "+placed.Number, "Fulfilled", "Top-up voucher 10 USD", stock.ICCID)
}

// Buy again: a delivered order's lines become a new unpaid order at
// today's prices, paid like any other.
func TestBuyAgain(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	var delivered *order
	for _, o := range demo.myOrders() {
		if o.Status == "FULFILLED" && len(o.Items) == 1 && o.Items[0].ICCID != nil {
			delivered = &o
			break
		}
	}
	if delivered == nil {
		t.Fatal("the demo has no delivered top-up in My orders")
	}
	iccid := *delivered.Items[0].ICCID
	before := demo.balanceOf(iccid)

	var out struct {
		OrderReorder struct {
			Order        *order
			DroppedItems []struct{ Reason string }
			UserErrors   []userError
		}
	}
	demo.query(`mutation($id: ID!) { orderReorder(input: { orderId: $id }) { order { `+orderFields+` }
		droppedItems { reason } userErrors { field message code } } }`, map[string]any{"id": delivered.ID}, &out)
	noUserErrors(t, "orderReorder", out.OrderReorder.UserErrors)
	again := out.OrderReorder.Order
	if again == nil || again.Number == delivered.Number || again.Status != "PENDING_PAYMENT" ||
		len(again.Items) != 1 || again.Items[0].Product.SKU != delivered.Items[0].Product.SKU || *again.Items[0].ICCID != iccid {
		t.Fatalf("buy again of %+v gave %+v", delivered, again)
	}
	if len(out.OrderReorder.DroppedItems) != 0 {
		t.Errorf("dropped %+v from an order of products on sale", out.OrderReorder.DroppedItems)
	}
	if mine := demo.myOrders(); mine[0].Number != again.Number {
		t.Errorf("the new order is not the newest in My orders: %+v", mine[0])
	}
	demo.pay(again.ID, "", "Approve").mustSay("Payment approved")
	if got, want := demo.balanceOf(iccid), plus(t, before, delivered.Items[0].Product.VoucherAmount.Amount); got != want {
		t.Errorf("balance after buying the voucher again: %v, want %v", got, want)
	}
}

// Cancel: an unpaid order is cancelled from My orders; its payment page
// closes, and it can no longer be paid.
func TestCancelAnUnpaidOrder(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	sam := s.signUp("sam@journey.example", "a long new passphrase", "")
	placed, _ := sam.checkout(map[string]any{"shippingAddress": berlin, "lines": []any{map[string]any{"sku": "SIM-ASIA", "quantity": 2}}})
	var started struct{ OrderPay paymentPayload }
	sam.query(`mutation($id: ID!) { orderPay(input: { orderId: $id }) { payment { redirectUrl } userErrors { field message code } } }`,
		map[string]any{"id": placed.ID}, &started)
	noUserErrors(t, "orderPay", started.OrderPay.UserErrors)

	var cancelled struct {
		OrderCancel struct {
			Order      *order
			UserErrors []userError
		}
	}
	sam.query(`mutation($id: ID!) { orderCancel(input: { orderId: $id }) { order { `+orderFields+` } userErrors { field message code } } }`,
		map[string]any{"id": placed.ID}, &cancelled)
	noUserErrors(t, "orderCancel", cancelled.OrderCancel.UserErrors)
	if o := sam.myOrders()[0]; o.Status != "CANCELLED" || slices.Contains(o.AvailableActions, "PAY") || slices.Contains(o.AvailableActions, "CANCEL") {
		t.Errorf("My orders after cancelling: %+v", o)
	}
	page := sam.open(started.OrderPay.Payment.RedirectURL)
	page.mustSay("This payment is no longer open")
	if page.forms() != 0 {
		t.Error("the payment page of a cancelled order still offers Approve")
	}
}
