package journey

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/config"
)

const emailChangeDoc = `mutation($e: String!, $p: String!) { emailChange(input: { newEmail: $e, currentPassword: $p }) { userErrors { field message code } } }`

const resetRequestDoc = `mutation($e: String!) { passwordResetRequest(input: { email: $e }) { userErrors { field message code } } }`

// askEmailChange asks, as c, to move the account to newEmail.
func (c *customer) askEmailChange(newEmail, password string) {
	c.shop.t.Helper()
	var out struct {
		EmailChange struct{ UserErrors []userError }
	}
	c.query(emailChangeDoc, map[string]any{"e": newEmail, "p": password}, &out)
	noUserErrors(c.shop.t, "emailChange", out.EmailChange.UserErrors)
}

// askReset asks for a reset link for c's email, not signed in.
func (c *customer) askReset() {
	c.shop.t.Helper()
	var out struct {
		PasswordResetRequest struct{ UserErrors []userError }
	}
	c.shop.visitor(c.Email).query(resetRequestDoc, map[string]any{"e": c.Email}, &out)
	noUserErrors(c.shop.t, "passwordResetRequest", out.PasswordResetRequest.UserErrors)
}

// The attack of the security review, played as written: someone who
// learned the password asks to move the account to their own mailbox; the
// owner resets the password from the mailed link. The intruder's pending
// link is dead, the intruder's session is over, and the owner's mailbox is
// told of the password change.
func TestRecoveryEvictsTheIntruder(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	owner := s.member("dana@journey.example", "the owner's passphrase", "Dana")

	intruder := owner.secondDevice() // with the leaked password
	intruder.askEmailChange("mallory@journey.example", "the owner's passphrase")
	pending := s.mailAbout("mallory@journey.example", "Confirm your new email").link()

	// The owner notices and resets the password from the mailed link.
	owner.askReset()
	form := s.visitor(owner.Email).open(s.mailAbout(owner.Email, "Reset your").link())
	form.submit("Save the new password", map[string]string{"password": "the owner's new passphrase"}).mustSay("Your password is changed")
	notice := s.mailAbout(owner.Email, "password was changed")
	if !strings.Contains(notice.Text, "signed out") {
		t.Errorf("the password change notice says:\n%s", notice.Text)
	}

	// The intruder follows the pending link: it is dead, and there is no
	// button to press.
	dead := intruder.open(pending)
	if dead.Status != http.StatusGone || dead.forms() != 0 {
		t.Errorf("the intruder's link after the reset: status %d, %d forms, want 410 and none", dead.Status, dead.forms())
	}
	dead.mustSay("This link was used already")
	if intruder.me() != nil {
		t.Error("the intruder's session survived the reset")
	}
	if got := s.visitor("mallory@journey.example").signIn("the owner's passphrase"); got.Token != nil {
		t.Error("the account moved to the intruder's mailbox")
	}
	owner.Password = "the owner's new passphrase"
	if got := s.visitor(owner.Email).signIn(owner.Password); got.Token == nil {
		t.Errorf("the owner cannot sign in with the new password: %+v", got.UserErrors)
	}
}

// When the intruder was quicker and confirmed the move, the old address is
// told where the account went, and a reset link mailed to it before no
// longer works (it would hand the account back to whoever reads the old
// mailbox, or to an intruder who reads it).
func TestEmailChangeIsToldAndKillsOldLinks(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	owner := s.member("erin@journey.example", "erin's passphrase", "Erin")
	owner.askReset()
	stale := s.mailAbout(owner.Email, "Reset your").link()

	owner.askEmailChange("erin.new@journey.example", "erin's passphrase")
	owner.open(s.mailAbout("erin.new@journey.example", "Confirm your new email").link()).
		submit("Confirm my email", nil).mustSay("erin.new@journey.example is confirmed")
	told := s.mailAbout("erin@journey.example", "email was changed")
	if !strings.Contains(told.Text, "erin.new@journey.example") {
		t.Errorf("the old address was told:\n%s", told.Text)
	}
	if page := s.visitor("erin@journey.example").open(stale); page.Status != http.StatusGone || page.forms() != 0 {
		t.Errorf("the reset link mailed to the old address: status %d, %d forms, want 410 and none", page.Status, page.forms())
	}
}

