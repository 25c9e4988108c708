package stripepay_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v84/webhook"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/payment"
	"github.com/teztelecom/tez/internal/payment/stripepay"
	"github.com/teztelecom/tez/internal/stripemock"
)

const whsec = "whsec_test_secret"

func TestStartCheckoutAgainstStripeMock(t *testing.T) {
	p := stripepay.New(stripepay.Options{SecretKey: "sk_test_123", WebhookSecret: whsec, APIURL: stripemock.Start(t)})
	ctx := context.Background()
	s, err := p.StartCheckout(ctx, payment.Checkout{PaymentID: 42, IdempotencyKey: "order-7-abc", OrderNumber: "TEZ-100007",
		Amount: money.New(3000, "USD"), Email: "buyer@example.com", ReturnURL: "https://shop.example/orders/TEZ-100007"})
	if err != nil {
		t.Fatalf("StartCheckout: %v", err)
	}
	if !strings.HasPrefix(s.Ref, "cs_") || !strings.HasPrefix(s.RedirectURL, "https://") {
		t.Errorf("session %+v: want a Checkout Session id and its https page", s)
	}
	if err := p.Expire(ctx, s.Ref); err != nil {
		t.Errorf("Expire(%s): %v", s.Ref, err)
	}
}

func TestRefundAgainstStripeMock(t *testing.T) {
	p := stripepay.New(stripepay.Options{SecretKey: "sk_test_123", WebhookSecret: whsec, APIURL: stripemock.Start(t)})
	ctx := context.Background()
	s, err := p.StartCheckout(ctx, payment.Checkout{PaymentID: 42, IdempotencyKey: "order-7-def", OrderNumber: "TEZ-100007",
		Amount: money.New(3000, "USD"), ReturnURL: "https://shop.example/orders/TEZ-100007"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Refund(ctx, payment.Refund{PaymentID: 42, Ref: s.Ref, Amount: money.New(1500, "USD"), IdempotencyKey: "refund-payment-42",
		OrderNumber: "TEZ-100007", Reason: "Customer asked"})
	if err != nil || !strings.HasPrefix(r.Ref, "re_") {
		t.Errorf("Refund: %+v, %v; want a Stripe refund id", r, err)
	}
	if _, err := p.Refund(ctx, payment.Refund{PaymentID: 42, Ref: "", Amount: money.New(1500, "USD"), IdempotencyKey: "refund-payment-43"}); err == nil {
		t.Error("a refund of no session succeeded")
	}
}

func TestParseChargeRefunded(t *testing.T) {
	p := stripepay.New(stripepay.Options{SecretKey: "sk_test_123", WebhookSecret: whsec})
	body := `{"id":"evt_r1","object":"event","type":"charge.refunded","api_version":"2020-08-27","data":{"object":{
		"id":"ch_1","object":"charge","amount":3000,"amount_refunded":1500,"currency":"usd","metadata":{"payment_id":"42"}}}}`
	ev, err := p.ParseEvent(signed(body, whsec, time.Now()), []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Outcome != payment.Refunded || ev.PaymentID != 42 || ev.Amount != money.New(1500, "USD") || ev.ID != "evt_r1" {
		t.Errorf("charge.refunded read as %+v", ev)
	}
}

func signed(body, secret string, at time.Time) http.Header {
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(body), Secret: secret, Timestamp: at})
	h := http.Header{}
	h.Set("Stripe-Signature", sp.Header)
	return h
}

func event(id, typ, paymentStatus string) string {
	return fmt.Sprintf(`{"id":%q,"object":"event","type":%q,"api_version":"2020-08-27","data":{"object":{
		"id":"cs_test_1","object":"checkout.session","client_reference_id":"42","amount_total":3000,"currency":"usd",
		"payment_status":%q,"metadata":{"payment_id":"42"}}}}`, id, typ, paymentStatus)
}

func TestParseEvent(t *testing.T) {
	p := stripepay.New(stripepay.Options{SecretKey: "sk_test_123", WebhookSecret: whsec})
	tests := []struct {
		typ, paymentStatus string
		want               payment.Outcome
	}{
		{"checkout.session.completed", "paid", payment.Succeeded},
		{"checkout.session.completed", "unpaid", payment.Ignored}, // a bank debit reports later
		{"checkout.session.async_payment_succeeded", "paid", payment.Succeeded},
		{"checkout.session.async_payment_failed", "unpaid", payment.Failed},
		{"checkout.session.expired", "unpaid", payment.Expired},
		{"customer.created", "", payment.Ignored},
	}
	for _, tt := range tests {
		body := event("evt_1", tt.typ, tt.paymentStatus)
		ev, err := p.ParseEvent(signed(body, whsec, time.Now()), []byte(body))
		if err != nil {
			t.Fatalf("%s: %v", tt.typ, err)
		}
		if ev.Outcome != tt.want || ev.ID != "evt_1" {
			t.Errorf("%s/%s: outcome %s id %s, want %s evt_1", tt.typ, tt.paymentStatus, ev.Outcome, ev.ID, tt.want)
		}
		if tt.want == payment.Succeeded && (ev.PaymentID != 42 || ev.Ref != "cs_test_1" || ev.Amount != money.New(3000, "USD")) {
			t.Errorf("%s: event %+v, want payment 42, cs_test_1, 30.00 USD", tt.typ, ev)
		}
	}
}

func TestParseEventRefusesForgeries(t *testing.T) {
	p := stripepay.New(stripepay.Options{SecretKey: "sk_test_123", WebhookSecret: whsec})
	body := event("evt_1", "checkout.session.completed", "paid")
	for name, h := range map[string]http.Header{
		"no signature":       {},
		"another secret":     signed(body, "whsec_attacker", time.Now()),
		"an old delivery":    signed(body, whsec, time.Now().Add(-time.Hour)),
		"another body's sig": signed(strings.Replace(body, "3000", "1", 1), whsec, time.Now()),
	} {
		if _, err := p.ParseEvent(h, []byte(body)); !errors.Is(err, payment.ErrBadSignature) {
			t.Errorf("%s: err %v, want ErrBadSignature", name, err)
		}
	}
}
