package orders

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/teztelecom/tez/internal/lang"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// The emails that follow an order's confirmation: its receipt when paid,
// its parcel when shipped, its refund. Each goes to the outbox in the
// transaction of the change it tells of.
var (
	receiptLetter = lang.NewLetter("receipt", `{{t "receipt.subject" .}}`,
		`{{t "receipt.paid" .}}
{{range .Lines}}
- {{.Name}} × {{.Quantity}}: {{money .Total}}{{if .ICCID}} ({{t "receipt.credited" .}}){{end}}{{end}}
{{t "label.subtotal" .}}: {{money .Subtotal}}
{{t "label.shipping" .}}: {{money .Shipping}}
{{t "label.totalPaid" .}}: {{money .Total}}
{{if .Address}}
{{t "receipt.shipTo" .}}
{{range .Address}}{{.}}
{{end}}
{{t "receipt.tracking" .}}
{{end}}
{{t "order.see" .}}

{{.Link}}
`,
		`<p>{{t "receipt.paid" .}}</p>
<ul>{{range .Lines}}<li>{{.Name}} × {{.Quantity}}: {{money .Total}}{{if .ICCID}} ({{t "receipt.credited" .}}){{end}}</li>{{end}}</ul>
<p>{{t "label.subtotal" .}}: {{money .Subtotal}}<br>{{t "label.shipping" .}}: {{money .Shipping}}<br>{{t "label.totalPaid" .}}: <strong>{{money .Total}}</strong></p>
{{if .Address}}<p>{{t "receipt.shipTo" .}}<br>{{range .Address}}{{.}}<br>{{end}}</p><p>{{t "receipt.tracking" .}}</p>{{end}}
<p>{{t "order.see" .}} <a href="{{.Link}}">{{.Link}}</a></p>`)

	shippedLetter = lang.NewLetter("shipped", `{{t "shipped.subject" .}}`,
		`{{t "shipped.left" .}}

{{t "shipped.tracking" .}}: {{.Tracking}}{{if .TrackingURL}}
{{t "shipped.follow" .}}: {{.TrackingURL}}{{end}}

{{t "shipped.contents" .}}
{{range .Items}}- {{.Name}}{{if .ICCID}}, {{t "shipped.sim" .}}{{else}} × {{.Quantity}}{{end}}
{{end}}
{{t "order.see" .}}

{{.Link}}
`,
		`<p>{{t "shipped.left" .}}</p>
<p>{{t "shipped.tracking" .}}: <strong>{{.Tracking}}</strong>{{if .TrackingURL}}<br><a href="{{.TrackingURL}}">{{t "shipped.follow" .}}</a>{{end}}</p>
<p>{{t "shipped.contents" .}}</p><ul>{{range .Items}}<li>{{.Name}}{{if .ICCID}}, {{t "shipped.sim" .}}{{else}} × {{.Quantity}}{{end}}</li>{{end}}</ul>
<p>{{t "order.see" .}} <a href="{{.Link}}">{{.Link}}</a></p>`)

	refundLetter = lang.NewLetter("refund", `{{t "refund.subject" .}}`,
		`{{t "refund.amount" .}}
{{if .Reason}}
{{t "refund.reason" .}}: {{.Reason}}
{{end}}{{if .Credit}}
{{t "refund.credit" .}}
{{end}}
{{t "refund.back" .}}

{{t "order.see" .}}

{{.Link}}
`,
		`<p>{{t "refund.amount" .}}</p>
{{if .Reason}}<p>{{t "refund.reason" .}}: {{.Reason}}</p>{{end}}{{if .Credit}}<p>{{t "refund.credit" .}}</p>{{end}}
<p>{{t "refund.back" .}}</p>
<p>{{t "order.see" .}} <a href="{{.Link}}">{{.Link}}</a></p>`)
)

type refundMail struct {
	Number, Reason string
	Amount         money.Money
	Credit         *money.Money
	Link           string
}

// sendRefunded mails the customer what was refunded.
func (s *Service) sendRefunded(ctx context.Context, tx store.Querier, o store.Order, r store.Refund) error {
	m := refundMail{Number: o.Number, Reason: r.Reason, Amount: r.Amount()}
	if r.CreditTaken > 0 {
		m.Credit = new(money.New(r.CreditTaken, r.Currency))
	}
	return s.sendAbout(ctx, tx, o, refundLetter, &m, &m.Link)
}

