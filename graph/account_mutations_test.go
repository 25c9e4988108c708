package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
)

type authPayload struct {
	Token *string
	User  *struct {
		ID, Email     string
		EmailVerified bool
		FullName      *string
	}
	UserErrors []struct {
		Field         []string
		Message, Code string
	}
}

func register(t *testing.T, api *apitest.API, email, password string) authPayload {
	t.Helper()
	var out struct{ Register authPayload }
	api.Query(apitest.Request{Query: documents.Get("register.graphql"),
		Variables: map[string]any{"email": email, "password": password, "fullName": "Aigerim"}}, &out)
	return out.Register
}

func login(t *testing.T, api *apitest.API, email, password string, header map[string]string) authPayload {
	t.Helper()
	var out struct{ Login authPayload }
	api.Query(apitest.Request{Query: documents.Get("sign-in.graphql"),
		Variables: map[string]any{"email": email, "password": password}, Header: header}, &out)
	return out.Login
}

func TestRegisterAndSignIn(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)

	reg := register(t, api, "  New.Customer@Example.com ", "correct horse battery")
	if reg.Token == nil || reg.User == nil || reg.User.Email != "New.Customer@Example.com" || reg.User.EmailVerified || len(reg.UserErrors) != 0 {
		t.Fatalf("register = %+v, want a token and an unverified user with the trimmed email", reg)
	}
	var me struct{ Me *struct{ Email string } }
	api.Query(apitest.Request{Query: `{ me { email } }`, Token: *reg.Token}, &me)
	if me.Me == nil || me.Me.Email != reg.User.Email {
		t.Fatalf("me with the new token = %+v", me.Me)
	}

	t.Run("sign in, case-insensitively", func(t *testing.T) {
		got := login(t, api, "new.customer@example.COM", "correct horse battery", nil)
		if got.Token == nil || got.User == nil || got.User.ID != reg.User.ID {
			t.Fatalf("login = %+v", got)
		}
	})

	t.Run("every input problem is a user error", func(t *testing.T) {
		cases := map[string]struct {
			vars  map[string]any
			field string
			code  string
		}{
			"taken email":     {map[string]any{"email": "NEW.customer@example.com", "password": "another good one"}, "email", "TAKEN"},
			"malformed email": {map[string]any{"email": "not-an-email", "password": "another good one"}, "email", "INVALID"},
			"short password":  {map[string]any{"email": "a@b.example", "password": "short"}, "password", "TOO_SHORT"},
			"common password": {map[string]any{"email": "a@b.example", "password": "Password123"}, "password", "WEAK_PASSWORD"},
		}
		for name, c := range cases {
			var out struct{ Register authPayload }
			api.Query(apitest.Request{Query: documents.Get("register.graphql"), Variables: c.vars}, &out)
			r := out.Register
			if r.Token != nil || len(r.UserErrors) != 1 || r.UserErrors[0].Code != c.code || r.UserErrors[0].Field[1] != c.field || r.UserErrors[0].Message == "" {
				t.Errorf("%s: %+v, want one %s on input.%s", name, r, c.code, c.field)
			}
		}
		var out struct{ Register authPayload }
		api.Query(apitest.Request{Query: `mutation { register(input: { email: "t@x.example", password: "long enough pw", acceptTerms: false }) { token userErrors { field code } } }`}, &out)
		if len(out.Register.UserErrors) != 1 || out.Register.UserErrors[0].Code != "TERMS_NOT_ACCEPTED" {
			t.Errorf("terms not accepted: %+v", out.Register.UserErrors)
		}
		var n int
		api.DB.Get(&n, `SELECT count(*) FROM users`)
		if n != 1 {
			t.Errorf("%d accounts after the refused registrations, want 1", n)
		}
	})

	t.Run("wrong email and wrong password answer the same", func(t *testing.T) {
		wrongPassword := login(t, api, "new.customer@example.com", "not the password", nil)
		unknownEmail := login(t, api, "nobody@example.com", "not the password", nil)
		a, _ := json.Marshal(wrongPassword)
		b, _ := json.Marshal(unknownEmail)
		if string(a) != string(b) || wrongPassword.Token != nil || wrongPassword.UserErrors[0].Code != "INVALID_CREDENTIALS" {
			t.Errorf("wrong password %s, unknown email %s; want the same INVALID_CREDENTIALS", a, b)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	register(t, api, "victim@x.example", "correct horse battery")
	for i := range 5 {
		if got := login(t, api, "victim@x.example", "guess", nil); got.UserErrors[0].Code != "INVALID_CREDENTIALS" {
			t.Fatalf("failure %d answered %s", i+1, got.UserErrors[0].Code)
		}
	}
	if got := login(t, api, "victim@x.example", "guess", nil); got.UserErrors[0].Code != "TOO_MANY_ATTEMPTS" {
		t.Fatalf("sixth attempt (after 5 checked) answered %s, want TOO_MANY_ATTEMPTS", got.UserErrors[0].Code)
	}
	if got := login(t, api, "victim@x.example", "correct horse battery", nil); got.Token != nil || got.UserErrors[0].Code != "TOO_MANY_ATTEMPTS" {
		t.Fatalf("the right password while blocked = %+v, want still blocked", got)
	}
	// The block lifts when its time is over.
	api.MustExec(`UPDATE throttles SET blocked_until = now() - interval '1 second', window_started_at = now() - interval '1 hour'`)
	if got := login(t, api, "victim@x.example", "correct horse battery", nil); got.Token == nil {
		t.Fatalf("after the block = %+v, want signed in", got)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	first := register(t, api, "two@x.example", "correct horse battery")
	second := login(t, api, "two@x.example", "correct horse battery", nil)
	other := register(t, api, "other@x.example", "correct horse battery")

	meOf := func(token string) string {
		var me struct{ Me *struct{ Email string } }
		api.Query(apitest.Request{Query: `{ me { email } }`, Token: token}, &me)
		if me.Me == nil {
			return ""
		}
		return me.Me.Email
	}
	if meOf(*other.Token) != "other@x.example" || meOf(*first.Token) != "two@x.example" {
		t.Fatal("each token must read its own account")
	}
	var out struct{ Logout struct{ SessionsEnded int } }
	api.Query(apitest.Request{Query: `mutation { logout { sessionsEnded } }`, Token: *first.Token}, &out)
	if meOf(*first.Token) != "" || meOf(*second.Token) != "two@x.example" {
		t.Error("logout must end this session only")
	}
	var all struct{ LogoutEverywhere struct{ SessionsEnded int } }
	api.Query(apitest.Request{Query: `mutation { logoutEverywhere { sessionsEnded } }`, Token: *second.Token}, &all)
	if meOf(*second.Token) != "" || all.LogoutEverywhere.SessionsEnded != 1 || meOf(*other.Token) != "other@x.example" {
		t.Errorf("logoutEverywhere ended %d; want the user's sessions ended and no one else's", all.LogoutEverywhere.SessionsEnded)
	}
	res := api.Do(apitest.Request{Query: `mutation { logout { sessionsEnded } }`})
	if len(res.Errors) != 1 || res.Errors[0].Code() != "UNAUTHENTICATED" {
		t.Errorf("anonymous logout answered %+v, want UNAUTHENTICATED", res.Errors)
	}
}
