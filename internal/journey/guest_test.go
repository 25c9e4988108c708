package journey

import (
	"net/url"
	"strings"
	"testing"
)

// orderLinkToken is the access token a guest's order link carries: in its
// fragment (#token=…, where the page's script picks it up) or, in links
// mailed before, its query.
func orderLinkToken(t testing.TB, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if frag, err := url.ParseQuery(u.Fragment); err == nil && frag.Get("token") != "" {
		return frag.Get("token")
	}
	if tok := u.Query().Get("token"); tok != "" {
		return tok
	}
	t.Fatalf("the order link %s carries no token", link)
	return ""
}

// A guest orders a SIM, closes the tab, and finds the order again through
// the confirmation email: its link opens the order page, which shows the
// order only to the token's holder, pays it on the sandbox page and comes
// back to the order, now paid and delivered from stock, without typing the
// token again.
func TestGuestOrderLinkShowsAndPaysTheOrder(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	guest := s.visitor("gus@journey.example")
	placed, token := guest.checkout(map[string]any{"email": guest.Email, "shippingAddress": berlin,
		"lines": []any{map[string]any{"sku": "SIM-EUROPE", "quantity": 1}}})
	if token == "" {
		t.Fatal("a guest's order came without an access token")
	}

	m := s.mail(guest.Email)
	if !strings.Contains(m.Subject, placed.Number) {
		t.Fatalf("confirmation subject %q", m.Subject)
	}
	link := m.link()
	if !strings.HasPrefix(link, s.api.URL+"/account/orders/"+placed.Number) {
		t.Fatalf("the order link %s does not open the service's order page", link)
	}
	if orderLinkToken(t, link) != token {
		t.Fatal("the mailed link carries another token than checkout answered")
	}

	// Someone with the number but not the token learns nothing.
	stranger := s.visitor("")
	nosy := stranger.open(s.api.URL + "/account/orders/" + placed.Number)
	nosy.mustNotSay("Europe data SIM", placed.Total.Amount)
	nosy = nosy.submit("Show the order", map[string]string{"token": "tezo_guessed"})
	nosy.mustSay("No order with this number opens")
	nosy.mustNotSay("Europe data SIM")

	shown := guest.open(link).submit("Show the order", map[string]string{"token": orderLinkToken(t, link)})
	shown.mustSay("Order "+placed.Number, "Waiting for payment", "Europe data SIM", placed.Total.Amount)
	if shown.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("the order page lets its URL out as a Referer")
	}

	sandbox := shown.submit("Pay", nil)
	sandbox.mustSay("Sandbox payment", placed.Number, placed.Total.Amount)
	approved := sandbox.submit("Approve", nil)
	approved.mustSay("Payment approved")

	back := approved.follow("Back to the shop")
	if back.URL.Path != "/account/orders/"+placed.Number {
		t.Fatalf("the payment page returns to %s", back.URL)
	}
	// Back without retyping the token (the cookie Pay set carries it; the
	// address has none): paid, the SIM card allocated, its parcel being packed.
	if strings.Contains(back.URL.String(), token) {
		t.Errorf("the way back %s carries the token", back.URL)
	}
	after := back
	after.mustSay("Order "+placed.Number, "Paid", "Europe data SIM", "Being packed")
	after.mustNotSay("Waiting for payment")
	if after.forms() != 0 {
		t.Errorf("a paid order still offers Pay")
	}
}

// A guest order joins the account registered later with its email, once
// that email is confirmed from its mail; until then it stays out.
func TestGuestOrderJoinsTheAccount(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	guest := s.visitor("ivan@journey.example")
	placed, _ := guest.checkout(map[string]any{"email": guest.Email, "shippingAddress": berlin,
		"lines": []any{map[string]any{"sku": "SIM-GLOBAL", "quantity": 1}}})

	ivan := s.signUp("ivan@journey.example", "a long new passphrase", "Ivan")
	if mine := ivan.myOrders(); len(mine) != 0 {
		t.Fatalf("before the email is confirmed, My orders shows %+v", mine)
	}
	ivan.confirmEmail()
	mine := ivan.myOrders()
	if len(mine) != 1 || mine[0].Number != placed.Number || mine[0].Status != "PENDING_PAYMENT" {
		t.Fatalf("after confirming, My orders = %+v, want the guest order %s", mine, placed.Number)
	}
	// Now the account's, it is paid signed in.
	ivan.pay(mine[0].ID, "", "Approve").mustSay("Payment approved")
	if got := ivan.myOrders()[0]; got.Status == "PENDING_PAYMENT" {
		t.Errorf("after paying: %+v", got)
	}
}
