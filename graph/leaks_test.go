package graph_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/iccid"
)

func guestOrderByToken(t *testing.T, api *apitest.API, number, token string) *orderView {
	t.Helper()
	var out struct{ GuestOrder *orderView }
	api.Query(apitest.Request{Query: `query($n: String!, $t: String!) { guestOrder(number: $n, accessToken: $t) { ` + orderFields + ` } }`,
		Variables: map[string]any{"n": number, "t": token}}, &out)
	return out.GuestOrder
}

// A guest's access token dies 30 days after the order is done, and as soon
// as the order joins an account.
func TestGuestOrderTokensExpire(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	for _, c := range []struct {
		name, set string
		opens     bool
	}{
		{"fulfilled 29 days ago", `status = 'FULFILLED', fulfilled_at = now() - interval '29 days'`, true},
		{"fulfilled 31 days ago", `status = 'FULFILLED', fulfilled_at = now() - interval '31 days'`, false},
		{"cancelled 31 days ago", `status = 'CANCELLED', cancelled_at = now() - interval '31 days'`, false},
		{"refunded, fulfilled 31 days ago", `status = 'REFUNDED', fulfilled_at = now() - interval '31 days'`, false},
	} {
		placed := guestCheckout(t, s.api, "expiring@x.example", "")
		s.api.MustExec(`UPDATE orders SET `+c.set+` WHERE number = $1`, placed.Order.Number)
		if got := guestOrderByToken(t, s.api, placed.Order.Number, *placed.AccessToken); (got != nil) != c.opens {
			t.Errorf("%s: the token opens the order = %v, want %v", c.name, got != nil, c.opens)
		}
	}

	t.Run("once the order joins an account", func(t *testing.T) {
		api, inbox := s.api, s.api.DeliverMail()
		placed := guestCheckout(t, api, "joining@x.example", "")
		register(t, api, "joining@x.example", "correct horse battery")
		m := inbox.Await(t, "joining@x.example", 2)
		link := regexp.MustCompile(`/account/verify-email\?token=([A-Za-z0-9_-]+)`).FindStringSubmatch(m.Text)
		if link == nil {
			t.Fatalf("no verification link in %q", m.Subject)
		}
		verify(t, api, link[1])
		if got := guestOrderByToken(t, api, placed.Order.Number, *placed.AccessToken); got != nil {
			t.Errorf("the token still opens %s after it joined the account", got.Number)
		}
		res := s.pay(t, "", placed.Order.ID, *placed.AccessToken)
		if res.Payment != nil || len(res.UserErrors) != 1 || res.UserErrors[0].Code != "NOT_FOUND" {
			t.Errorf("paying with the token after the join = %+v, want NOT_FOUND", res.UserErrors)
		}
	})
}

// Voucher lines give one answer for every SIM a voucher cannot top up:
// missing, blocked, or in another currency.
func TestVoucherLinesAreNoOracle(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	eur, blocked, missing := iccid.WithCheckDigit("899970310000000001"), iccid.WithCheckDigit("899970310000000002"), iccid.WithCheckDigit("899970310000000003")
	s.api.MustExec(`INSERT INTO sim_cards (iccid, status, currency) VALUES ($1, 'ACTIVE', 'EUR'), ($2, 'BLOCKED', 'USD')`, eur, blocked)
	answer := func(iccid string) userError {
		in := lines(line("TOPUP-10", 1, iccid))
		in["email"] = "prober@x.example"
		got := s.checkout(t, "", in)
		if len(got.UserErrors) != 1 {
			t.Fatalf("voucher for %s: %+v, want one user error", iccid, got.UserErrors)
		}
		return got.UserErrors[0]
	}
	none := answer(missing)
	for name, id := range map[string]string{"a live SIM in EUR": eur, "a blocked SIM": blocked} {
		if got := answer(id); strings.Join(got.Field, ".") != strings.Join(none.Field, ".") || got.Code != none.Code || got.Message != none.Message {
			t.Errorf("%s answered %+v, a missing SIM %+v: want the same", name, got, none)
		}
	}
	if strings.Contains(none.Message, "EUR") {
		t.Errorf("the answer names a currency: %s", none.Message)
	}
}

func TestRegisterRefusesInvisibleCharacters(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	for field, in := range map[string]map[string]any{
		"email":    {"email": "ann\u200b@x.example", "password": "correct horse battery", "fullName": "Ann"},
		"fullName": {"email": "ann@x.example", "password": "correct horse battery", "fullName": "Ann\u202eelgoog"},
	} {
		var out struct{ Register authPayload }
		in["acceptTerms"] = true
		api.Query(apitest.Request{Query: `mutation($in: RegisterInput!) { register(input: $in) { token userErrors { field code message } } }`,
			Variables: map[string]any{"in": in}}, &out)
		if out.Register.Token != nil || len(out.Register.UserErrors) != 1 || out.Register.UserErrors[0].Field[1] != field || out.Register.UserErrors[0].Code != "INVALID" {
			t.Errorf("%s with an invisible character: %+v, want INVALID on it", field, out.Register.UserErrors)
		}
	}
}
