package graph_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/mailtest"
)

// guestCheckout places a one-voucher-free guest order (a SIM card shipped
// to a typed address) for email, from the client address xff names (empty:
// the connection's).
func guestCheckout(t *testing.T, api *apitest.API, email, xff string) checkoutResult {
	t.Helper()
	in := lines(line("SIM-ASIA", 1))
	in["email"] = email
	in["shippingAddress"] = map[string]any{"recipientName": "Guest", "line1": "Main 1", "city": "Tashkent", "postalCode": "100000", "countryCode": "UZ"}
	req := apitest.Request{Query: `mutation($input: CheckoutInput!) { checkout(input: $input) {
		order { id number } accessToken userErrors { field code message } } }`, Variables: map[string]any{"input": in}}
	if xff != "" {
		req.Header = map[string]string{"X-Forwarded-For": xff}
	}
	var out struct{ Checkout checkoutResult }
	api.Query(req, &out)
	return out.Checkout
}

// settled waits a few worker rounds and answers what addr received.
func settled(inbox *mailtest.Sink, addr string, atLeast int) []mailtest.Message {
	deadline := time.Now().Add(10 * time.Second)
	for len(inbox.To(addr)) < atLeast && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // anything beyond would arrive by now
	return inbox.To(addr)
}

// Eight guest checkouts to one stranger's address: the orders are placed,
// and at most five emails reach the stranger.
func TestGuestCheckoutsMailAStrangerAtMostFiveTimes(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	inbox := s.api.DeliverMail()
	for i := range 8 {
		if got := guestCheckout(t, s.api, "stranger@x.example", ""); got.Order == nil {
			t.Fatalf("checkout %d: %+v", i+1, got.UserErrors)
		}
	}
	if got := settled(inbox, "stranger@x.example", 5); len(got) != 5 {
		t.Errorf("8 guest checkouts sent %d emails to one address, want 5", len(got))
	}
}

// The limit counts every kind of mail together, on every replica, and
// never holds back the notice of a change to the account.
func TestMailCapAcrossKindsAndReplicas(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	inbox := s.api.DeliverMail()
	other := s.api.Replica()
	owner := *register(t, s.api, "capped@x.example", "correct horse battery").Token // 1: verification
	requestReset(t, other, "capped@x.example")                                      // 2
	guestCheckout(t, s.api, "capped@x.example", "")                                 // 3
	guestCheckout(t, other, "capped@x.example", "")                                 // 4
	requestReset(t, s.api, "capped@x.example")                                      // 5
	for name, api := range map[string]*apitest.API{"this replica": s.api, "the other replica": other} {
		var out struct{ PasswordResetRequest linkPayload }
		api.Query(apitest.Request{Query: `mutation { passwordResetRequest(input: { email: "capped@x.example" }) { userErrors { code message } } }`}, &out)
		if errs := out.PasswordResetRequest.UserErrors; len(errs) != 1 || errs[0].Code != "TOO_MANY_ATTEMPTS" {
			t.Errorf("sixth email through %s: %+v, want TOO_MANY_ATTEMPTS", name, errs)
		}
	}
	if got := guestCheckout(t, other, "capped@x.example", ""); got.Order == nil {
		t.Errorf("a guest checkout past the mail limit: %+v, want the order placed (without its email)", got.UserErrors)
	}
	if got := settled(inbox, "capped@x.example", 5); len(got) != 5 {
		t.Fatalf("%d emails, want 5", len(got))
	}
	if got := changePassword(t, s.api, owner, "correct horse battery", "the owner's new secret"); len(got.UserErrors) != 0 {
		t.Fatalf("passwordChange: %+v", got.UserErrors)
	}
	if m := inbox.Await(t, "capped@x.example", 6); m.Subject != "Your TEZ Telecom password was changed" {
		t.Errorf("sixth email = %q, want the password change notice, which no limit holds back", m.Subject)
	}
}

// Guest checkouts are limited per client address (behind a trusted proxy,
// per forwarded address).
func TestGuestCheckoutsPerClientAddress(t *testing.T) {
	t.Parallel()
	s := newShop(t, func(c *config.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	for i := range 10 {
		if got := guestCheckout(t, s.api, fmt.Sprintf("g%d@x.example", i), "198.51.100.7"); got.Order == nil {
			t.Fatalf("checkout %d: %+v", i+1, got.UserErrors)
		}
	}
	got := guestCheckout(t, s.api, "g10@x.example", "198.51.100.7")
	if got.Order != nil || len(got.UserErrors) != 1 || got.UserErrors[0].Code != "TOO_MANY_ATTEMPTS" {
		t.Errorf("11th guest checkout from one address = %+v, want TOO_MANY_ATTEMPTS", got.UserErrors)
	}
	if got := guestCheckout(t, s.api, "g10@x.example", "198.51.100.8"); got.Order == nil {
		t.Errorf("another client's checkout: %+v", got.UserErrors)
	}
	if got := s.checkout(t, s.token, lines(line("TOPUP-10", 1, s.sim))); got.Order == nil {
		t.Errorf("a signed-in customer from the limited address: %+v", got.UserErrors)
	}
}

// The free-text name anyone can type at registration is never in a
// subject, never greets an address not proven to be the account's, and is
// escaped in HTML when it does greet.
func TestNameKeptOutOfMailToStrangers(t *testing.T) {
	t.Parallel()
	api, inbox := mailAPI(t)
	name := `<a href="https://evil.example/prize">Claim your prize</a>`
	var out struct{ Register authPayload }
	api.Query(apitest.Request{Query: `mutation($n: String!) { register(input: { email: "victim@x.example", password: "correct horse battery",
		fullName: $n, acceptTerms: true }) { token userErrors { field code message } } }`, Variables: map[string]any{"n": name}}, &out)
	if out.Register.Token == nil {
		t.Fatalf("register: %+v", out.Register.UserErrors)
	}
	m := inbox.Await(t, "victim@x.example", 1)
	for part, body := range map[string]string{"subject": m.Subject, "text": m.Text, "HTML": m.HTML} {
		if strings.Contains(body, "evil.example") || strings.Contains(body, "prize") {
			t.Errorf("the verification email's %s carries the typed name:\n%s", part, body)
		}
	}
	verify(t, api, linkToken(t, m, "/account/verify-email"))
	requestReset(t, api, "victim@x.example")
	reset := inbox.Await(t, "victim@x.example", 2)
	if strings.Contains(reset.Subject, "prize") || strings.Contains(reset.HTML, `<a href="https://evil.example`) ||
		!strings.Contains(reset.HTML, "&lt;a href=") {
		t.Errorf("the verified account's reset email: subject %q, HTML:\n%s\nwant the name escaped and out of the subject", reset.Subject, reset.HTML)
	}
}
