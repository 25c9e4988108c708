package graph_test

import (
	"bytes"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/payment"
	"github.com/teztelecom/tez/internal/payment/sandbox"
	"github.com/teztelecom/tez/internal/relay"
)

func TestPayThroughTheSandboxPage(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	o := s.mustCheckout(t, s.token, lines(line("SIM-EUROPE", 1), line("TOPUP-10", 1, s.sim))).Order
	pay := s.mustPay(t, s.token, o.ID, "")
	if pay.Status != "PENDING" || pay.Provider != "sandbox" || pay.Amount != o.Total || !strings.Contains(pay.RedirectURL, "/pay/sandbox/") {
		t.Fatalf("payment %+v for total %v", pay, o.Total)
	}
	if again := s.mustPay(t, s.token, o.ID, ""); again.RedirectURL != pay.RedirectURL {
		t.Errorf("paying twice opened a second page: %s, then %s", pay.RedirectURL, again.RedirectURL)
	}
	status, page := s.sandboxPage(t, pay.RedirectURL, "")
	if status != http.StatusOK || !strings.Contains(page, o.Number) || !strings.Contains(page, "30.00 USD") {
		t.Fatalf("payment page %d: %s", status, page)
	}
	status, page = s.sandboxPage(t, pay.RedirectURL, "approve")
	if status != http.StatusOK || !strings.Contains(page, "Payment approved") {
		t.Fatalf("approve: %d %s", status, page)
	}

	// The voucher is credited; the SIM card is allocated and waits for
	// its parcel to leave: the order reads PAID until then.
	paid := s.order(t, s.token, o.Number)
	if paid.Status != "PAID" || paid.PaidAt == nil || !reflect.DeepEqual(paid.AvailableActions, []string{"REORDER", "CANCEL"}) {
		t.Errorf("after approval: %s, paid at %v, actions %v; want PAID, paid, [REORDER CANCEL]", paid.Status, paid.PaidAt, paid.AvailableActions)
	}
	if len(paid.Shipments) != 1 || paid.Shipments[0].Status != "PREPARING" || len(paid.Shipments[0].Items) != 1 ||
		paid.Shipments[0].Items[0].Iccid == nil || paid.Shipments[0].Items[0].Product.Sku != "SIM-EUROPE" {
		t.Errorf("shipments %+v, want one PREPARING parcel with the SIM", paid.Shipments)
	}
	for _, it := range paid.Items {
		if it.FulfilledQuantity != it.Quantity {
			t.Errorf("%s: %d of %d delivered", it.Product.Sku, it.FulfilledQuantity, it.Quantity)
		}
	}
	if balance, sum, topups := s.ledgerOf(t, s.sim); balance != 1000 || sum != balance || topups != 1 {
		t.Errorf("voucher SIM: balance %d, ledger sum %d, %d top-ups; want 1000 = 1000 and 1", balance, sum, topups)
	}
	var out struct {
		Me struct {
			SimCards []struct{ Iccid, Status string }
		}
	}
	s.api.Query(apitest.Request{Query: `{ me { simCards { iccid status } } }`, Token: s.token}, &out)
	if sims := out.Me.SimCards; len(sims) != 2 {
		t.Errorf("My numbers after buying a SIM: %+v, want the old SIM and the new one", sims)
	}
	if status, page := s.sandboxPage(t, pay.RedirectURL, ""); status != http.StatusOK || !strings.Contains(page, "no longer open") {
		t.Errorf("the page of a paid payment: %d %s", status, page)
	}
	if res := s.pay(t, s.token, o.ID, ""); res.Payment != nil || len(res.UserErrors) != 1 || !strings.Contains(res.UserErrors[0].Message, "paid already") {
		t.Errorf("paying a paid order: %+v", res)
	}
}

