package graph_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/mailtest"
)

const publicURL = "https://shop.tez.example"

// mailAPI is a server with its outbox worker delivering to a sink.
func mailAPI(t *testing.T) (*apitest.API, *mailtest.Sink) {
	t.Helper()
	api := apitest.New(t, func(c *config.Config) { c.PublicURL = publicURL })
	return api, api.DeliverMail()
}

// linkToken finds the link to page in a message and answers its token.
func linkToken(t *testing.T, m mailtest.Message, page string) string {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(publicURL+page) + `\?token=([A-Za-z0-9_-]+)`)
	text, html := re.FindStringSubmatch(m.Text), re.FindStringSubmatch(m.HTML)
	if text == nil || html == nil || text[1] != html[1] {
		t.Fatalf("no %s link in both bodies of %q:\n%s\n%s", page, m.Subject, m.Text, m.HTML)
	}
	return text[1]
}

type linkPayload struct {
	User *struct {
		Email         string
		EmailVerified bool
	}
	UserErrors []struct {
		Field         []string
		Message, Code string
	}
}

func verify(t *testing.T, api *apitest.API, token string) linkPayload {
	t.Helper()
	return linkMutation(t, api, "", `mutation($t: String!) { emailVerify(input: { token: $t }) {
		user { email emailVerified } userErrors { field message code } } }`, map[string]any{"t": token})
}

func TestRegisterVerifyLoginLogout(t *testing.T) {
	t.Parallel()
	api, inbox := mailAPI(t)
	reg := register(t, api, "Flow@x.example", "correct horse battery")
	if reg.Token == nil {
		t.Fatalf("register: %+v", reg.UserErrors)
	}
	m := inbox.Await(t, "Flow@x.example", 1)
	if m.Subject != "Confirm your email for TEZ Telecom" || !strings.Contains(m.HTML, "<a href=") {
		t.Errorf("verification email = %+v", m)
	}
	token := linkToken(t, m, "/account/verify-email")

	got := verify(t, api, token)
	if got.User == nil || !got.User.EmailVerified || len(got.UserErrors) != 0 {
		t.Fatalf("emailVerify = %+v", got)
	}
	t.Run("a used link is refused", func(t *testing.T) {
		if got := verify(t, api, token); got.User != nil || len(got.UserErrors) != 1 || got.UserErrors[0].Code != "INVALID" || got.UserErrors[0].Field[1] != "token" {
			t.Errorf("second use = %+v, want INVALID on input.token", got)
		}
	})
	t.Run("an unknown link is refused", func(t *testing.T) {
		if got := verify(t, api, "tze_made-up"); got.User != nil || got.UserErrors[0].Code != "INVALID" {
			t.Errorf("made-up token = %+v", got)
		}
	})

	signIn := login(t, api, "flow@x.example", "correct horse battery", nil)
	if signIn.Token == nil {
		t.Fatalf("login: %+v", signIn.UserErrors)
	}
	var me struct{ Me *struct{ EmailVerified bool } }
	api.Query(apitest.Request{Query: `{ me { emailVerified } }`, Token: *signIn.Token}, &me)
	if me.Me == nil || !me.Me.EmailVerified {
		t.Fatalf("me = %+v, want verified", me.Me)
	}
	var out struct{ Logout struct{ SessionsEnded int } }
	api.Query(apitest.Request{Query: `mutation { logout { sessionsEnded } }`, Token: *signIn.Token}, &out)
	me.Me = nil
	api.Query(apitest.Request{Query: `{ me { emailVerified } }`, Token: *signIn.Token}, &me)
	if me.Me != nil {
		t.Error("the session still works after logout")
	}
}

