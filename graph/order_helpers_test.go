package graph_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
)

// shop is a server with the demo catalogue and stock, and a customer with
// an active SIM and a default address in Almaty.
type shop struct {
	api    *apitest.API
	userID int64
	token  string
	sim    string // the customer's active SIM, balance 0
}

func newShop(t *testing.T, opts ...apitest.Option) shop {
	t.Helper()
	api := apitest.New(t, opts...)
	if err := seed.Demo(context.Background(), store.New(api.DB)); err != nil {
		t.Fatalf("seed demo: %v", err)
	}
	s := shop{api: api}
	s.userID, s.token = api.Customer("buyer@x.example")
	s.sim = s.ownSIM(s.userID)
	api.MustExec(`INSERT INTO addresses (user_id, recipient_name, line1, city, postal_code, country_code, is_default)
		VALUES ($1, 'Aigerim', 'Abay 10', 'Almaty', '050000', 'KZ', true)`, s.userID)
	return s
}

// ownSIM gives the user an active SIM with no balance.
func (s shop) ownSIM(userID int64) string {
	id := iccid.WithCheckDigit(fmt.Sprintf("899970300%010d", userID))
	s.api.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since) VALUES ($1, 'ACTIVE', $2, now())`, id, userID)
	return id
}

type moneyView struct{ Amount, CurrencyCode string }

type orderView struct {
	ID, Number, Status, Email string
	Subtotal, ShippingFee     moneyView
	Total                     moneyView
	PaidAt                    *string
	ShippingAddress           *struct{ City, CountryCode string }
	AvailableActions          []string
	Items                     []struct {
		Quantity, FulfilledQuantity int
		Iccid                       *string
		UnitPrice                   moneyView
		Product                     struct{ Sku string }
	}
	Shipments []shipmentView
}

type shipmentView struct {
	Status, Carrier, TrackingNumber, TrackingUrl string
	ShippedAt, DeliveredAt                       *string
	Items                                        []struct {
		Quantity int
		Iccid    *string
		Product  struct{ Sku string }
	}
}

const orderFields = `id number status email paidAt subtotal { amount currencyCode } shippingFee { amount currencyCode }
	total { amount currencyCode } shippingAddress { city countryCode } availableActions
	items { quantity fulfilledQuantity iccid unitPrice { amount currencyCode } product { sku } }
	shipments { status carrier trackingNumber trackingUrl shippedAt deliveredAt items { quantity iccid product { sku } } }`

type userError struct {
	Field   []string
	Code    string
	Message string
}

type checkoutResult struct {
	Order       *orderView
	AccessToken *string
	UserErrors  []userError
}

// checkout places an order as the bearer of token ("" for a guest).
func (s shop) checkout(t *testing.T, token string, input map[string]any) checkoutResult {
	t.Helper()
	var out struct{ Checkout checkoutResult }
	s.api.Query(apitest.Request{Query: `mutation($input: CheckoutInput!) { checkout(input: $input) {
		order { ` + orderFields + ` } accessToken userErrors { field code message } } }`,
		Variables: map[string]any{"input": input}, Token: token}, &out)
	return out.Checkout
}

// mustCheckout places an order that must succeed.
func (s shop) mustCheckout(t *testing.T, token string, input map[string]any) checkoutResult {
	t.Helper()
	res := s.checkout(t, token, input)
	if len(res.UserErrors) > 0 || res.Order == nil {
		t.Fatalf("checkout: %+v", res.UserErrors)
	}
	return res
}

func line(sku string, qty int, iccid ...string) map[string]any {
	l := map[string]any{"sku": sku, "quantity": qty}
	if len(iccid) > 0 {
		l["iccid"] = iccid[0]
	}
	return l
}

func lines(ls ...map[string]any) map[string]any {
	if ls == nil {
		ls = []map[string]any{}
	}
	return map[string]any{"lines": ls}
}

type paymentView struct {
	Status, Provider, RedirectURL string
	Amount                        moneyView
}

type payResult struct {
	Payment    *paymentView
	Order      *orderView
	UserErrors []userError
}

// pay runs orderPay as the bearer of token, or as a guest with accessToken.
func (s shop) pay(t *testing.T, token, orderID, accessToken string) payResult {
	t.Helper()
	input := map[string]any{"orderId": orderID}
	if accessToken != "" {
		input["accessToken"] = accessToken
	}
	var out struct{ OrderPay payResult }
	s.api.Query(apitest.Request{Query: `mutation($input: OrderPayInput!) { orderPay(input: $input) {
		payment { status provider redirectUrl amount { amount currencyCode } } order { ` + orderFields + ` }
		userErrors { field code message } } }`, Variables: map[string]any{"input": input}, Token: token}, &out)
	return out.OrderPay
}

func (s shop) mustPay(t *testing.T, token, orderID, accessToken string) paymentView {
	t.Helper()
	res := s.pay(t, token, orderID, accessToken)
	if len(res.UserErrors) > 0 || res.Payment == nil {
		t.Fatalf("orderPay: %+v", res.UserErrors)
	}
	return *res.Payment
}

// sandboxPage opens the payment page and, with a decision, clicks its button.
func (s shop) sandboxPage(t *testing.T, redirectURL, decision string) (int, string) {
	t.Helper()
	u, err := url.Parse(redirectURL)
	if err != nil {
		t.Fatal(err)
	}
	if decision == "" {
		status, _, body := s.api.Get(u.Path, nil)
		return status, body
	}
	status, _, body := s.api.Raw(http.MethodPost, u.Path,
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "decision="+decision)
	return status, body
}

// order reads one of the customer's orders by number.
func (s shop) order(t *testing.T, token, number string) *orderView {
	t.Helper()
	var out struct{ Me struct{ Order *orderView } }
	s.api.Query(apitest.Request{Query: `query($n: String!) { me { order(number: $n) { ` + orderFields + ` } } }`,
		Variables: map[string]any{"n": number}, Token: token}, &out)
	return out.Me.Order
}

// ledgerOf is a SIM's balance and the sum and count of its TOPUP entries.
func (s shop) ledgerOf(t *testing.T, sim string) (balance, sum int64, topups int) {
	t.Helper()
	err := s.api.DB.QueryRow(`SELECT s.balance, coalesce(sum(e.amount), 0), count(e.id) FILTER (WHERE e.kind = 'TOPUP')
		FROM sim_cards s LEFT JOIN balance_entries e ON e.iccid = s.iccid WHERE s.iccid = $1 GROUP BY s.balance`, sim).
		Scan(&balance, &sum, &topups)
	if err != nil {
		t.Fatal(err)
	}
	return balance, sum, topups
}

func (s shop) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.api.DB.Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}
