package journey

import (
	"net/url"
	"slices"
	"testing"
)

func numbers(list []order) []string {
	out := make([]string, len(list))
	for i, o := range list {
		out[i] = o.Number
	}
	return out
}

// guestBuysVoucher is a voucher bought by a guest for the demo's first SIM.
func (s *shop) guestBuysVoucher(email string) (order, string) {
	s.t.Helper()
	iccid := s.demoCustomer().myNumbers()[0].ICCID
	return s.visitor(email).checkout(map[string]any{"email": email,
		"lines": []any{map[string]any{"sku": "TOPUP-10", "quantity": 1, "iccid": iccid}}})
}

// A guest order placed with the email of an account verified already is in
// that account's My orders at once; the guest can still pay it with its
// token.
func TestGuestOrderOfVerifiedAccountJoinsAtOnce(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	anna := s.member("anna@guest.example", "a long new passphrase", "Anna K")

	// Later, not signed in, on another device, typing the email in capitals.
	guest := s.visitor("Anna@Guest.example")
	placed, token := s.guestBuysVoucher("Anna@Guest.example")
	if token == "" {
		t.Fatal("a guest's order came without its access token")
	}
	if got := numbers(anna.myOrders()); !slices.Contains(got, placed.Number) {
		t.Fatalf("My orders of the verified account = %v, want the guest order %s at once", got, placed.Number)
	}
	s.mail("anna@guest.example") // the order confirmation
	guest.pay(placed.ID, token, "Approve")
	for _, o := range anna.myOrders() {
		if o.Number == placed.Number && o.Status != "FULFILLED" {
			t.Errorf("after the guest paid it, My orders shows %s as %s, want FULFILLED", o.Number, o.Status)
		}
	}
}

// With an unverified account's email, the guest order waits and joins when
// the email is verified.
func TestGuestOrderOfUnverifiedAccountJoinsOnVerification(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	bob := s.signUp("bob@guest.example", "a long new passphrase", "Bob")
	verification := s.mail("bob@guest.example")

	placed, _ := s.guestBuysVoucher("bob@guest.example")
	if got := numbers(bob.myOrders()); slices.Contains(got, placed.Number) {
		t.Fatalf("My orders of an unverified account = %v: the guest order %s joined before the email was confirmed", got, placed.Number)
	}
	link, _ := url.Parse(verification.link())
	var out struct {
		EmailVerify struct{ UserErrors []userError }
	}
	bob.query(`mutation($t: String!) { emailVerify(input: { token: $t }) { userErrors { field message code } } }`,
		map[string]any{"t": link.Query().Get("token")}, &out)
	noUserErrors(t, "emailVerify", out.EmailVerify.UserErrors)
	if got := numbers(bob.myOrders()); !slices.Contains(got, placed.Number) {
		t.Fatalf("My orders after verifying = %v, want the guest order %s", got, placed.Number)
	}
}

// A guest who types someone else's email gets nothing of that account: the
// token opens the one order placed, never the account's other orders, and
// carries no session.
func TestGuestWithSomeoneElsesEmailGetsNothingOfTheAccount(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	theirs := demo.myOrders()
	var pending order
	for _, o := range theirs {
		if o.Status == "PENDING_PAYMENT" {
			pending = o
		}
	}
	if pending.ID == "" {
		t.Fatal("the demo account has no pending order to try")
	}

	mallory := s.visitor("demo@tez.example")
	placed, token := s.guestBuysVoucher("demo@tez.example")

	// The order is the account's (that is the promise) ...
	if got := numbers(demo.myOrders()); !slices.Contains(got, placed.Number) {
		t.Fatalf("My orders = %v, want the order %s placed with the account's email", got, placed.Number)
	}
	// ... but the guest's token opens only that order.
	for _, o := range theirs {
		var open struct{ GuestOrder *order }
		mallory.query(`query($n: String!, $t: String!) { guestOrder(number: $n, accessToken: $t) { `+orderFields+` } }`,
			map[string]any{"n": o.Number, "t": token}, &open)
		if open.GuestOrder != nil {
			t.Errorf("the guest's token opens the account's order %s", o.Number)
		}
	}
	var paid struct{ OrderPay paymentPayload }
	mallory.query(`mutation($id: ID!, $t: String) { orderPay(input: { orderId: $id, accessToken: $t }) {
		payment { status } userErrors { field message code } } }`, map[string]any{"id": pending.ID, "t": token}, &paid)
	if paid.OrderPay.Payment != nil || len(paid.OrderPay.UserErrors) == 0 || paid.OrderPay.UserErrors[0].Code != "NOT_FOUND" {
		t.Errorf("orderPay of the account's order with the guest's token = %+v, want NOT_FOUND (as a missing order)", paid.OrderPay)
	}
	// The token is no session: as a bearer token it is no one.
	mallory.Token = token
	var me struct{ Me *struct{ Email string } }
	res := mallory.do(`{ me { email } }`, nil)
	if res.Data != nil {
		mallory.shop.api.Decode(res, &me)
	}
	if me.Me != nil {
		t.Errorf("the guest's order token signs in as %s", me.Me.Email)
	}
}