func TestVerificationLinks(t *testing.T) {
	t.Parallel()
	api, inbox := mailAPI(t)
	reg := register(t, api, "links@x.example", "correct horse battery")
	first := linkToken(t, inbox.Await(t, "links@x.example", 1), "/account/verify-email")
	resend := func() linkPayload {
		return linkMutation(t, api, *reg.Token, `mutation { emailVerificationResend { userErrors { field message code } } }`, nil)
	}

	if got := resend(); len(got.UserErrors) != 0 {
		t.Fatalf("resend = %+v", got)
	}
	second := linkToken(t, inbox.Await(t, "links@x.example", 2), "/account/verify-email")
	if got := verify(t, api, first); got.User != nil {
		t.Error("an older link still works after a newer one was sent")
	}

	t.Run("an expired link is refused", func(t *testing.T) {
		api.MustExec(`UPDATE email_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`)
		if got := verify(t, api, second); got.User != nil || got.UserErrors[0].Code != "INVALID" {
			t.Errorf("expired link = %+v", got)
		}
	})

	t.Run("resending is limited per address", func(t *testing.T) {
		var last linkPayload
		for range 5 {
			last = resend()
		}
		if len(last.UserErrors) != 1 || last.UserErrors[0].Code != "TOO_MANY_ATTEMPTS" {
			t.Errorf("sixth email in the hour = %+v, want TOO_MANY_ATTEMPTS", last.UserErrors)
		}
		// The registration email and 4 resent ones went out: 5 an hour,
		// every kind together.
		inbox.Await(t, "links@x.example", 5)
		if n := len(inbox.To("links@x.example")); n != 5 {
			t.Errorf("%d emails to one address in an hour, want 5", n)
		}
	})

	t.Run("anonymous is unauthenticated", func(t *testing.T) {
		res := api.Do(apitest.Request{Query: `mutation { emailVerificationResend { userErrors { code } } }`})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("errors = %+v", res.Errors)
		}
	})
}

