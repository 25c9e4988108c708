package graph_test

import (
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
)

type settingsPayload struct {
	User *struct {
		Email    string
		FullName *string
		Phone    *string
	}
	UserErrors []struct {
		Field         []string
		Message, Code string
	}
}

const passwordChange = `mutation($current: String!, $new: String!) {
  passwordChange(input: { currentPassword: $current, newPassword: $new }) {
    user { email } userErrors { field message code } } }`

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	first := register(t, api, "changer@x.example", "correct horse battery")
	second := login(t, api, "changer@x.example", "correct horse battery", nil)
	other := register(t, api, "bystander@x.example", "correct horse battery")

	change := func(token, current, next string) settingsPayload {
		var out struct{ PasswordChange settingsPayload }
		api.Query(apitest.Request{Query: passwordChange, Token: token,
			Variables: map[string]any{"current": current, "new": next}}, &out)
		return out.PasswordChange
	}
	signedIn := func(token string) bool {
		var me struct{ Me *struct{ Email string } }
		api.Query(apitest.Request{Query: `{ me { email } }`, Token: token}, &me)
		return me.Me != nil
	}

	t.Run("every input problem is a user error and changes nothing", func(t *testing.T) {
		cases := map[string]struct{ current, next, field, code string }{
			"wrong current password": {"not the password", "a brand new secret", "currentPassword", "INVALID_CREDENTIALS"},
			"short new password":     {"correct horse battery", "short", "newPassword", "TOO_SHORT"},
			"common new password":    {"correct horse battery", "qwerty123", "newPassword", "WEAK_PASSWORD"},
		}
		for name, c := range cases {
			got := change(*first.Token, c.current, c.next)
			if got.User != nil || len(got.UserErrors) != 1 || got.UserErrors[0].Code != c.code || got.UserErrors[0].Field[1] != c.field {
				t.Errorf("%s: %+v, want one %s on input.%s", name, got, c.code, c.field)
			}
		}
		if !signedIn(*first.Token) || !signedIn(*second.Token) {
			t.Error("a refused change must end no session")
		}
		if l := login(t, api, "changer@x.example", "correct horse battery", nil); l.Token == nil {
			t.Errorf("the old password after refused changes: %+v", l.UserErrors)
		}
	})

	t.Run("anonymous is unauthenticated", func(t *testing.T) {
		res := api.Do(apitest.Request{Query: passwordChange, Variables: map[string]any{"current": "x", "new": "y"}})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("errors = %+v, want UNAUTHENTICATED", res.Errors)
		}
	})

	t.Run("success ends the other sessions, not this one", func(t *testing.T) {
		got := change(*first.Token, "correct horse battery", "a brand new secret")
		if got.User == nil || got.User.Email != "changer@x.example" || len(got.UserErrors) != 0 {
			t.Fatalf("change = %+v", got)
		}
		if !signedIn(*first.Token) {
			t.Error("the session that changed the password was signed out")
		}
		if signedIn(*second.Token) {
			t.Error("another session of the account survived the change")
		}
		if !signedIn(*other.Token) {
			t.Error("another customer's session was ended")
		}
		if l := login(t, api, "changer@x.example", "correct horse battery", nil); l.Token != nil {
			t.Error("the old password still signs in")
		}
		if l := login(t, api, "changer@x.example", "a brand new secret", nil); l.Token == nil {
			t.Errorf("the new password does not sign in: %+v", l.UserErrors)
		}
	})

	t.Run("guessing the current password is throttled", func(t *testing.T) {
		var last settingsPayload
		for range 6 {
			last = change(*other.Token, "guess", "a brand new secret")
		}
		if len(last.UserErrors) != 1 || last.UserErrors[0].Code != "TOO_MANY_ATTEMPTS" {
			t.Fatalf("sixth wrong password (after 5 checked): %+v, want TOO_MANY_ATTEMPTS", last.UserErrors)
		}
		if got := change(*other.Token, "correct horse battery", "a brand new secret"); got.User != nil {
			t.Error("the right password while blocked changed it")
		}
	})
}

const profileUpdate = `mutation($in: ProfileUpdateInput!) {
  profileUpdate(input: $in) { user { email fullName phone } userErrors { field message code } } }`