type receiptLine struct {
	Name     string
	Quantity int
	Total    money.Money
	ICCID    string
}

type receipt struct {
	Number                    string
	Lines                     []receiptLine
	Subtotal, Shipping, Total money.Money
	Address                   []string
	Link                      string
}

type parcelItem struct {
	Name     string
	Quantity int
	ICCID    string
}

type shipped struct {
	Number, Carrier, Tracking, TrackingURL string
	Items                                  []parcelItem
	Link                                   string
}

// sendReceipt mails the receipt of an order just paid.
func (s *Service) sendReceipt(ctx context.Context, tx store.Querier, o store.Order) error {
	items, err := s.store.OrderItemsTx(ctx, tx, o.ID)
	if err != nil {
		return err
	}
	r := receipt{Number: o.Number, Subtotal: o.Subtotal(), Shipping: o.ShippingFee(), Total: o.Total()}
	for _, it := range items {
		r.Lines = append(r.Lines, receiptLine{Name: it.Name, Quantity: it.Quantity, Total: it.LineTotal(), ICCID: deref(it.ICCID)})
	}
	a, err := o.ShippingAddress()
	if err != nil {
		return err
	}
	r.Address = addressLines(a)
	return s.sendAbout(ctx, tx, o, receiptLetter, &r, &r.Link)
}

// sendShipped mails the tracking of a parcel that has just left.
func (s *Service) sendShipped(ctx context.Context, tx store.Querier, o store.Order, sh store.Shipment) error {
	parcels, err := s.store.ShipmentItemsByOrderID(ctx, tx, []int64{o.ID})
	if err != nil {
		return err
	}
	items := parcels[o.ID]
	lines, err := s.store.OrderItemsTx(ctx, tx, o.ID)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, l := range lines {
		names[*l.ProductID] = l.Name
	}
	m := shipped{Number: o.Number, Carrier: deref(sh.Carrier), Tracking: deref(sh.TrackingNumber), TrackingURL: deref(sh.TrackingURL)}
	for _, it := range items {
		m.Items = append(m.Items, parcelItem{Name: names[it.ProductID], Quantity: it.Quantity, ICCID: deref(it.ICCID)})
	}
	return s.sendAbout(ctx, tx, o, shippedLetter, &m, &m.Link)
}

// sendAbout renders an email about an order, in the language of its
// account, and writes it to the outbox.
// link is the data's Link field: the order's page, for a guest with an
// access token of this email's own (the confirmation's is kept only as a
// hash). An erased order (its account deleted) has no address to mail.
func (s *Service) sendAbout(ctx context.Context, tx store.Querier, o store.Order, l lang.Letter, data any, link *string) error {
	if o.Email == "" {
		return nil
	}
	*link = s.ReturnURL(o.Number)
	if o.UserID == nil {
		token, hash := secret.NewToken(GuestTokenPrefix)
		if err := s.store.AddGuestLink(ctx, tx, o.ID, hash); err != nil {
			return err
		}
		*link += "#token=" + url.QueryEscape(token)
	}
	subject, text, html, err := s.render(ctx, tx, o, l, data)
	if err != nil {
		return err
	}
	return s.store.EnqueueEmail(ctx, tx, o.Email, subject, text, html)
}

// render writes an email about the order in the language of its account;
// a guest's order has no account and gets lang.Default.
func (s *Service) render(ctx context.Context, tx store.Querier, o store.Order, l lang.Letter, data any) (subject, text, html string, err error) {
	language := lang.Default
	if o.UserID != nil {
		u, err := s.store.UserByID(ctx, tx, *o.UserID)
		if err != nil {
			return "", "", "", fmt.Errorf("language of order %s: %w", o.Number, err)
		}
		language = u.Language
	}
	return l.Render(language, data)
}

// addressLines writes an address as a label does; nil for none.
func addressLines(a *store.ShippingAddress) []string {
	if a == nil {
		return nil
	}
	lines := []string{a.RecipientName, a.Line1}
	if a.Line2 != "" {
		lines = append(lines, a.Line2)
	}
	city := strings.TrimSpace(a.PostalCode + " " + a.City)
	if a.Region != "" {
		city += ", " + a.Region
	}
	return append(lines, city, a.CountryCode)
}
