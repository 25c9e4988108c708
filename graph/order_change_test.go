package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/stripemock"
)

type reorderResult struct {
	Order        *orderView
	AccessToken  *string
	DroppedItems []struct {
		Item   struct{ Product struct{ Sku string } }
		Reason string
	}
	UserErrors []userError
}

func (s shop) reorder(t *testing.T, token, orderID string) reorderResult {
	t.Helper()
	var out struct{ OrderReorder reorderResult }
	s.api.Query(apitest.Request{Query: `mutation($id: ID!) { orderReorder(input: {orderId: $id}) {
		order { ` + orderFields + ` } accessToken droppedItems { item { product { sku } } reason } userErrors { field code message } } }`,
		Variables: map[string]any{"id": orderID}, Token: token}, &out)
	return out.OrderReorder
}

type cancelResult struct {
	Order      *orderView
	UserErrors []userError
}

func (s shop) cancel(t *testing.T, token, orderID string) cancelResult {
	t.Helper()
	var out struct{ OrderCancel cancelResult }
	s.api.Query(apitest.Request{Query: `mutation($id: ID!) { orderCancel(input: {orderId: $id}) {
		order { ` + orderFields + ` } userErrors { field code message } } }`,
		Variables: map[string]any{"id": orderID}, Token: token}, &out)
	return out.OrderCancel
}

func TestReorderAtTodaysPricesWithoutRetiredProducts(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	old := s.mustCheckout(t, s.token, lines(line("SIM-EUROPE", 2), line("ACC-HOLDER-CASE", 1), line("TOPUP-10", 1, s.sim))).Order
	s.sandboxPage(t, s.mustPay(t, s.token, old.ID, "").RedirectURL, "approve")
	s.api.MustExec(`UPDATE products SET price = 1600 WHERE sku = 'SIM-EUROPE'`)
	s.api.MustExec(`UPDATE products SET active = false WHERE sku = 'ACC-HOLDER-CASE'`)
	s.api.MustExec(`UPDATE addresses SET city = 'Moved away' WHERE user_id = $1`, s.userID)

	res := s.reorder(t, s.token, old.ID)
	if len(res.UserErrors) > 0 || res.Order == nil {
		t.Fatalf("reorder: %+v", res.UserErrors)
	}
	o := res.Order
	if o.ID == old.ID || o.Status != "PENDING_PAYMENT" || len(o.Items) != 2 {
		t.Fatalf("new order %+v", o)
	}
	if o.Items[0].Product.Sku != "SIM-EUROPE" || o.Items[0].Quantity != 2 || o.Items[0].UnitPrice.Amount != "16.00" {
		t.Errorf("first line %+v, want 2 × SIM-EUROPE at today's 16.00", o.Items[0])
	}
	if o.Items[1].Iccid == nil || *o.Items[1].Iccid != s.sim {
		t.Errorf("the voucher line lost its SIM: %+v", o.Items[1])
	}
	if o.ShippingAddress == nil || o.ShippingAddress.City != "Almaty" {
		t.Errorf("ships to %+v, want where the old order went", o.ShippingAddress)
	}
	if len(res.DroppedItems) != 1 || res.DroppedItems[0].Item.Product.Sku != "ACC-HOLDER-CASE" ||
		!strings.Contains(res.DroppedItems[0].Reason, "not on sale") {
		t.Errorf("dropped %+v, want the retired case with its reason", res.DroppedItems)
	}
	if got := s.order(t, s.token, old.Number); got.Status != "PAID" || got.Items[0].UnitPrice.Amount != "15.00" {
		t.Errorf("the old order changed: %s at %s", got.Status, got.Items[0].UnitPrice.Amount)
	}
}

func TestReorderWithNothingLeftPlacesNothing(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	old := s.mustCheckout(t, s.token, lines(line("ACC-HOLDER-CASE", 1))).Order
	s.api.MustExec(`UPDATE products SET active = false WHERE sku = 'ACC-HOLDER-CASE'`)
	before := s.count(t, `SELECT count(*) FROM orders`)
	res := s.reorder(t, s.token, old.ID)
	if res.Order != nil || len(res.UserErrors) != 1 || len(res.DroppedItems) != 1 {
		t.Errorf("reorder of a retired product: %+v", res)
	}
	if after := s.count(t, `SELECT count(*) FROM orders`); after != before {
		t.Errorf("%d orders placed", after-before)
	}
}

func TestCancelRules(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	o := s.mustCheckout(t, s.token, lines(line("TOPUP-10", 1, s.sim))).Order
	pay := s.mustPay(t, s.token, o.ID, "")
	res := s.cancel(t, s.token, o.ID)
	if res.Order == nil || res.Order.Status != "CANCELLED" || !reflect.DeepEqual(res.Order.AvailableActions, []string{"REORDER"}) {
		t.Fatalf("cancel: %+v", res)
	}
	if status, page := s.sandboxPage(t, pay.RedirectURL, ""); status != http.StatusOK || !strings.Contains(page, "no longer open") {
		t.Errorf("the payment page of a cancelled order: %d %s", status, page)
	}
	if n := s.count(t, `SELECT count(*) FROM payments WHERE status = 'EXPIRED'`); n != 1 {
		t.Errorf("%d expired payments, want the open one closed", n)
	}
	if again := s.cancel(t, s.token, o.ID); again.Order != nil || len(again.UserErrors) != 1 || again.UserErrors[0].Code != "INVALID" {
		t.Errorf("cancelling twice: %+v", again)
	}
	if p := s.pay(t, s.token, o.ID, ""); p.Payment != nil || len(p.UserErrors) != 1 || !strings.Contains(p.UserErrors[0].Message, "cancelled") {
		t.Errorf("paying a cancelled order: %+v", p)
	}

	paid := s.mustCheckout(t, s.token, lines(line("TOPUP-10", 1, s.sim))).Order
	s.sandboxPage(t, s.mustPay(t, s.token, paid.ID, "").RedirectURL, "approve")
	// A paid order's cancel refunds it (order_refund_test.go); a refunded
	// one cannot be cancelled.
	if res := s.cancel(t, s.token, paid.ID); res.Order == nil || res.Order.Status != "REFUNDED" {
		t.Fatalf("cancelling a paid voucher order: %+v", res)
	}
	if res := s.cancel(t, s.token, paid.ID); res.Order != nil || len(res.UserErrors) != 1 || !strings.Contains(res.UserErrors[0].Message, "refunded") {
		t.Errorf("cancelling a refunded order: %+v", res)
	}
}

