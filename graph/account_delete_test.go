package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/ledger/ledgertest"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

const accountDelete = `mutation($pw: String!) { accountDelete(input: { password: $pw }) { userErrors { field code message } } }`

type deletePayload struct {
	AccountDelete struct {
		UserErrors []struct {
			Field         []string
			Code, Message string
		}
	}
}

// deletableAccount registers a customer and gives them what an account
// gathers: a labelled SIM with a ledger and history, an address, an order
// with a payment whose provider event names them.
func deletableAccount(t *testing.T, api *apitest.API, email, password string) (token, sim string) {
	t.Helper()
	reg := register(t, api, email, password)
	if reg.Token == nil {
		t.Fatalf("register %s: %+v", email, reg.UserErrors)
	}
	var userID int64
	if err := api.DB.Get(&userID, `SELECT id FROM users WHERE email = $1`, email); err != nil {
		t.Fatal(err)
	}
	sim = iccid.WithCheckDigit(fmt.Sprintf("89997024%010d", userID))
	api.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since, label, balance, activation_code_hash, sold_to_email)
		VALUES ($1, 'ACTIVE', $2, now() - interval '10 days', 'Anna''s phone', 500, $3, $4)`, sim, userID, secret.ActivationCodeHash("CODE-1234"), email)
	api.MustExec(`INSERT INTO balance_entries (iccid, amount, kind, reference, idempotency_key, balance_after) VALUES ($1, 500, 'TOPUP', 'start', $1||'-start', 500)`, sim)
	api.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency)
		VALUES ($1||'-1', $1, now() - interval '2 days', now() - interval '2 days', 10, 100, 'TR', 'Turkcell', 0, 'USD')`, sim)
	api.MustExec(`INSERT INTO addresses (user_id, recipient_name, line1, city, postal_code, country_code, is_default)
		VALUES ($1, 'Anna K', 'Tverskaya 7', 'Moscow', '125009', 'RU', true)`, userID)
	api.MustExec(`WITH o AS (INSERT INTO orders (user_id, email, status, subtotal, total, currency, shipping_address, note)
		VALUES ($1, $2, 'PAID', 1500, 1500, 'USD', '{"recipientName": "Anna K", "line1": "Tverskaya 7"}', 'leave at the door') RETURNING id),
		p AS (INSERT INTO payments (order_id, provider, provider_ref, amount, currency, status, idempotency_key)
		SELECT id, 'sandbox', 'ref-'||id, 1500, 'USD', 'SUCCEEDED', 'pay-'||id FROM o RETURNING id)
		INSERT INTO payment_events (provider, event_id, payment_id, payload)
		SELECT 'sandbox', 'ev-'||id, id, '{"id": "ev", "type": "payment.succeeded", "payer": {"name": "Anna K", "email": "anna@x.example"}}' FROM p`, userID, email)
	return *reg.Token, sim
}

