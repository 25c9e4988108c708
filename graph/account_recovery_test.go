package graph_test

import (
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/mailtest"
)

// The attack of issue 18: someone who learned the password asks to move the
// account to their own mailbox; the owner recovers. Whatever way the owner
// recovers, the intruder's pending link must not work afterwards.
func TestRecoveryVoidsAPendingEmailChange(t *testing.T) {
	t.Parallel()
	recoveries := map[string]func(t *testing.T, api *apitest.API, inbox *mailtest.Sink, owner string){
		"password reset": func(t *testing.T, api *apitest.API, inbox *mailtest.Sink, owner string) {
			requestReset(t, api, "owner@x.example")
			if got := resetPassword(t, api, linkToken(t, inbox.Await(t, "owner@x.example", 2), "/account/reset-password"), "the owner's new secret"); len(got.UserErrors) != 0 {
				t.Fatalf("reset: %+v", got.UserErrors)
			}
		},
		"password change": func(t *testing.T, api *apitest.API, _ *mailtest.Sink, owner string) {
			if got := changePassword(t, api, owner, "correct horse battery", "the owner's new secret"); len(got.UserErrors) != 0 {
				t.Fatalf("passwordChange: %+v", got.UserErrors)
			}
		},
		"logout everywhere": func(t *testing.T, api *apitest.API, _ *mailtest.Sink, owner string) {
			var out struct{ LogoutEverywhere struct{ SessionsEnded int } }
			api.Query(apitest.Request{Query: `mutation { logoutEverywhere { sessionsEnded } }`, Token: owner}, &out)
			if out.LogoutEverywhere.SessionsEnded != 2 {
				t.Errorf("sessions ended = %d, want the owner's and the intruder's", out.LogoutEverywhere.SessionsEnded)
			}
		},
	}
	for name, recover := range recoveries {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			api, inbox := mailAPI(t)
			owner := *register(t, api, "owner@x.example", "correct horse battery").Token
			intruder := *login(t, api, "owner@x.example", "correct horse battery", nil).Token
			if got := changeEmail(t, api, intruder, "intruder@x.example", "correct horse battery"); len(got.UserErrors) != 0 {
				t.Fatalf("the intruder's emailChange: %+v", got.UserErrors)
			}
			pending := linkToken(t, inbox.Await(t, "intruder@x.example", 1), "/account/confirm-email")

			recover(t, api, inbox, owner)

			if got := verify(t, api, pending); got.User != nil || len(got.UserErrors) != 1 || got.UserErrors[0].Code != "INVALID" {
				t.Errorf("the intruder's link after the recovery = %+v, want INVALID", got)
			}
			if l := login(t, api, "intruder@x.example", "correct horse battery", nil); l.Token != nil {
				t.Error("the account moved to the intruder's mailbox")
			}
		})
	}
}