func TestVerificationBringsHistory(t *testing.T) {
	t.Parallel()
	api, inbox := mailAPI(t)
	otherID, _ := api.Customer("other@x.example")
	order := func(email string) (id int64) {
		if err := api.DB.Get(&id, `INSERT INTO orders (email, status, subtotal, total, currency) VALUES ($1, 'FULFILLED', 500, 500, 'USD') RETURNING id`, email); err != nil {
			t.Fatal(err)
		}
		return id
	}
	sim := func(n int) string {
		return iccid.WithCheckDigit(fmt.Sprintf("899970400000%06d", n))
	}
	guestOrder, strangerOrder := order("HISTORY@x.example"), order("stranger@x.example")
	api.MustExec(`INSERT INTO sim_cards (iccid, status, sold_order_id) VALUES ($1, 'ACTIVE', $2)`, sim(1), guestOrder)
	api.MustExec(`INSERT INTO sim_cards (iccid, status, sold_to_email) VALUES ($1, 'ACTIVE', 'history@x.example')`, sim(2))
	api.MustExec(`INSERT INTO sim_cards (iccid, status, sold_to_email, user_id, owned_since) VALUES ($1, 'ACTIVE', 'history@x.example', $2, now())`, sim(3), otherID)
	api.MustExec(`INSERT INTO sim_cards (iccid, status) VALUES ($1, 'ACTIVE')`, sim(4))
	api.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since) VALUES ($1, 'ACTIVE', $2, now())`, sim(5), otherID)
	api.MustExec(`INSERT INTO sim_cards (iccid, status, sold_order_id) VALUES ($1, 'ACTIVE', $2)`, sim(6), strangerOrder)
	api.MustExec(`INSERT INTO legacy_sim_owners (email, iccid, label) VALUES ('history@x.example', $1, 'Old phone'), ('History@x.example', $2, 'Taken')`, sim(4), sim(5))

	reg := register(t, api, "history@x.example", "correct horse battery")
	type mine struct {
		Me *struct {
			SimCards []struct{ Iccid, Label string }
			Orders   struct{ TotalCount int }
		}
	}
	read := func() mine {
		var out mine
		api.Query(apitest.Request{Query: `{ me { simCards { iccid label } orders { totalCount } } }`, Token: *reg.Token}, &out)
		return out
	}
	if before := read(); len(before.Me.SimCards) != 0 || before.Me.Orders.TotalCount != 0 {
		t.Fatalf("before verification: %+v, want nothing", before.Me)
	}

	verify(t, api, linkToken(t, inbox.Await(t, "history@x.example", 1), "/account/verify-email"))
	after := read()
	got := map[string]string{}
	for _, s := range after.Me.SimCards {
		got[s.Iccid] = s.Label
	}
	want := map[string]string{sim(1): "", sim(2): "", sim(4): "Old phone"}
	if len(got) != len(want) || after.Me.Orders.TotalCount != 1 {
		t.Fatalf("after verification: SIMs %v and %d orders, want %v and the guest order", got, after.Me.Orders.TotalCount, want)
	}
	for id, label := range want {
		if l, ok := got[id]; !ok || l != label {
			t.Errorf("SIM %s: label %q, present %v; want %q", id, l, ok, label)
		}
	}
	var owners []int64
	api.DB.Select(&owners, `SELECT user_id FROM sim_cards WHERE iccid = ANY(ARRAY[$1, $2]) ORDER BY iccid`, sim(3), sim(5))
	if len(owners) != 2 || owners[0] != otherID || owners[1] != otherID {
		t.Errorf("the other account's SIMs are now owned by %v, want %d", owners, otherID)
	}
	var unclaimed int
	api.DB.Get(&unclaimed, `SELECT count(*) FROM legacy_sim_owners WHERE claimed_at IS NULL`)
	if unclaimed != 1 {
		t.Errorf("%d legacy rows unclaimed, want 1 (the SIM someone else owns)", unclaimed)
	}
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	api, inbox := mailAPI(t)
	reg := register(t, api, "forgot@x.example", "correct horse battery")
	other := login(t, api, "forgot@x.example", "correct horse battery", nil)

	request := func(email string) string {
		res := api.Do(apitest.Request{Query: `mutation($e: String!) { passwordResetRequest(input: { email: $e }) { userErrors { field message code } } }`,
			Variables: map[string]any{"e": email}})
		return string(res.Data)
	}
	reset := func(token, pw string) linkPayload { return resetPassword(t, api, token, pw) }

	known, unknown := request("Forgot@x.example"), request("nobody@x.example")
	if known != unknown {
		t.Errorf("answers differ: %s for an account, %s for none", known, unknown)
	}
	m := inbox.Await(t, "forgot@x.example", 2) // the verification email came first
	if m.Subject != "Reset your TEZ Telecom password" {
		t.Fatalf("second email = %q", m.Subject)
	}
	token := linkToken(t, m, "/account/reset-password")

	if got := reset(token, "password1"); len(got.UserErrors) != 1 || got.UserErrors[0].Code != "WEAK_PASSWORD" {
		t.Errorf("reset with a common password = %+v", got)
	}
	if got := reset(token, "a whole new secret"); len(got.UserErrors) != 0 {
		t.Fatalf("reset = %+v", got)
	}
	for name, tok := range map[string]string{"the resetting browser's": *reg.Token, "another device's": *other.Token} {
		var me struct{ Me *struct{ Email string } }
		api.Query(apitest.Request{Query: `{ me { email } }`, Token: tok}, &me)
		if me.Me != nil {
			t.Errorf("%s session survived the reset", name)
		}
	}
	if l := login(t, api, "forgot@x.example", "correct horse battery", nil); l.Token != nil {
		t.Error("the old password still signs in")
	}
	if l := login(t, api, "forgot@x.example", "a whole new secret", nil); l.Token == nil {
		t.Errorf("the new password does not sign in: %+v", l.UserErrors)
	}
	if got := reset(token, "yet another secret"); len(got.UserErrors) != 1 || got.UserErrors[0].Code != "INVALID" {
		t.Errorf("reusing the link = %+v, want INVALID", got)
	}

	t.Run("requests are limited per address, account or not", func(t *testing.T) {
		for range 5 {
			known, unknown = request("forgot@x.example"), request("nobody@x.example")
		}
		// When to try again follows each address's first request, which may
		// fall in another minute: the answers are compared without it.
		retry := regexp.MustCompile(`try again in [^"]* UTC\)`)
		known, unknown = retry.ReplaceAllString(known, "try again later"), retry.ReplaceAllString(unknown, "try again later")
		if known != unknown || !strings.Contains(known, "TOO_MANY_ATTEMPTS") {
			t.Errorf("sixth request: %s for an account, %s for none; want the same TOO_MANY_ATTEMPTS", known, unknown)
		}
	})
	if n := len(inbox.To("nobody@x.example")); n != 0 {
		t.Errorf("%d emails sent to an address without an account", n)
	}
}

