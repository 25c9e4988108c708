package graph_test

import (
	"context"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/payment"
	"github.com/teztelecom/tez/internal/payment/sandbox"
	"github.com/teztelecom/tez/internal/store"
)

// operator is the orders service as the tez command runs it.
func (s shop) operator() *orders.Service {
	return s.operatorWith(sandbox.New(s.api.Cfg.SandboxSecret, s.api.Cfg.PublicURL))
}

// operatorWith is the operator's service with another payment provider.
func (s shop) operatorWith(p payment.Provider) *orders.Service {
	st := store.New(s.api.DB)
	return orders.NewService(st, ledger.New(st, ledger.Options{}), orders.Options{ShopURL: s.api.Cfg.ShopURL, Provider: p,
		Log: slog.New(slog.DiscardHandler)})
}

// lastMail is the newest email to an address whose subject has the words.
func (s shop) lastMail(t *testing.T, to, subject string) (text, html string) {
	t.Helper()
	err := s.api.DB.QueryRow(`SELECT text_body, html_body FROM email_outbox WHERE to_address = $1 AND subject LIKE '%'||$2||'%'
		ORDER BY id DESC LIMIT 1`, to, subject).Scan(&text, &html)
	if err != nil {
		t.Fatalf("no email to %s about %q: %v", to, subject, err)
	}
	return text, html
}

func TestShippingAnOrder(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	o := s.mustCheckout(t, s.token, lines(line("SIM-EUROPE", 2), line("ACC-HOLDER-CASE", 1), line("TOPUP-10", 1, s.sim))).Order
	ctx := context.Background()
	parcel := store.Parcel{Carrier: "DHL", TrackingNumber: "JD0146000012345", TrackingURL: new("https://www.dhl.com/track?id=JD0146000012345")}
	if _, _, err := s.operator().Ship(ctx, o.Number, parcel); !apperr.Is(err, apperr.Conflict) || !strings.Contains(err.Error(), "awaiting payment") {
		t.Errorf("shipping an unpaid order: %v, want a conflict that says it is unpaid", err)
	}
	s.sandboxPage(t, s.mustPay(t, s.token, o.ID, "").RedirectURL, "approve")
	receipt, _ := s.lastMail(t, "buyer@x.example", "Receipt")
	for _, want := range []string{o.Number, "Europe data SIM × 2", "Total paid: " + o.Total.Amount, "Abay 10", "Almaty"} {
		if !strings.Contains(receipt, want) {
			t.Errorf("the receipt lacks %q:\n%s", want, receipt)
		}
	}

	paid := s.order(t, s.token, o.Number)
	if paid.Status != "PAID" || len(paid.Shipments) != 1 || paid.Shipments[0].Status != "PREPARING" || paid.Shipments[0].Carrier != "" {
		t.Fatalf("paid: %s, shipments %+v; want PAID and one PREPARING parcel", paid.Status, paid.Shipments)
	}
	var sims []string
	for _, it := range paid.Shipments[0].Items {
		if it.Iccid != nil {
			sims = append(sims, *it.Iccid)
		}
	}
	if len(sims) != 2 || len(paid.Shipments[0].Items) != 3 {
		t.Errorf("parcel items %+v, want 2 SIMs and the case", paid.Shipments[0].Items)
	}

	shipped, sh, err := s.operator().Ship(ctx, o.Number, parcel)
	if err != nil || shipped.Status != store.OrderFulfilled || sh.Status != store.ShipmentShipped {
		t.Fatalf("ship: %v, %v, %v", shipped, sh, err)
	}
	got := s.order(t, s.token, o.Number)
	if got.Status != "FULFILLED" || got.Shipments[0].Status != "SHIPPED" || got.Shipments[0].Carrier != "DHL" ||
		got.Shipments[0].TrackingNumber != "JD0146000012345" || got.Shipments[0].TrackingUrl != *parcel.TrackingURL ||
		got.Shipments[0].ShippedAt == nil || got.Shipments[0].DeliveredAt != nil {
		t.Errorf("after shipping: %s, %+v", got.Status, got.Shipments[0])
	}
	text, html := s.lastMail(t, "buyer@x.example", "has shipped")
	for _, want := range append([]string{"DHL", "JD0146000012345", *parcel.TrackingURL, "SIM holder case × 1"}, sims...) {
		if !strings.Contains(text, want) {
			t.Errorf("the shipping email lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(html, `href="https://www.dhl.com/track?id=JD0146000012345"`) {
		t.Errorf("the HTML email does not link the tracking page:\n%s", html)
	}

	if _, _, err := s.operator().Ship(ctx, o.Number, parcel); !apperr.Is(err, apperr.Conflict) || !strings.Contains(err.Error(), "shipped already") {
		t.Errorf("shipping twice: %v, want a conflict", err)
	}
	if _, err := s.operator().Delivered(ctx, o.Number); err != nil {
		t.Fatal(err)
	}
	if got := s.order(t, s.token, o.Number); got.Shipments[0].Status != "DELIVERED" || got.Shipments[0].DeliveredAt == nil {
		t.Errorf("after delivery: %+v", got.Shipments[0])
	}

	// Another customer asking for the order by its number gets nothing.
	_, stranger := s.api.Customer("stranger@x.example")
	if got := s.order(t, stranger, o.Number); got != nil {
		t.Errorf("a stranger sees the order: %+v", got)
	}
}

func TestShippingRefusesWhatCannotShip(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	ctx := context.Background()
	parcel := store.Parcel{Carrier: "DHL", TrackingNumber: "1"}
	cancelled := s.mustCheckout(t, s.token, lines(line("SIM-EUROPE", 1))).Order
	s.cancel(t, s.token, cancelled.ID)
	vouchers := s.mustCheckout(t, s.token, lines(line("TOPUP-10", 1, s.sim))).Order
	s.sandboxPage(t, s.mustPay(t, s.token, vouchers.ID, "").RedirectURL, "approve")
	waiting := s.mustCheckout(t, s.token, lines(line("SIM-EUROPE", 100))).Order
	s.sandboxPage(t, s.mustPay(t, s.token, waiting.ID, "").RedirectURL, "approve")
	for _, tt := range []struct {
		name, number string
		parcel       store.Parcel
		code         apperr.Code
		says         string
	}{
		{"cancelled", cancelled.Number, parcel, apperr.Conflict, "cancelled"},
		{"vouchers only", vouchers.Number, parcel, apperr.Conflict, "nothing to ship"},
		{"waiting for stock", waiting.Number, parcel, apperr.Conflict, "still waits for"},
		{"no such order", "TEZ-999999", parcel, apperr.NotFound, "not found"},
		{"no carrier", waiting.Number, store.Parcel{TrackingNumber: "1"}, apperr.Invalid, "--carrier"},
		{"a huge tracking number", waiting.Number, store.Parcel{Carrier: "DHL", TrackingNumber: strings.Repeat("9", 101)}, apperr.Invalid, "--tracking"},
		{"a control character", waiting.Number, store.Parcel{Carrier: "DHL\x1b[31m", TrackingNumber: "1"}, apperr.Invalid, "--carrier"},
		{"a javascript: link", waiting.Number, store.Parcel{Carrier: "DHL", TrackingNumber: "1", TrackingURL: new("javascript:alert(1)")}, apperr.Invalid, "--url"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := s.operator().Ship(ctx, tt.number, tt.parcel)
			if !apperr.Is(err, tt.code) || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("err %v, want %s saying %q", err, tt.code, tt.says)
			}
		})
	}
	if n := s.count(t, `SELECT count(*) FROM shipments sh JOIN orders o ON o.id = sh.order_id
		WHERE o.user_id = $1 AND sh.status <> 'PREPARING'`, s.userID); n != 0 {
		t.Errorf("%d of the customer's parcels left", n)
	}
}