func TestDeclinedPaymentLeavesTheOrderPayable(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	o := s.mustCheckout(t, s.token, lines(line("TOPUP-25", 1, s.sim))).Order
	first := s.mustPay(t, s.token, o.ID, "")
	if status, page := s.sandboxPage(t, first.RedirectURL, "decline"); status != http.StatusOK || !strings.Contains(page, "declined") {
		t.Fatalf("decline: %d %s", status, page)
	}
	if got := s.order(t, s.token, o.Number); got.Status != "PENDING_PAYMENT" || got.PaidAt != nil {
		t.Errorf("after a decline the order is %s", got.Status)
	}
	second := s.mustPay(t, s.token, o.ID, "")
	if second.RedirectURL == first.RedirectURL {
		t.Error("a declined payment was handed out again")
	}
	s.sandboxPage(t, second.RedirectURL, "approve")
	if got := s.order(t, s.token, o.Number); got.Status != "FULFILLED" {
		t.Errorf("after paying again the order is %s", got.Status)
	}
	if n := s.count(t, `SELECT count(*) FROM payments WHERE order_id = (SELECT id FROM orders WHERE number = $1) AND status = 'FAILED'`, o.Number); n != 1 {
		t.Errorf("%d failed payments recorded, want 1", n)
	}
}

func TestConcurrentOrderPayOpensOnePayment(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	o := s.mustCheckout(t, s.token, lines(line("TOPUP-10", 1, s.sim))).Order
	urls := make([]string, 8)
	var wg sync.WaitGroup
	for i := range urls {
		wg.Go(func() { urls[i] = s.mustPay(t, s.token, o.ID, "").RedirectURL })
	}
	wg.Wait()
	for _, u := range urls {
		if u != urls[0] {
			t.Fatalf("concurrent orderPay answered different pages: %v", urls)
		}
	}
	if n := s.count(t, `SELECT count(*) FROM payments`); n != 1 {
		t.Errorf("%d payments for one order paid 8 times at once, want 1", n)
	}
}

// webhook delivers a sandbox event signed with secret, answering the status.
func (s shop) webhook(t *testing.T, body []byte, header http.Header) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.api.URL+"/webhooks/payments/sandbox", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// openPayment checks out a voucher for the customer's SIM and opens its
// payment, answering the payment's id, page reference and amount.
func (s shop) openPayment(t *testing.T) (number string, paymentID int64, ref string, amount money.Money) {
	t.Helper()
	o := s.mustCheckout(t, s.token, lines(line("TOPUP-10", 2, s.sim))).Order
	pay := s.mustPay(t, s.token, o.ID, "")
	u, _ := url.Parse(pay.RedirectURL)
	ref = strings.TrimPrefix(u.Path, "/pay/sandbox/")
	if err := s.api.DB.Get(&paymentID, `SELECT id FROM payments WHERE provider_ref = $1`, ref); err != nil {
		t.Fatal(err)
	}
	return o.Number, paymentID, ref, money.New(2000, "USD")
}

func TestReplayedAndConcurrentWebhooksCreditOnce(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	number, paymentID, ref, amount := s.openPayment(t)
	provider := sandbox.New(s.api.Cfg.SandboxSecret, s.api.Cfg.PublicURL)
	body, header, err := provider.NewEvent(paymentID, ref, payment.Succeeded, amount)
	if err != nil {
		t.Fatal(err)
	}
	statuses := make([]int, 10)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() { statuses[i] = s.webhook(t, body, header.Clone()) })
	}
	wg.Wait()
	for _, st := range statuses {
		if st != http.StatusOK {
			t.Errorf("concurrent deliveries answered %v, want all 200", statuses)
			break
		}
	}
	// A second, distinct success event for the same payment changes nothing either.
	body2, header2, _ := provider.NewEvent(paymentID, ref, payment.Succeeded, amount)
	if st := s.webhook(t, body2, header2); st != http.StatusOK {
		t.Errorf("a second success event: %d", st)
	}
	if st := s.webhook(t, body, header); st != http.StatusOK {
		t.Errorf("a late replay: %d", st)
	}
	if balance, sum, topups := s.ledgerOf(t, s.sim); balance != 2000 || sum != balance || topups != 1 {
		t.Errorf("after 12 deliveries: balance %d, ledger sum %d, %d top-ups; want 2000 = 2000, 1", balance, sum, topups)
	}
	if got := s.order(t, s.token, number); got.Status != "FULFILLED" {
		t.Errorf("order %s", got.Status)
	}
	if n := s.count(t, `SELECT count(*) FROM payment_events`); n != 2 {
		t.Errorf("%d events recorded, want 2 distinct ones", n)
	}
}