func TestEmailChange(t *testing.T) {
	t.Parallel()
	api, inbox := mailAPI(t)
	reg := register(t, api, "before@x.example", "correct horse battery")
	register(t, api, "taken@x.example", "correct horse battery")
	api.MustExec(`INSERT INTO orders (email, status, subtotal, total, currency) VALUES ('after@x.example', 'PAID', 500, 500, 'USD')`)
	change := func(newEmail, pw string) linkPayload { return changeEmail(t, api, *reg.Token, newEmail, pw) }
	type me struct {
		Me *struct {
			Email         string
			EmailVerified bool
			Orders        struct{ TotalCount int }
		}
	}
	read := func() me {
		var out me
		api.Query(apitest.Request{Query: `{ me { email emailVerified orders { totalCount } } }`, Token: *reg.Token}, &out)
		return out
	}

	cases := map[string]struct{ email, pw, field, code string }{
		"wrong password": {"after@x.example", "not the password", "currentPassword", "INVALID_CREDENTIALS"},
		"taken email":    {"TAKEN@x.example", "correct horse battery", "newEmail", "TAKEN"},
		"same email":     {"Before@x.example", "correct horse battery", "newEmail", "INVALID"},
		"malformed":      {"after@", "correct horse battery", "newEmail", "INVALID"},
	}
	for name, c := range cases {
		if got := change(c.email, c.pw); len(got.UserErrors) != 1 || got.UserErrors[0].Code != c.code || got.UserErrors[0].Field[1] != c.field {
			t.Errorf("%s: %+v, want %s on input.%s", name, got.UserErrors, c.code, c.field)
		}
	}

	if got := change(" after@x.example ", "correct horse battery"); len(got.UserErrors) != 0 {
		t.Fatalf("emailChange = %+v", got.UserErrors)
	}
	m := inbox.Await(t, "after@x.example", 1)
	if now := read(); now.Me.Email != "before@x.example" || now.Me.Orders.TotalCount != 0 {
		t.Fatalf("before confirmation: %+v, want the old email and no order of the new one", now.Me)
	}
	if got := verify(t, api, linkToken(t, m, "/account/confirm-email")); got.User == nil || got.User.Email != "after@x.example" || !got.User.EmailVerified {
		t.Fatalf("confirming = %+v", got)
	}
	if now := read(); now.Me.Email != "after@x.example" || !now.Me.EmailVerified || now.Me.Orders.TotalCount != 1 {
		t.Errorf("after confirmation: %+v, want the new email, verified, with its guest order", now.Me)
	}
	notice := inbox.Await(t, "before@x.example", 2) // the verification email came first
	if notice.Subject != "Your TEZ Telecom email was changed" || !strings.Contains(notice.Text, "after@x.example") {
		t.Errorf("the old address was told: %+v", notice)
	}
	if l := login(t, api, "after@x.example", "correct horse battery", nil); l.Token == nil {
		t.Errorf("sign-in with the new email: %+v", l.UserErrors)
	}
	if l := login(t, api, "before@x.example", "correct horse battery", nil); l.Token != nil {
		t.Error("the old email still signs in")
	}
}