func TestGuestShippingEmailOpensTheOrder(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	in := lines(line("SIM-ASIA", 1))
	in["email"] = "parcel@guest.example"
	in["shippingAddress"] = map[string]any{"recipientName": "Guest", "line1": "Main 1", "city": "Tashkent", "postalCode": "100000", "countryCode": "UZ"}
	res := s.mustCheckout(t, "", in)
	s.sandboxPage(t, s.mustPay(t, "", res.Order.ID, *res.AccessToken).RedirectURL, "approve")
	if _, _, err := s.operator().Ship(context.Background(), res.Order.Number, store.Parcel{Carrier: "UPS", TrackingNumber: "1Z999"}); err != nil {
		t.Fatal(err)
	}
	text, _ := s.lastMail(t, "parcel@guest.example", "has shipped")
	m := regexp.MustCompile(`#token=(\S+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the guest's shipping email carries no order link with a token:\n%s", text)
	}
	token, _ := url.QueryUnescape(m[1])
	if token == *res.AccessToken {
		t.Error("the email repeats the checkout's token (only its hash is kept: it cannot)")
	}
	var out struct{ GuestOrder *orderView }
	s.api.Query(apitest.Request{Query: `query($n: String!, $t: String!) { guestOrder(number: $n, accessToken: $t) { ` + orderFields + ` } }`,
		Variables: map[string]any{"n": res.Order.Number, "t": token}}, &out)
	if out.GuestOrder == nil || out.GuestOrder.Shipments[0].TrackingNumber != "1Z999" {
		t.Errorf("the email's link opens %+v, want the order with its tracking", out.GuestOrder)
	}
	// The link opens this order only.
	other := s.mustCheckout(t, "", in)
	s.api.Query(apitest.Request{Query: `query($n: String!, $t: String!) { guestOrder(number: $n, accessToken: $t) { id } }`,
		Variables: map[string]any{"n": other.Order.Number, "t": token}}, &out)
	if out.GuestOrder != nil {
		t.Error("the email's token opens another order")
	}
}