// Guest checkouts cannot flood a stranger's mailbox: eight orders, five
// emails; and the link in them carries the order's token after #, where no
// server log or referrer sees it.
func TestGuestCheckoutsAreNoMailCannon(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	guest := s.visitor("stranger@journey.example")
	for range 8 {
		guest.checkout(map[string]any{"email": guest.Email, "lines": []map[string]any{{"sku": "SIM-ASIA", "quantity": 1}},
			"shippingAddress": map[string]any{"recipientName": "Guest", "line1": "Main 1", "city": "Tashkent", "postalCode": "100000", "countryCode": "UZ"}})
	}
	for range 5 {
		if link := s.mail(guest.Email).link(); strings.Contains(link, "?token=") || !strings.Contains(link, "#token=tezo_") {
			t.Errorf("the order link %s: want the token after #", link)
		}
	}
	s.noMail(guest.Email)
}

// Behind a balancer the service is told to trust (TEZ_TRUSTED_PROXIES),
// each customer counts from their own address. Someone guessing one
// account's password from address after address locks that account
// (twenty failures), not the owner's address; what a client writes into
// X-Forwarded-For itself buys nothing; and the owner gets back in by
// resetting the password from the mailed link.
func TestSignInBehindABalancer(t *testing.T) {
	t.Parallel()
	s := newShop(t, func(c *config.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	from := func(c *customer, addr string) *customer {
		c.Header = map[string]string{"X-Forwarded-For": addr}
		return c
	}
	owner := from(s.visitor("fay@journey.example"), "198.51.100.10")
	if got := owner.register("fay's passphrase", "Fay"); got.Token == nil {
		t.Fatalf("register: %+v", got.UserErrors)
	}
	owner.confirmEmail()

	guesser := from(s.visitor(owner.Email), "203.0.113.1")
	for range 5 {
		guesser.signIn("a wrong guess")
	}
	// The client writes a fresh address in front of its own: the balancer
	// appended the real one, which is still blocked.
	spoofed := from(s.visitor(owner.Email), "192.0.2.77, 203.0.113.1")
	if got := spoofed.signIn("a wrong guess"); len(got.UserErrors) != 1 || got.UserErrors[0].Code != "TOO_MANY_ATTEMPTS" {
		t.Errorf("a spoofed hop in front of a blocked address: %+v, want TOO_MANY_ATTEMPTS", got.UserErrors)
	}
	if got := from(s.visitor(owner.Email), "198.51.100.10").signIn("fay's passphrase"); got.Token == nil {
		t.Fatalf("the owner from her own address, while someone else is blocked: %+v", got.UserErrors)
	}

	for i := range 20 {
		from(s.visitor(owner.Email), fmt.Sprintf("203.0.113.%d", 10+i/5)).signIn("a wrong guess")
	}
	if got := from(s.visitor(owner.Email), "198.51.100.10").signIn("fay's passphrase"); len(got.UserErrors) != 1 || got.UserErrors[0].Code != "TOO_MANY_ATTEMPTS" {
		t.Fatalf("after 20 failures from many addresses, the right password = %+v, want the account locked", got.UserErrors)
	}

	owner.askReset()
	form := s.visitor(owner.Email).open(s.mailAbout(owner.Email, "Reset your").link())
	form.submit("Save the new password", map[string]string{"password": "fay's new passphrase"}).mustSay("Your password is changed")
	if got := from(s.visitor(owner.Email), "198.51.100.10").signIn("fay's new passphrase"); got.Token == nil {
		t.Errorf("after the reset: %+v, want signed in", got.UserErrors)
	}
}
