package graph_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/relay"
)

func TestCheckoutSignedIn(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	res := s.mustCheckout(t, s.token, lines(line("SIM-EUROPE", 2), line("TOPUP-10", 1, s.sim), line("ACC-HOLDER-CASE", 1)))
	o := res.Order
	if !strings.HasPrefix(o.Number, "TEZ-") || o.Status != "PENDING_PAYMENT" || o.Email != "buyer@x.example" {
		t.Errorf("order %s %s %s: want a TEZ- number, PENDING_PAYMENT, the account's email", o.Number, o.Status, o.Email)
	}
	// 2 × 15.00 + 10.00 + 5.00 = 45.00, below free shipping: 5.00 shipping.
	if o.Subtotal != (moneyView{"45.00", "USD"}) || o.ShippingFee.Amount != "5.00" || o.Total != (moneyView{"50.00", "USD"}) {
		t.Errorf("totals %v + %v = %v, want 45.00 + 5.00 = 50.00 USD", o.Subtotal, o.ShippingFee, o.Total)
	}
	if o.ShippingAddress == nil || o.ShippingAddress.City != "Almaty" {
		t.Errorf("shipping address %+v, want the default address in Almaty", o.ShippingAddress)
	}
	if len(o.Items) != 3 || o.Items[1].Iccid == nil || *o.Items[1].Iccid != s.sim || o.Items[0].UnitPrice.Amount != "15.00" {
		t.Errorf("items %+v", o.Items)
	}
	if !reflect.DeepEqual(o.AvailableActions, []string{"PAY", "CANCEL"}) || res.AccessToken != nil {
		t.Errorf("actions %v, token %v: want [PAY CANCEL] and no guest token", o.AvailableActions, res.AccessToken)
	}
	if got := s.order(t, s.token, o.Number); got == nil || got.ID != o.ID {
		t.Errorf("the order is not among My orders: %+v", got)
	}
	if n := s.count(t, `SELECT count(*) FROM email_outbox WHERE to_address = 'buyer@x.example' AND subject LIKE '%'||$1
		AND text_body LIKE '%/orders/'||$1||'%' AND text_body NOT LIKE '%token=%'`, o.Number); n != 1 {
		t.Errorf("%d confirmation emails with the order's link (and no guest token), want 1", n)
	}
}

func TestCheckoutVoucherOnlyShipsNothing(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	o := s.mustCheckout(t, s.token, lines(line("TOPUP-25", 2, s.sim))).Order
	if o.ShippingAddress != nil || o.ShippingFee.Amount != "0.00" || o.Total.Amount != "50.00" {
		t.Errorf("voucher order: address %+v, shipping %v, total %v; want none, 0.00, 50.00", o.ShippingAddress, o.ShippingFee, o.Total)
	}
}

func TestCheckoutTypedAddressAndFreeShipping(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	in := lines(line("SIM-GLOBAL", 2))
	in["shippingAddress"] = map[string]any{"recipientName": "Jon", "line1": "Torstraße 1", "city": "Berlin",
		"postalCode": "10119", "countryCode": "de"}
	in["note"] = "  Leave at the door  "
	o := s.mustCheckout(t, s.token, in).Order
	if o.ShippingAddress == nil || o.ShippingAddress.City != "Berlin" || o.ShippingAddress.CountryCode != "DE" {
		t.Errorf("shipping address %+v, want the typed one, normalised", o.ShippingAddress)
	}
	if o.ShippingFee.Amount != "0.00" || o.Total.Amount != "58.00" {
		t.Errorf("58.00 of SIMs: shipping %v total %v, want free shipping", o.ShippingFee, o.Total)
	}
	var touched int
	if err := s.api.DB.Get(&touched, `SELECT count(*) FROM addresses WHERE user_id = $1 AND last_used_at IS NOT NULL`, s.userID); err != nil || touched != 0 {
		t.Errorf("a typed address touched the address book: %d, %v", touched, err)
	}
}

