package journey

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/payment/sandbox"
	"github.com/teztelecom/tez/internal/stock"
	"github.com/teztelecom/tez/internal/store"
)

// operator is the orders service as the tez command runs it (orders ship,
// delivered, refund).
func (s *shop) operator() *orders.Service {
	st := store.New(s.api.DB)
	return orders.NewService(st, ledger.New(st, ledger.Options{}), orders.Options{ShopURL: s.api.Cfg.ShopURL,
		Provider: sandbox.New(s.api.Cfg.SandboxSecret, s.api.Cfg.PublicURL)})
}

// stockAdd takes an intake file in as `tez stock add FILE` does: the SIM
// cards into stock, then the waiting orders fulfilled. Refused lines fail
// the journey.
func (s *shop) stockAdd(csv string) {
	s.t.Helper()
	res, err := stock.New(store.New(s.api.DB)).Add(context.Background(), strings.NewReader(csv))
	if err != nil || len(res.Problems) > 0 {
		s.t.Fatalf("tez stock add: %v, %+v", err, res.Problems)
	}
	if _, err := s.operator().FulfilWaiting(context.Background()); err != nil {
		s.t.Fatalf("fulfil after the intake: %v", err)
	}
}

// parcel is an order's shipment as the customer's GraphQL client reads it.
type parcel struct {
	Status, Carrier, TrackingNumber, TrackingUrl string
	Items                                        []struct {
		Quantity int
		ICCID    *string
		Product  struct{ SKU string }
	}
}

func (c *customer) parcelsOf(number string) (status string, parcels []parcel) {
	c.shop.t.Helper()
	var out struct {
		Me struct {
			Order *struct {
				Status    string
				Shipments []parcel
			}
		}
	}
	c.query(`query($n: String!) { me { order(number: $n) { status
		shipments { status carrier trackingNumber trackingUrl items { quantity iccid product { sku } } } } } }`,
		map[string]any{"n": number}, &out)
	if out.Me.Order == nil {
		c.shop.t.Fatalf("%s cannot see order %s", c.Email, number)
	}
	return out.Me.Order.Status, out.Me.Order.Shipments
}

// A customer orders more Global SIMs than the shelf holds and pays; the
// order waits. New stock arrives (tez stock add), the order takes it, the
// parcel ships (tez orders ship), and the customer finds the tracking in
// the shipping email, in the API and on the order's page.
func TestStockArrivesAndTheParcelShips(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	var shelf int
	if err := s.api.DB.Get(&shelf, `SELECT count(*) FROM sim_cards s JOIN products p ON p.id = s.product_id
		WHERE p.sku = 'SIM-GLOBAL' AND s.status = 'IN_STOCK' AND s.user_id IS NULL AND s.sold_order_id IS NULL`); err != nil {
		t.Fatal(err)
	}
	nur := s.signUp("nur@traveller.example", "a long passphrase 7", "Nur")
	placed, _ := nur.checkout(map[string]any{"lines": []map[string]any{{"sku": "SIM-GLOBAL", "quantity": shelf + 1}},
		"shippingAddress": berlin})
	nur.pay(placed.ID, "", "Approve").mustSay("Payment approved")

	receipt := s.mailAbout(nur.Email, "Receipt")
	for _, want := range []string{placed.Number, fmt.Sprintf("Global data SIM × %d", shelf+1), placed.Total.Amount + " USD", "Torstraße 1", "10119 Berlin"} {
		if !strings.Contains(receipt.Text, want) || !strings.Contains(unescapeHTML(receipt.HTML), want) {
			t.Errorf("the receipt lacks %q:\n%s", want, receipt.Text)
		}
	}
	status, parcels := nur.parcelsOf(placed.Number)
	if status != "PAID" || len(parcels) != 1 || parcels[0].Status != "PREPARING" || len(parcels[0].Items) != shelf {
		t.Fatalf("waiting for stock: %s, %+v; want PAID and a PREPARING parcel with the %d SIMs there were", status, parcels, shelf)
	}

	// The intake brings one more Global SIM, and a line the operator mistyped.
	arrived := iccid.WithCheckDigit("899970900000000001")
	s.stockAdd("iccid,msisdn,sku,activation_code\n" + arrived + ",+4915112340001,SIM-GLOBAL,GL0B-4L01\n")
	if _, parcels = nur.parcelsOf(placed.Number); len(parcels[0].Items) != shelf+1 ||
		!slices.ContainsFunc(parcels[0].Items, func(it struct {
			Quantity int
			ICCID    *string
			Product  struct{ SKU string }
		}) bool {
			return it.ICCID != nil && *it.ICCID == arrived
		}) {
		t.Fatalf("after the intake the parcel holds %+v, want the new SIM %s too", parcels[0].Items, arrived)
	}
	if sims := nur.myNumbers(); !slices.ContainsFunc(sims, func(c simCard) bool { return c.ICCID == arrived }) {
		t.Errorf("the new SIM is not in My numbers")
	}

	tracking := "https://www.dhl.de/track?piececode=00340434161094042557"
	if _, _, err := s.operator().Ship(context.Background(), placed.Number, store.Parcel{Carrier: "DHL", TrackingNumber: "00340434161094042557", TrackingURL: &tracking}); err != nil {
		t.Fatalf("tez orders ship: %v", err)
	}
	status, parcels = nur.parcelsOf(placed.Number)
	if status != "FULFILLED" || parcels[0].Status != "SHIPPED" || parcels[0].Carrier != "DHL" || parcels[0].TrackingUrl != tracking {
		t.Errorf("after shipping: %s, %+v", status, parcels[0])
	}

	shipped := s.mailAbout(nur.Email, "has shipped")
	for _, want := range []string{"DHL", "00340434161094042557", tracking, arrived} {
		if !strings.Contains(shipped.Text, want) {
			t.Errorf("the shipping email lacks %q:\n%s", want, shipped.Text)
		}
	}
	if !strings.Contains(unescapeHTML(shipped.HTML), `href="`+tracking+`"`) {
		t.Errorf("the HTML email does not link the tracking page:\n%s", shipped.HTML)
	}
	m := regexp.MustCompile(`https?://\S+/orders/` + placed.Number).FindString(shipped.Text)
	if m == "" {
		t.Fatalf("the shipping email has no link to the order:\n%s", shipped.Text)
	}
	page := nur.open(m).submit("Sign in and show the order", map[string]string{"email": nur.Email, "password": "a long passphrase 7"})
	page.mustSay("Order "+placed.Number, "Fulfilled", "On its way", "DHL", "00340434161094042557", arrived)
	if !strings.Contains(page.Body, `href="`+strings.ReplaceAll(tracking, "&", "&amp;")+`"`) {
		t.Errorf("the order page does not link the tracking page")
	}
	s.ledgerCheck()
}