// A reset link mailed to the account stops working once the account has
// moved on: its email changed, or its password was changed meanwhile.
func TestResetLinkDiesWithTheAddressOrPassword(t *testing.T) {
	t.Parallel()
	api, inbox := mailAPI(t)

	t.Run("after an email change", func(t *testing.T) {
		owner := *register(t, api, "moving@x.example", "correct horse battery").Token
		requestReset(t, api, "moving@x.example")
		old := linkToken(t, inbox.Await(t, "moving@x.example", 2), "/account/reset-password")
		if got := changeEmail(t, api, owner, "moved@x.example", "correct horse battery"); len(got.UserErrors) != 0 {
			t.Fatalf("emailChange: %+v", got.UserErrors)
		}
		if got := verify(t, api, linkToken(t, inbox.Await(t, "moved@x.example", 1), "/account/confirm-email")); got.User == nil {
			t.Fatalf("confirming the change: %+v", got.UserErrors)
		}
		notice := inbox.Await(t, "moving@x.example", 3)
		if notice.Subject != "Your TEZ Telecom email was changed" || !strings.Contains(notice.Text, "moved@x.example") {
			t.Errorf("the old address was told %+v", notice)
		}
		if got := resetPassword(t, api, old, "an intruder's choice"); len(got.UserErrors) != 1 || got.UserErrors[0].Code != "INVALID" {
			t.Errorf("the old address's reset link = %+v, want INVALID", got.UserErrors)
		}
		if l := login(t, api, "moved@x.example", "correct horse battery", nil); l.Token == nil {
			t.Errorf("the password changed through a stale link: %+v", l.UserErrors)
		}
	})

	t.Run("after a password change, which is mailed", func(t *testing.T) {
		owner := *register(t, api, "changing@x.example", "correct horse battery").Token
		requestReset(t, api, "changing@x.example")
		old := linkToken(t, inbox.Await(t, "changing@x.example", 2), "/account/reset-password")
		if got := changePassword(t, api, owner, "correct horse battery", "the owner's new secret"); len(got.UserErrors) != 0 {
			t.Fatalf("passwordChange: %+v", got.UserErrors)
		}
		if m := inbox.Await(t, "changing@x.example", 3); m.Subject != "Your TEZ Telecom password was changed" {
			t.Errorf("third email = %q, want the password change notice", m.Subject)
		}
		if got := resetPassword(t, api, old, "an intruder's choice"); len(got.UserErrors) != 1 || got.UserErrors[0].Code != "INVALID" {
			t.Errorf("the reset link after a password change = %+v, want INVALID", got.UserErrors)
		}
	})

	t.Run("a reset is mailed too", func(t *testing.T) {
		register(t, api, "resetting@x.example", "correct horse battery")
		requestReset(t, api, "resetting@x.example")
		if got := resetPassword(t, api, linkToken(t, inbox.Await(t, "resetting@x.example", 2), "/account/reset-password"), "the owner's new secret"); len(got.UserErrors) != 0 {
			t.Fatalf("reset: %+v", got.UserErrors)
		}
		if m := inbox.Await(t, "resetting@x.example", 3); m.Subject != "Your TEZ Telecom password was changed" {
			t.Errorf("third email = %q, want the password change notice", m.Subject)
		}
	})
}

func requestReset(t *testing.T, api *apitest.API, email string) {
	t.Helper()
	var out struct{ PasswordResetRequest linkPayload }
	api.Query(apitest.Request{Query: `mutation($e: String!) { passwordResetRequest(input: { email: $e }) { userErrors { field message code } } }`,
		Variables: map[string]any{"e": email}}, &out)
	if len(out.PasswordResetRequest.UserErrors) != 0 {
		t.Fatalf("passwordResetRequest: %+v", out.PasswordResetRequest.UserErrors)
	}
}

// linkMutation sends one of the account's mutations whose payload reads as
// a linkPayload, with the session (or none), and answers that payload.
func linkMutation(t *testing.T, api *apitest.API, session, doc string, vars map[string]any) linkPayload {
	t.Helper()
	var out map[string]linkPayload
	api.Query(apitest.Request{Query: doc, Token: session, Variables: vars}, &out)
	for _, p := range out {
		return p
	}
	t.Fatalf("no payload: %s", doc)
	return linkPayload{}
}

func resetPassword(t *testing.T, api *apitest.API, token, pw string) linkPayload {
	t.Helper()
	return linkMutation(t, api, "", `mutation($t: String!, $p: String!) { passwordReset(input: { token: $t, newPassword: $p }) {
		userErrors { field message code } } }`, map[string]any{"t": token, "p": pw})
}

func changeEmail(t *testing.T, api *apitest.API, session, email, pw string) linkPayload {
	t.Helper()
	return linkMutation(t, api, session, `mutation($e: String!, $p: String!) { emailChange(input: { newEmail: $e, currentPassword: $p }) {
		userErrors { field message code } } }`, map[string]any{"e": email, "p": pw})
}

func changePassword(t *testing.T, api *apitest.API, session, current, next string) linkPayload {
	t.Helper()
	return linkMutation(t, api, session, `mutation($c: String!, $n: String!) { passwordChange(input: { currentPassword: $c, newPassword: $n }) {
		userErrors { field message code } } }`, map[string]any{"c": current, "n": next})
}