func TestProfileUpdate(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	reg := register(t, api, "profile@x.example", "correct horse battery")
	other := register(t, api, "someone@x.example", "correct horse battery")
	update := func(token string, in map[string]any) settingsPayload {
		var out struct{ ProfileUpdate settingsPayload }
		api.Query(apitest.Request{Query: profileUpdate, Token: token, Variables: map[string]any{"in": in}}, &out)
		return out.ProfileUpdate
	}

	got := update(*reg.Token, map[string]any{"fullName": "  Aigerim Nurlanovna ", "phone": "+7 (701) 123-45-67"})
	if got.User == nil || *got.User.FullName != "Aigerim Nurlanovna" || got.User.Phone == nil || *got.User.Phone != "+77011234567" {
		t.Fatalf("update = %+v, want the trimmed name and the phone in E.164", got)
	}

	t.Run("a field left out stays", func(t *testing.T) {
		got := update(*reg.Token, map[string]any{"fullName": "Aigerim N."})
		if got.User == nil || *got.User.FullName != "Aigerim N." || got.User.Phone == nil || *got.User.Phone != "+77011234567" {
			t.Errorf("update = %+v, want the phone kept", got.User)
		}
	})

	t.Run("every input problem is a user error and changes nothing", func(t *testing.T) {
		cases := map[string]struct {
			in          map[string]any
			field, code string
		}{
			"no country code": {map[string]any{"phone": "8 701 123 45 67"}, "phone", "INVALID"},
			"not a number":    {map[string]any{"phone": "call me"}, "phone", "INVALID"},
			"too short":       {map[string]any{"phone": "+7 701"}, "phone", "INVALID"},
			"name too long":   {map[string]any{"fullName": strings.Repeat("я", 201)}, "fullName", "TOO_LONG"},
		}
		for name, c := range cases {
			got := update(*reg.Token, c.in)
			if got.User != nil || len(got.UserErrors) != 1 || got.UserErrors[0].Code != c.code || got.UserErrors[0].Field[1] != c.field || got.UserErrors[0].Message == "" {
				t.Errorf("%s: %+v, want one %s on input.%s", name, got, c.code, c.field)
			}
		}
		var phone string
		api.DB.Get(&phone, `SELECT phone FROM users WHERE email = 'profile@x.example'`)
		if phone != "+77011234567" {
			t.Errorf("phone after refused updates = %q", phone)
		}
	})

	t.Run("an explicit null clears, as in addressUpdate", func(t *testing.T) {
		got := update(*reg.Token, map[string]any{"fullName": nil})
		if got.User == nil || got.User.FullName != nil || got.User.Phone == nil || *got.User.Phone != "+77011234567" {
			t.Errorf("update = %+v, want the name cleared and the phone kept", got.User)
		}
		update(*reg.Token, map[string]any{"fullName": "Aigerim N."})
	})

	t.Run("an empty string clears", func(t *testing.T) {
		got := update(*reg.Token, map[string]any{"fullName": "", "phone": ""})
		if got.User == nil || got.User.FullName != nil || got.User.Phone != nil {
			t.Errorf("update = %+v, want name and phone cleared", got.User)
		}
	})

	t.Run("changes only the caller's account", func(t *testing.T) {
		var name string
		api.DB.Get(&name, `SELECT full_name FROM users WHERE email = 'someone@x.example'`)
		if name != "Aigerim" || other.User == nil {
			t.Errorf("the other account's name = %q", name)
		}
	})

	t.Run("anonymous is unauthenticated", func(t *testing.T) {
		res := api.Do(apitest.Request{Query: profileUpdate, Variables: map[string]any{"in": map[string]any{"fullName": "x"}}})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("errors = %+v, want UNAUTHENTICATED", res.Errors)
		}
	})
}

func TestExpiredSessionIsAnonymous(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	reg := register(t, api, "expiring@x.example", "correct horse battery")
	api.MustExec(`UPDATE auth_sessions SET expires_at = now() - interval '1 second'`)
	var me struct{ Me *struct{ Email string } }
	api.Query(apitest.Request{Query: `{ me { email } }`, Token: *reg.Token}, &me)
	if me.Me != nil {
		t.Errorf("an expired session reads %+v", me.Me)
	}
	res := api.Do(apitest.Request{Query: profileUpdate, Token: *reg.Token, Variables: map[string]any{"in": map[string]any{"fullName": "x"}}})
	if len(res.Errors) != 1 || res.Errors[0].Code() != "UNAUTHENTICATED" {
		t.Errorf("a mutation with an expired session: %+v, want UNAUTHENTICATED", res.Errors)
	}
}