func TestCheckoutGuest(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	in := lines(line("SIM-ASIA", 1))
	in["email"] = "traveller@guest.example"
	in["shippingAddress"] = map[string]any{"recipientName": "Guest", "line1": "Main 1", "city": "Tashkent",
		"postalCode": "100000", "countryCode": "UZ"}
	res := s.mustCheckout(t, "", in)
	if res.AccessToken == nil || !strings.HasPrefix(*res.AccessToken, "tezo_") {
		t.Fatalf("guest checkout gave no access token: %v", res.AccessToken)
	}
	if res.Order.Email != "traveller@guest.example" {
		t.Errorf("email %s", res.Order.Email)
	}
	guestOrder := func(number, token string) *orderView {
		var out struct{ GuestOrder *orderView }
		s.api.Query(apitest.Request{Query: `query($n: String!, $t: String!) { guestOrder(number: $n, accessToken: $t) { ` + orderFields + ` } }`,
			Variables: map[string]any{"n": number, "t": token}}, &out)
		return out.GuestOrder
	}
	if got := guestOrder(res.Order.Number, *res.AccessToken); got == nil || got.ID != res.Order.ID || len(got.Items) != 1 {
		t.Errorf("guestOrder with the token: %+v", got)
	}
	if got := guestOrder(res.Order.Number, "tezo_wrong"); got != nil {
		t.Errorf("guestOrder with a wrong token answered %s", got.Number)
	}
	if got := s.order(t, s.token, res.Order.Number); got != nil {
		t.Errorf("another customer sees the guest's order %s", got.Number)
	}
	var mail struct {
		Subject string `db:"subject"`
		Text    string `db:"text_body"`
	}
	if err := s.api.DB.Get(&mail, `SELECT subject, text_body FROM email_outbox WHERE to_address = 'traveller@guest.example'`); err != nil {
		t.Fatalf("no confirmation email for the guest: %v", err)
	}
	link := s.api.Cfg.ShopURL + "/orders/" + res.Order.Number + "#token=" + *res.AccessToken
	if !strings.Contains(mail.Subject, res.Order.Number) || !strings.Contains(mail.Text, link) || !strings.Contains(mail.Text, "Total: 24.00 USD") {
		t.Errorf("guest confirmation %q:\n%s\nwant the number, the total and the link %s", mail.Subject, mail.Text, link)
	}
	var owner *int64
	if err := s.api.DB.Get(&owner, `SELECT user_id FROM orders WHERE number = $1`, res.Order.Number); err != nil || owner != nil {
		t.Errorf("guest order owner %v, %v: want none until the email is verified", owner, err)
	}
}

