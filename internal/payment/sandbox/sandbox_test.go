package sandbox

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/payment"
)

func TestEventRoundTrip(t *testing.T) {
	p := New("secret", "http://tez.example/")
	body, h, err := p.NewEvent(7, "sbx_1", payment.Succeeded, money.New(3000, "USD"))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := p.ParseEvent(h, body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.PaymentID != 7 || ev.Ref != "sbx_1" || ev.Outcome != payment.Succeeded || ev.Amount != money.New(3000, "USD") || ev.ID == "" {
		t.Errorf("event %+v", ev)
	}
}

func TestParseEventRefusesForgeries(t *testing.T) {
	p := New("secret", "http://tez.example")
	body, h, err := p.NewEvent(7, "sbx_1", payment.Succeeded, money.New(3000, "USD"))
	if err != nil {
		t.Fatal(err)
	}
	tampered := []byte(strings.Replace(string(body), "3000", "1", 1))
	old := http.Header{}
	old.Set(SignatureHeader, p.Sign(time.Now().Add(-time.Hour), body))
	other := http.Header{}
	other.Set(SignatureHeader, New("guess", "").Sign(time.Now(), body))
	for name, c := range map[string]struct {
		h    http.Header
		body []byte
	}{
		"tampered body":  {h, tampered},
		"old signature":  {old, body},
		"another secret": {other, body},
		"no signature":   {http.Header{}, body},
		"garbage header": {http.Header{SignatureHeader: {"t=x,v1=zz"}}, body},
	} {
		if _, err := p.ParseEvent(c.h, c.body); !errors.Is(err, payment.ErrBadSignature) {
			t.Errorf("%s: err %v, want ErrBadSignature", name, err)
		}
	}
}

func TestStartCheckoutIsIdempotent(t *testing.T) {
	p := New("secret", "http://tez.example/")
	c := payment.Checkout{PaymentID: 1, IdempotencyKey: "order-1-a", Amount: money.New(100, "USD")}
	a, _ := p.StartCheckout(context.Background(), c)
	b, _ := p.StartCheckout(context.Background(), c)
	c.IdempotencyKey = "order-1-b"
	other, _ := p.StartCheckout(context.Background(), c)
	if a.Ref != b.Ref || a.Ref == other.Ref || a.RedirectURL != "http://tez.example/pay/sandbox/"+a.Ref {
		t.Errorf("pages %+v %+v %+v: want one page per idempotency key under /pay/sandbox/", a, b, other)
	}
}

func TestRefundAnswersOneRefundPerKey(t *testing.T) {
	p := New("secret", "http://tez.example/")
	ctx := context.Background()
	r := payment.Refund{PaymentID: 7, Ref: "sbx_1", Amount: money.New(500, "USD"), IdempotencyKey: "refund-payment-7"}
	a, err := p.Refund(ctx, r)
	if err != nil || !strings.HasPrefix(a.Ref, "sbx_re_") {
		t.Fatalf("refund: %+v, %v", a, err)
	}
	if b, _ := p.Refund(ctx, r); b != a {
		t.Errorf("the same key answered %s, then %s", a.Ref, b.Ref)
	}
	r.IdempotencyKey = "refund-payment-8"
	if c, _ := p.Refund(ctx, r); c == a {
		t.Error("another key answered the same refund")
	}
	r.Amount = money.New(0, "USD")
	if _, err := p.Refund(ctx, r); err == nil {
		t.Error("a refund of nothing succeeded")
	}
}
