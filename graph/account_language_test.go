package graph_test

import (
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
)

const registerWithLanguage = `mutation($in: RegisterInput!) { register(input: $in) {
  token user { email language } userErrors { field message code } } }`

type languagePayload struct {
	Token *string
	User  *struct{ Email, Language string }
}

// The account's language is the one registration names, else the one the
// browser's Accept-Language prefers among ours, else English; the
// verification email is written in it.
func TestRegistrationLanguage(t *testing.T) {
	t.Parallel()
	api, inbox := mailAPI(t)
	for _, c := range []struct {
		email, language, acceptLanguage, want, subject string
	}{
		{"named@x.example", "RU", "en-GB,en", "RU", "Подтвердите адрес электронной почты в TEZ Telecom"},
		{"browser@x.example", "", "ru-RU,ru;q=0.9,en-US;q=0.8", "RU", "Подтвердите адрес электронной почты в TEZ Telecom"},
		{"english@x.example", "EN", "ru-RU", "EN", "Confirm your email for TEZ Telecom"},
		{"nobody@x.example", "", "", "EN", "Confirm your email for TEZ Telecom"},
		{"garbled@x.example", "", strings.Repeat("ru;q=x,", 5000), "EN", "Confirm your email for TEZ Telecom"},
	} {
		t.Run(c.email, func(t *testing.T) {
			in := map[string]any{"email": c.email, "password": "correct horse battery", "acceptTerms": true}
			if c.language != "" {
				in["language"] = c.language
			}
			var out struct{ Register languagePayload }
			api.Query(apitest.Request{Query: registerWithLanguage, Variables: map[string]any{"in": in},
				Header: map[string]string{"Accept-Language": c.acceptLanguage}}, &out)
			if out.Register.User == nil || out.Register.User.Language != c.want {
				t.Fatalf("register = %+v, want language %s", out.Register.User, c.want)
			}
			if m := inbox.Await(t, c.email, 1); m.Subject != c.subject {
				t.Errorf("verification subject = %q, want %q", m.Subject, c.subject)
			}
		})
	}
}

const setLanguage = `mutation($in: ProfileUpdateInput!) { profileUpdate(input: $in) {
  user { email language } userErrors { field message code } } }`

// profileUpdate sets only the caller's language; a value that is not a
// Language is refused by the schema, with a code, and changes nothing.
func TestLanguageUpdate(t *testing.T) {
	t.Parallel()
	api, inbox := mailAPI(t)
	mine := register(t, api, "mine@x.example", "correct horse battery")
	theirs := register(t, api, "theirs@x.example", "correct horse battery")
	update := func(token string, in map[string]any) apitest.Response {
		return api.Do(apitest.Request{Query: setLanguage, Token: token, Variables: map[string]any{"in": in}})
	}
	languageOf := func(email string) string {
		var l string
		api.DB.Get(&l, `SELECT language FROM users WHERE email = $1`, email)
		return l
	}

	res := update(*mine.Token, map[string]any{"language": "RU"})
	if len(res.Errors) != 0 || !strings.Contains(string(res.Data), `"language":"RU"`) {
		t.Fatalf("set RU: %s %+v", res.Data, res.Errors)
	}
	if languageOf("mine@x.example") != "ru" || languageOf("theirs@x.example") != "en" {
		t.Errorf("languages = %s, %s; want only the caller's changed", languageOf("mine@x.example"), languageOf("theirs@x.example"))
	}

	t.Run("mail from then on is in it", func(t *testing.T) {
		var out struct {
			PasswordChange struct{ UserErrors []struct{ Code string } }
		}
		api.Query(apitest.Request{Query: passwordChange, Token: *mine.Token,
			Variables: map[string]any{"current": "correct horse battery", "new": "a brand new secret"}}, &out)
		if len(out.PasswordChange.UserErrors) != 0 {
			t.Fatalf("passwordChange: %+v", out.PasswordChange.UserErrors)
		}
		if m := inbox.Await(t, "mine@x.example", 2); m.Subject != "Пароль в TEZ Telecom изменён" || !strings.Contains(m.Text, "Здравствуйте!") {
			t.Errorf("notice after choosing RU = %q:\n%s", m.Subject, m.Text)
		}
	})

	t.Run("what is not a Language is refused and changes nothing", func(t *testing.T) {
		for _, bad := range []any{"DE", "", strings.Repeat("RU", 50000), 7, []string{"RU"}} {
			res := update(*mine.Token, map[string]any{"language": bad})
			if len(res.Errors) != 1 || res.Errors[0].Code() != "GRAPHQL_VALIDATION_FAILED" || (len(res.Data) != 0 && string(res.Data) != "null") {
				t.Errorf("language %.20v: %s %.200v, want one GRAPHQL_VALIDATION_FAILED error", bad, res.Data, res.Errors)
			}
		}
		res := api.Do(apitest.Request{Query: `mutation { profileUpdate(input: { language: FR }) { user { language } } }`, Token: *mine.Token})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("literal FR: %+v", res.Errors)
		}
		if languageOf("mine@x.example") != "ru" {
			t.Errorf("language after refused updates = %s", languageOf("mine@x.example"))
		}
	})

	t.Run("a variable's value in another case is refused and changes nothing", func(t *testing.T) {
		// gqlparser's validation takes a variable's enum value in any case;
		// enum names are exact, so the input check refuses it, saying which.
		for _, v := range []string{"en", "Ru"} {
			res := update(*mine.Token, map[string]any{"language": v})
			if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, "EN, RU") {
				t.Errorf("%s: %s %+v", v, res.Data, res.Errors)
			}
		}
		if languageOf("mine@x.example") != "ru" {
			t.Errorf("a refused language changed the account's to %s", languageOf("mine@x.example"))
		}
	})

	t.Run("another account's cannot be changed", func(t *testing.T) {
		// The input names no account: the session's is the only one it can change.
		res := api.Do(apitest.Request{Query: `mutation($id: ID!) { profileUpdate(input: { id: $id, language: RU }) { user { language } } }`,
			Token: *mine.Token, Variables: map[string]any{"id": theirs.User.ID}})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("an id in the input: %+v", res.Errors)
		}
		res = update("", map[string]any{"language": "RU"})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("anonymous: %+v, want UNAUTHENTICATED", res.Errors)
		}
		if languageOf("theirs@x.example") != "en" {
			t.Errorf("the other account's language = %s", languageOf("theirs@x.example"))
		}
	})

	t.Run("null sets English", func(t *testing.T) {
		res := update(*mine.Token, map[string]any{"language": nil})
		if len(res.Errors) != 0 || !strings.Contains(string(res.Data), `"language":"EN"`) {
			t.Errorf("null: %s %+v", res.Data, res.Errors)
		}
	})
}