func TestCheckoutUserErrors(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.api.MustExec(`INSERT INTO products (sku, kind, name, price, currency, region) VALUES ('SIM-EU-EUR', 'SIM_CARD', 'Euro SIM', 1400, 'EUR', 'Europe')`)
	blocked := iccid.WithCheckDigit("899970399000000001")
	s.api.MustExec(`INSERT INTO sim_cards (iccid, status) VALUES ($1, 'BLOCKED')`, blocked)
	missing := iccid.WithCheckDigit("899970399000000002")
	otherID, _ := s.api.Customer("other@x.example")
	var foreignAddress int64
	if err := s.api.DB.Get(&foreignAddress, `INSERT INTO addresses (user_id, recipient_name, line1, city, postal_code, country_code)
		VALUES ($1, 'Other', 'Elsewhere 1', 'Oslo', '0150', 'NO') RETURNING id`, otherID); err != nil {
		t.Fatal(err)
	}
	foreignAddressID := relay.GlobalID(relay.TypeAddress, fmt.Sprint(foreignAddress))
	typed := map[string]any{"recipientName": "X", "line1": "Y 1", "city": "Almaty", "postalCode": "050000", "countryCode": "KZ"}
	with := func(in map[string]any, k string, v any) map[string]any { in[k] = v; return in }
	tests := []struct {
		name  string
		guest bool
		input map[string]any
		field string
		code  string
	}{
		{"no lines", false, lines(), "input.lines", "REQUIRED"},
		{"unknown product", false, lines(line("SIM-MARS", 1)), "input.lines.0.sku", "NOT_FOUND"},
		{"retired product", false, lines(line("SIM-BALKANS-2025", 1)), "input.lines.0.sku", "NOT_FOUND"},
		{"quantity zero", false, lines(line("SIM-EUROPE", 0)), "input.lines.0.quantity", "INVALID"},
		{"quantity 101", false, lines(line("SIM-EUROPE", 101)), "input.lines.0.quantity", "INVALID"},
		{"mixed currencies", false, lines(line("SIM-EUROPE", 1), line("SIM-EU-EUR", 1)), "input.lines.1.sku", "INVALID"},
		{"voucher without a SIM", false, lines(line("TOPUP-10", 1)), "input.lines.0.iccid", "REQUIRED"},
		{"voucher for a missing SIM", false, lines(line("TOPUP-10", 1, missing)), "input.lines.0.iccid", "NOT_FOUND"},
		{"voucher for a blocked SIM", false, lines(line("TOPUP-10", 1, blocked)), "input.lines.0.iccid", "NOT_FOUND"},
		{"ICCID on a SIM card line", false, lines(line("SIM-EUROPE", 1, s.sim)), "input.lines.0.iccid", "INVALID"},
		{"someone else's address", false, with(lines(line("SIM-EUROPE", 1)), "shippingAddressId", foreignAddressID), "input.shippingAddressId", "NOT_FOUND"},
		{"address ID and typed address", false, with(with(lines(line("SIM-EUROPE", 1)), "shippingAddressId", foreignAddressID), "shippingAddress", typed),
			"input.shippingAddressId", "INVALID"},
		{"typed address without a city", false, with(lines(line("SIM-EUROPE", 1)), "shippingAddress",
			map[string]any{"recipientName": "X", "line1": "Y", "city": " ", "postalCode": "050000", "countryCode": "KZ"}), "input.shippingAddress.city", "REQUIRED"},
		{"note too long", false, with(lines(line("TOPUP-10", 1, s.sim)), "note", strings.Repeat("n", 1001)), "input.note", "TOO_LONG"},
		{"another email when signed in", false, with(lines(line("TOPUP-10", 1, s.sim)), "email", "else@x.example"), "input.email", "INVALID"},
		{"guest without email", true, with(lines(line("SIM-EUROPE", 1)), "shippingAddress", typed), "input.email", "REQUIRED"},
		{"guest with a bad email", true, with(with(lines(line("SIM-EUROPE", 1)), "shippingAddress", typed), "email", "nope"), "input.email", "INVALID"},
		{"guest shipping nowhere", true, with(lines(line("SIM-EUROPE", 1)), "email", "g@x.example"), "input.shippingAddress", "REQUIRED"},
		{"guest naming an address ID", true, with(with(lines(line("SIM-EUROPE", 1)), "email", "g@x.example"), "shippingAddressId", foreignAddressID),
			"input.shippingAddressId", "NOT_FOUND"},
	}
	for _, tt := range tests {
		token := s.token
		if tt.guest {
			token = ""
		}
		res := s.checkout(t, token, tt.input)
		if res.Order != nil {
			t.Errorf("%s: an order was placed", tt.name)
		}
		found := false
		for _, e := range res.UserErrors {
			if strings.Join(e.Field, ".") == tt.field && e.Code == tt.code && e.Message != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: userErrors %+v, want %s on %s", tt.name, res.UserErrors, tt.code, tt.field)
		}
	}
	if n := s.count(t, `SELECT count(*) FROM orders`); n != 6 {
		t.Errorf("%d orders in the shop, want the demo's 6: a refused checkout wrote something", n)
	}
	// Twenty-one lines is more than an order takes.
	many := make([]map[string]any, 21)
	for i := range many {
		many[i] = line("TOPUP-10", 1, s.sim)
	}
	if res := s.checkout(t, s.token, lines(many...)); len(res.UserErrors) != 1 || res.UserErrors[0].Code != "TOO_LONG" {
		t.Errorf("21 lines: %+v", res.UserErrors)
	}
}

func TestCheckoutByResellerIsForbidden(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	_, key := s.api.Reseller("Shop partner", 10, 10, 0)
	res := s.api.Do(apitest.Request{Query: `mutation { checkout(input: {lines: [{sku: "SIM-EUROPE", quantity: 1}]}) { userErrors { code } } }`,
		Header: map[string]string{"X-API-Key": key}})
	if len(res.Errors) != 1 || res.Errors[0].Code() != "FORBIDDEN" {
		t.Errorf("reseller checkout: %+v, want FORBIDDEN", res.Errors)
	}
}
