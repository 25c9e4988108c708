package journey

import (
	"strings"
	"testing"
)

const meDoc = `{ me { email emailVerified fullName } }`

type meAnswer struct {
	Me *struct {
		Email         string
		EmailVerified bool
		FullName      *string
	}
}

// The announcement's registration: email, password, terms; the mail
// arrives; its link confirms the email; the customer signs in again at
// checkout and the order lands in My orders.
func TestRegisterConfirmAndSignInAtCheckout(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	anna := s.signUp("anna@journey.example", "a long new passphrase", "Anna K")

	var me meAnswer
	anna.query(meDoc, nil, &me)
	if me.Me == nil || me.Me.Email != "anna@journey.example" || me.Me.EmailVerified {
		t.Fatalf("signed in after registering: me = %+v, want anna@journey.example not yet verified", me.Me)
	}

	m := s.mail("anna@journey.example")
	if m.Subject != "Confirm your email for TEZ Telecom" {
		t.Fatalf("first mail: %q", m.Subject)
	}
	link := m.link()
	if !strings.HasPrefix(link, s.api.URL+"/") {
		t.Fatalf("the link %s does not lead to the service at %s", link, s.api.URL)
	}
	// The mail client (or a scanner) opens the link: the page asks, and
	// opening it twice changes nothing.
	anna.open(link)
	confirm := anna.open(link)
	confirm.mustSay("Confirm your email", "anna@journey.example")
	anna.query(meDoc, nil, &me)
	if me.Me.EmailVerified {
		t.Fatal("opening the link confirmed the email without a click")
	}
	done := confirm.submit("Confirm my email", nil)
	if done.Status != 200 {
		t.Fatalf("confirming answered %d: %s", done.Status, done.Text())
	}
	done.mustSay("Your email is confirmed", "anna@journey.example is confirmed")
	if done.forms() != 0 {
		t.Errorf("the page of a confirmed email still offers a form")
	}
	again := anna.open(link)
	again.mustSay("This link was used already")
	if again.forms() != 0 {
		t.Errorf("a used link's page offers a form")
	}

	anna.query(meDoc, nil, &me)
	if !me.Me.EmailVerified {
		t.Fatalf("after following the link: me = %+v, want verified", me.Me)
	}

	// Later, at the checkout page, on another device: a guest who signs in
	// with the form there.
	later := s.visitor("anna@journey.example")
	if got := later.signIn("a wrong password"); got.Token != nil || len(got.UserErrors) == 0 {
		t.Fatalf("sign-in with a wrong password: %+v", got)
	}
	if got := later.signIn("a long new passphrase"); got.Token == nil {
		t.Fatalf("sign-in at checkout: %+v", got.UserErrors)
	}
	order, guestToken := later.checkout(map[string]any{"lines": []any{map[string]any{"sku": "SIM-EUROPE", "quantity": 1}},
		"shippingAddress": berlin})
	if guestToken != "" {
		t.Errorf("a signed-in customer's order got a guest access token")
	}
	if order.Status != "PENDING_PAYMENT" || order.Email != "anna@journey.example" {
		t.Fatalf("order placed signed in: %+v", order)
	}
	mine := later.myOrders()
	if len(mine) != 1 || mine[0].Number != order.Number {
		t.Fatalf("My orders = %+v, want the order %s just placed", mine, order.Number)
	}
}

// The confirmation email went missing: the customer asks for it again;
// the old link's page says it was replaced, the new one confirms; signing
// out ends the session.
func TestResendConfirmationAndSignOut(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	mia := s.signUp("mia@journey.example", "a long new passphrase", "")
	first := s.mailAbout(mia.Email, "Confirm your email").link()
	var resent struct {
		EmailVerificationResend struct{ UserErrors []userError }
	}
	mia.query(`mutation { emailVerificationResend { userErrors { field message code } } }`, nil, &resent)
	noUserErrors(t, "emailVerificationResend", resent.EmailVerificationResend.UserErrors)
	second := s.mailAbout(mia.Email, "Confirm your email").link()
	if second == first {
		t.Fatal("the new mail carries the old link")
	}
	mia.open(first).mustSay("This link was used already", "replaced")
	mia.open(second).submit("Confirm my email", nil).mustSay("is confirmed")
	if !mia.me().EmailVerified {
		t.Fatal("not verified after the new link")
	}

	var out struct {
		Logout struct{ UserErrors []userError }
	}
	mia.query(`mutation { logout { userErrors { field message code } } }`, nil, &out)
	if mia.me() != nil {
		t.Error("still signed in after signing out")
	}
}

// A traveller whose phone speaks Russian follows the confirmation link:
// the page asks in Russian and answers in Russian; its switch gives the
// same page in English, and the choice sticks over the phone's language.
func TestMailedLinkPagesSpeakThePhonesLanguage(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.signUp("olga@journey.example", "a long new passphrase", "Olga")
	link := s.mail("olga@journey.example").link()
	phone := s.browser()
	phone.languages = "ru-RU,ru;q=0.9,en-US;q=0.8"
	asked := phone.open(link)
	asked.mustSay("Подтвердите эл. почту", "olga@journey.example")
	english := asked.follow("English")
	english.mustSay("Confirm your email", "olga@journey.example")
	russian := english.follow("Русский")
	done := russian.submit("Подтвердить мою почту", nil)
	done.mustSay("Эл. почта подтверждена", "olga@journey.example")
	done.mustNotSay("Your email is confirmed")
}