func TestWebhookRefusesForgedEvents(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	number, paymentID, ref, amount := s.openPayment(t)
	real := sandbox.New(s.api.Cfg.SandboxSecret, s.api.Cfg.PublicURL)
	forger := sandbox.New("guessed-secret", s.api.Cfg.PublicURL)

	body, header, _ := forger.NewEvent(paymentID, ref, payment.Succeeded, amount)
	if st := s.webhook(t, body, header); st != http.StatusBadRequest {
		t.Errorf("event signed with another secret: %d, want 400", st)
	}
	good, goodHeader, _ := real.NewEvent(paymentID, ref, payment.Succeeded, amount)
	tampered := bytes.Replace(good, []byte(`"amount":2000`), []byte(`"amount":1`), 1)
	if st := s.webhook(t, tampered, goodHeader); st != http.StatusBadRequest {
		t.Errorf("tampered body: %d, want 400", st)
	}
	short, shortHeader, _ := real.NewEvent(paymentID, ref, payment.Succeeded, money.New(1, "USD"))
	if st := s.webhook(t, short, shortHeader); st != http.StatusBadRequest {
		t.Errorf("signed event for the wrong amount: %d, want 400", st)
	}
	otherRef, otherHeader, _ := real.NewEvent(paymentID, "sbx_someone_else", payment.Succeeded, amount)
	if st := s.webhook(t, otherRef, otherHeader); st != http.StatusBadRequest {
		t.Errorf("signed event naming another page: %d, want 400", st)
	}
	if st, _, _ := s.api.Raw(http.MethodPost, "/webhooks/payments/stripe", nil, string(good)); st != http.StatusNotFound {
		t.Errorf("webhook of a provider not in use: %d, want 404", st)
	}
	if got := s.order(t, s.token, number); got.Status != "PENDING_PAYMENT" {
		t.Errorf("forged events moved the order to %s", got.Status)
	}
	if balance, _, topups := s.ledgerOf(t, s.sim); balance != 0 || topups != 0 {
		t.Errorf("forged events credited %d in %d entries", balance, topups)
	}
	if n := s.count(t, `SELECT count(*) FROM payment_events`); n != 0 {
		t.Errorf("%d forged events recorded", n)
	}
}

func TestStockRunsOut(t *testing.T) {
	t.Parallel()
	s := newShop(t) // five Asia SIMs on the shelf
	o := s.mustCheckout(t, s.token, lines(line("SIM-ASIA", 7))).Order
	s.sandboxPage(t, s.mustPay(t, s.token, o.ID, "").RedirectURL, "approve")
	got := s.order(t, s.token, o.Number)
	if got.Status != "PAID" || got.Items[0].FulfilledQuantity != 5 {
		t.Errorf("7 SIMs ordered, 5 in stock: %s with %d delivered; want PAID with 5", got.Status, got.Items[0].FulfilledQuantity)
	}
	if n := s.count(t, `SELECT count(*) FROM sim_cards WHERE user_id = $1 AND sold_order_id IS NOT NULL`, s.userID); n != 5 {
		t.Errorf("%d SIMs allocated to the buyer, want 5", n)
	}
}

func TestGuestPaysAndTheSIMsWaitForTheEmail(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	in := lines(line("SIM-GLOBAL", 1))
	in["email"] = "guest@x.example"
	in["shippingAddress"] = map[string]any{"recipientName": "G", "line1": "Main 1", "city": "Almaty", "postalCode": "050000", "countryCode": "KZ"}
	res := s.mustCheckout(t, "", in)
	if r := s.pay(t, "", res.Order.ID, "tezo_not-the-token"); len(r.UserErrors) != 1 || r.UserErrors[0].Code != "NOT_FOUND" {
		t.Errorf("paying with a wrong access token: %+v", r)
	}
	s.sandboxPage(t, s.mustPay(t, "", res.Order.ID, *res.AccessToken).RedirectURL, "approve")
	var soldTo string
	var owner *int64
	if err := s.api.DB.QueryRow(`SELECT sold_to_email, user_id FROM sim_cards WHERE sold_order_id = (SELECT id FROM orders WHERE number = $1)`,
		res.Order.Number).Scan(&soldTo, &owner); err != nil {
		t.Fatal(err)
	}
	if soldTo != "guest@x.example" || owner != nil {
		t.Errorf("guest's SIM sold to %q, owner %v; want the email and no account yet", soldTo, owner)
	}
}