func TestAccountDelete(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	const email, password = "anna.delete@x.example", "correct horse battery"
	token, sim := deletableAccount(t, api, email, password)
	del := func(tok, pw string) deletePayload {
		t.Helper()
		var out deletePayload
		api.Query(apitest.Request{Query: accountDelete, Token: tok, Variables: map[string]any{"pw": pw}}, &out)
		return out
	}
	me := func(tok string) *struct{ Email string } {
		var out struct{ Me *struct{ Email string } }
		api.Query(apitest.Request{Query: `{ me { email } }`, Token: tok}, &out)
		return out.Me
	}

	t.Run("anonymous is refused", func(t *testing.T) {
		res := api.Do(apitest.Request{Query: accountDelete, Variables: map[string]any{"pw": password}})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("anonymous accountDelete: %+v, want UNAUTHENTICATED", res.Errors)
		}
	})

	t.Run("wrong passwords are user errors, throttled, and delete nothing", func(t *testing.T) {
		var codes []string
		for range 6 {
			got := del(token, "not the password")
			for _, e := range got.AccountDelete.UserErrors {
				codes = append(codes, e.Code+"@"+strings.Join(e.Field, "."))
			}
		}
		want := "[" + strings.Repeat("INVALID_CREDENTIALS@input.password ", 5) + "TOO_MANY_ATTEMPTS@input]"
		if fmt.Sprint(codes) != want {
			t.Errorf("six wrong passwords answered %v, want %s", codes, want)
		}
		if me(token) == nil {
			t.Fatal("a refused deletion signed the customer out")
		}
		// Throttled: even the right password waits.
		if got := del(token, password); len(got.AccountDelete.UserErrors) != 1 || got.AccountDelete.UserErrors[0].Code != "TOO_MANY_ATTEMPTS" {
			t.Errorf("the right password while throttled: %+v, want TOO_MANY_ATTEMPTS", got)
		}
		api.MustExec(`DELETE FROM throttles`)
	})

	t.Run("the right password deletes the account", func(t *testing.T) {
		if got := del(token, password); len(got.AccountDelete.UserErrors) != 0 {
			t.Fatalf("accountDelete: %+v", got)
		}
		if me(token) != nil {
			t.Error("the deleted account's token still works")
		}
		var left struct {
			Users, Addresses, Sessions, Tokens, Mail, Owned int
		}
		if err := api.DB.Get(&left, `SELECT
			(SELECT count(*) FROM users WHERE email = $1) AS users,
			(SELECT count(*) FROM addresses) AS addresses,
			(SELECT count(*) FROM auth_sessions) AS sessions,
			(SELECT count(*) FROM email_tokens) AS tokens,
			(SELECT count(*) FROM email_outbox WHERE to_address = $1 AND subject NOT IN ('', 'Your TEZ Telecom account was deleted')) AS mail,
			(SELECT count(*) FROM sim_cards WHERE user_id IS NOT NULL OR label <> '' OR sold_to_email IS NOT NULL OR NOT code_required) AS owned`, email); err != nil {
			t.Fatal(err)
		}
		if left != (struct{ Users, Addresses, Sessions, Tokens, Mail, Owned int }{}) {
			t.Errorf("left after deletion: %+v, want nothing", left)
		}
		var order struct {
			Email, Note  string
			Address      *string `db:"shipping_address"`
			Erased, Paid bool
			Total        int64
			Payload      string
		}
		if err := api.DB.Get(&order, `SELECT o.email, o.note, o.shipping_address::text AS shipping_address, o.erased_at IS NOT NULL AS erased,
			p.status = 'SUCCEEDED' AS paid, o.total, e.payload::text AS payload
			FROM orders o JOIN payments p ON p.order_id = o.id JOIN payment_events e ON e.payment_id = p.id`); err != nil {
			t.Fatal(err)
		}
		if order.Email != "" || order.Note != "" || order.Address != nil || !order.Erased || !order.Paid || order.Total != 1500 || strings.Contains(order.Payload, "Anna") {
			t.Errorf("order after deletion = %+v; want kept (paid, 15.00) without email, note, address or the payer's name", order)
		}
		var farewell int
		api.DB.Get(&farewell, `SELECT count(*) FROM email_outbox WHERE to_address = $1 AND subject = 'Your TEZ Telecom account was deleted'`, email)
		if farewell != 1 {
			t.Errorf("%d farewell emails, want 1", farewell)
		}
		ledgertest.CheckClean(t, store.New(api.DB))
	})

	t.Run("the email registers afresh and sees nothing old", func(t *testing.T) {
		reg := register(t, api, email, password)
		if reg.Token == nil {
			t.Fatalf("register again: %+v", reg.UserErrors)
		}
		var out struct {
			Me struct {
				FullName  *string
				SimCards  []struct{ ICCID string }
				Addresses []struct{ ID string }
				Orders    struct{ TotalCount int }
			}
		}
		api.Query(apitest.Request{Query: `{ me { fullName simCards { iccid } addresses { id } orders(first: 5) { totalCount } } }`, Token: *reg.Token}, &out)
		if len(out.Me.SimCards)+len(out.Me.Addresses)+out.Me.Orders.TotalCount != 0 {
			t.Errorf("the new account sees %+v", out.Me)
		}
	})

	t.Run("the released SIM needs its code, and its history starts anew", func(t *testing.T) {
		_, other := api.Customer("next-owner@x.example")
		add := func(code string) string {
			var out struct {
				SimCardAdd struct {
					SimCard    *struct{ UsageSessions struct{ TotalCount int } }
					UserErrors []struct{ Code string }
				}
			}
			vars := map[string]any{"iccid": sim}
			if code != "" {
				vars["code"] = code
			}
			api.Query(apitest.Request{Query: `mutation($iccid: ICCID!, $code: String) { simCardAdd(input: { iccid: $iccid, activationCode: $code }) {
				simCard { usageSessions { totalCount } } userErrors { code } } }`, Token: other, Variables: vars}, &out)
			if p := out.SimCardAdd; p.SimCard != nil {
				return fmt.Sprintf("added, %d sessions", p.SimCard.UsageSessions.TotalCount)
			} else if len(p.UserErrors) > 0 {
				return p.UserErrors[0].Code
			}
			return "?"
		}
		if got := add(""); got != "SIM_NOT_FOUND_OR_CODE_INVALID" {
			t.Errorf("adding the released SIM without its code: %s", got)
		}
		if got := add("CODE-1234"); got != "added, 0 sessions" {
			t.Errorf("adding it with the code: %s, want added, 0 sessions", got)
		}
	})
}