// Another customer's order, a guest's order and one that does not exist get
// the same answer from every order mutation, and nothing changes.
func TestOrderMutationsOnOthersOrdersAnswerLikeMissing(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	otherID, otherToken := s.api.Customer("other@x.example")
	theirs := s.mustCheckout(t, otherToken, lines(line("TOPUP-10", 1, s.ownSIM(otherID)))).Order
	guestIn := lines(line("TOPUP-10", 1, s.sim))
	guestIn["email"] = "guest@x.example"
	guests := s.mustCheckout(t, "", guestIn).Order
	missing := relay.GlobalID(relay.TypeOrder, "999999999")
	// A well-formed ID of another type names no order either. (A garbled
	// one is refused as BAD_USER_INPUT before anything runs: inputs_test.go.)
	otherType := relay.GlobalID(relay.TypeAddress, "1")

	answers := map[string]string{}
	for name, id := range map[string]string{"another customer's": theirs.ID, "a guest's": guests.ID, "missing": missing, "another type's": otherType} {
		p := s.pay(t, s.token, id, "")
		c := s.cancel(t, s.token, id)
		r := s.reorder(t, s.token, id)
		if p.Payment != nil || c.Order != nil || r.Order != nil {
			t.Errorf("%s order: a mutation acted on it", name)
		}
		b, _ := json.Marshal([]any{p.UserErrors, c.UserErrors, r.UserErrors})
		answers[name] = string(b)
	}
	for name, a := range answers {
		if a != answers["missing"] {
			t.Errorf("%s order answered %s, a missing one %s", name, a, answers["missing"])
		}
	}
	if !strings.Contains(answers["missing"], "NOT_FOUND") {
		t.Errorf("missing order: %s", answers["missing"])
	}
	if n := s.count(t, `SELECT count(*) FROM payments`); n != 0 {
		t.Errorf("%d payments opened on others' orders", n)
	}
	if got := s.order(t, otherToken, theirs.Number); got.Status != "PENDING_PAYMENT" {
		t.Errorf("their order is %s", got.Status)
	}
	res := s.api.Do(apitest.Request{Query: `mutation($id: ID!) { orderPay(input: {orderId: $id}) { userErrors { code } } }`,
		Variables: map[string]any{"id": theirs.ID}})
	if len(res.Errors) != 1 || res.Errors[0].Code() != "UNAUTHENTICATED" {
		t.Errorf("orderPay with neither sign-in nor access token: %+v", res.Errors)
	}
}

func TestPayWithStripe(t *testing.T) {
	t.Parallel()
	api := stripemock.Start(t)
	s := newShop(t, func(c *config.Config) {
		c.PaymentProvider, c.StripeSecretKey, c.StripeWebhookSecret, c.StripeAPIURL = "stripe", "sk_test_123", "whsec_test", api
	})
	o := s.mustCheckout(t, s.token, lines(line("TOPUP-10", 1, s.sim))).Order
	pay := s.mustPay(t, s.token, o.ID, "")
	if pay.Provider != "stripe" || !strings.HasPrefix(pay.RedirectURL, "https://checkout.stripe.com/") {
		t.Fatalf("payment %+v, want a Stripe Checkout page", pay)
	}
	var paymentID int64
	var ref string
	if err := s.api.DB.QueryRow(`SELECT id, provider_ref FROM payments`).Scan(&paymentID, &ref); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"id":"evt_stripe_1","object":"event","type":"checkout.session.completed","data":{"object":{
		"id":%q,"object":"checkout.session","client_reference_id":"%d","amount_total":1000,"currency":"usd","payment_status":"paid"}}}`, ref, paymentID)
	if st := stripeWebhook(t, s, body, "whsec_wrong"); st != http.StatusBadRequest {
		t.Errorf("badly signed Stripe event: %d, want 400", st)
	}
	if st := stripeWebhook(t, s, body, "whsec_test"); st != http.StatusOK {
		t.Fatalf("Stripe event: %d", st)
	}
	if got := s.order(t, s.token, o.Number); got.Status != "FULFILLED" {
		t.Errorf("after Stripe's checkout.session.completed the order is %s", got.Status)
	}
	if balance, sum, topups := s.ledgerOf(t, s.sim); balance != 1000 || sum != balance || topups != 1 {
		t.Errorf("balance %d, ledger %d, %d top-ups", balance, sum, topups)
	}
}

// stripeWebhook delivers a Stripe event signed with secret.
func stripeWebhook(t *testing.T, s shop, body, secret string) int {
	t.Helper()
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(body), Secret: secret})
	status, _, _ := s.api.Raw(http.MethodPost, "/webhooks/payments/stripe", map[string]string{"Stripe-Signature": sp.Header}, body)
	return status
}