func TestRacingOrdersNeverShareASIM(t *testing.T) {
	t.Parallel()
	s := newShop(t) // five Asia SIMs on the shelf
	pages := make([]string, 3)
	for i := range pages {
		o := s.mustCheckout(t, s.token, lines(line("SIM-ASIA", 2))).Order
		pages[i] = s.mustPay(t, s.token, o.ID, "").RedirectURL
	}
	var wg sync.WaitGroup
	for _, p := range pages {
		wg.Go(func() { s.sandboxPage(t, p, "approve") })
	}
	wg.Wait()
	var allocated, distinct, fulfilled int
	if err := s.api.DB.QueryRow(`SELECT count(*), count(DISTINCT iccid) FROM sim_cards WHERE sold_order_id IS NOT NULL AND user_id = $1`,
		s.userID).Scan(&allocated, &distinct); err != nil {
		t.Fatal(err)
	}
	if err := s.api.DB.Get(&fulfilled, `SELECT coalesce(sum(i.fulfilled_quantity), 0) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.user_id = $1`, s.userID); err != nil {
		t.Fatal(err)
	}
	if allocated != 5 || distinct != 5 || fulfilled != 5 {
		t.Errorf("three orders of 2 racing for 5 SIMs: %d allocated (%d distinct), %d recorded as delivered; want 5, 5, 5",
			allocated, distinct, fulfilled)
	}
}

func TestProviderDownLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	s := newShop(t, func(c *config.Config) {
		c.PaymentProvider, c.StripeSecretKey, c.StripeWebhookSecret, c.StripeAPIURL = "stripe", "sk_test_123", "whsec_test", "http://127.0.0.1:1"
	})
	o := s.mustCheckout(t, s.token, lines(line("TOPUP-10", 1, s.sim))).Order
	res := s.api.Do(apitest.Request{Query: `mutation($id: ID!) { orderPay(input: {orderId: $id}) { payment { redirectUrl } } }`,
		Variables: map[string]any{"id": o.ID}, Token: s.token})
	if len(res.Errors) != 1 || res.Errors[0].Code() != "UNAVAILABLE" || !strings.Contains(res.Errors[0].Message, "try again") {
		t.Errorf("orderPay with the provider down: %+v, want UNAVAILABLE", res.Errors)
	}
	if n := s.count(t, `SELECT count(*) FROM payments`); n != 0 {
		t.Errorf("%d payments left behind", n)
	}
	if got := s.order(t, s.token, o.Number); got.Status != "PENDING_PAYMENT" {
		t.Errorf("order %s", got.Status)
	}
}

// A declined attempt that the provider later reports paid (a late success)
// pays the order and closes the newer attempt's page: no second charge.
func TestLateSuccessClosesTheNewerAttempt(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	number, firstID, firstRef, amount := s.openPayment(t)
	provider := sandbox.New(s.api.Cfg.SandboxSecret, s.api.Cfg.PublicURL)
	declined, h, _ := provider.NewEvent(firstID, firstRef, payment.Failed, amount)
	if st := s.webhook(t, declined, h); st != http.StatusOK {
		t.Fatalf("decline: %d", st)
	}
	var orderID string
	if err := s.api.DB.Get(&orderID, `SELECT id::text FROM orders WHERE number = $1`, number); err != nil {
		t.Fatal(err)
	}
	second := s.mustPay(t, s.token, relay.GlobalID(relay.TypeOrder, orderID), "")
	late, h, _ := provider.NewEvent(firstID, firstRef, payment.Succeeded, amount)
	if st := s.webhook(t, late, h); st != http.StatusOK {
		t.Fatalf("late success: %d", st)
	}
	if got := s.order(t, s.token, number); got.Status != "FULFILLED" {
		t.Errorf("order %s after the late success", got.Status)
	}
	if status, page := s.sandboxPage(t, second.RedirectURL, ""); status != http.StatusOK || !strings.Contains(page, "no longer open") {
		t.Errorf("the newer page of a paid order: %d %s", status, page)
	}
	var statuses []string
	if err := s.api.DB.Select(&statuses, `SELECT status::text FROM payments ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(statuses, ",") != "SUCCEEDED,EXPIRED" {
		t.Errorf("payments %v, want the first SUCCEEDED and the newer EXPIRED", statuses)
	}
}
