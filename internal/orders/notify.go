package orders

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// The emails that follow an order's confirmation: its receipt when paid,
// its parcel when shipped, its refund. Each goes to the outbox in the
// transaction of the change it tells of.
var (
	receiptText = texttemplate.Must(texttemplate.New("receipt").Parse(`Thank you: your order {{.Number}} at TEZ Telecom is paid.
{{range .Lines}}
- {{.Name}} × {{.Quantity}}: {{.Total}}{{if .ICCID}} (credited to SIM {{.ICCID}}){{end}}{{end}}
Subtotal: {{.Subtotal}}
Shipping: {{.Shipping}}
Total paid: {{.Total}}
{{if .Address}}
Shipping to:
{{range .Address}}{{.}}
{{end}}
We send you the tracking as soon as the parcel leaves.
{{end}}
See your order here:

{{.Link}}
`))
	receiptHTML = htmltemplate.Must(htmltemplate.New("receipt").Parse(`<p>Thank you: your order <strong>{{.Number}}</strong> at TEZ Telecom is paid.</p>
<ul>{{range .Lines}}<li>{{.Name}} × {{.Quantity}}: {{.Total}}{{if .ICCID}} (credited to SIM {{.ICCID}}){{end}}</li>{{end}}</ul>
<p>Subtotal: {{.Subtotal}}<br>Shipping: {{.Shipping}}<br>Total paid: <strong>{{.Total}}</strong></p>
{{if .Address}}<p>Shipping to:<br>{{range .Address}}{{.}}<br>{{end}}</p><p>We send you the tracking as soon as the parcel leaves.</p>{{end}}
<p>See your order here: <a href="{{.Link}}">{{.Link}}</a></p>`))

	shippedText = texttemplate.Must(texttemplate.New("shipped").Parse(`Your order {{.Number}} at TEZ Telecom has shipped with {{.Carrier}}.

Tracking number: {{.Tracking}}{{if .TrackingURL}}
Follow the parcel: {{.TrackingURL}}{{end}}

In the parcel:
{{range .Items}}- {{.Name}}{{if .ICCID}}, SIM {{.ICCID}}{{else}} × {{.Quantity}}{{end}}
{{end}}
See your order here:

{{.Link}}
`))
	shippedHTML = htmltemplate.Must(htmltemplate.New("shipped").Parse(`<p>Your order <strong>{{.Number}}</strong> at TEZ Telecom has shipped with {{.Carrier}}.</p>
<p>Tracking number: <strong>{{.Tracking}}</strong>{{if .TrackingURL}}<br><a href="{{.TrackingURL}}">Follow the parcel</a>{{end}}</p>
<p>In the parcel:</p><ul>{{range .Items}}<li>{{.Name}}{{if .ICCID}}, SIM {{.ICCID}}{{else}} × {{.Quantity}}{{end}}</li>{{end}}</ul>
<p>See your order here: <a href="{{.Link}}">{{.Link}}</a></p>`))
)

var (
	refundText = texttemplate.Must(texttemplate.New("refund").Parse(`We have refunded {{.Amount}} of your order {{.Number}} at TEZ Telecom.
{{if .Reason}}
Reason: {{.Reason}}
{{end}}{{if .Credit}}
{{.Credit}} of voucher credit has been taken back from the SIM's balance.
{{end}}
The money goes back the way you paid; your bank may take a few days to show it.

See your order here:

{{.Link}}
`))
	refundHTML = htmltemplate.Must(htmltemplate.New("refund").Parse(`<p>We have refunded <strong>{{.Amount}}</strong> of your order <strong>{{.Number}}</strong> at TEZ Telecom.</p>
{{if .Reason}}<p>Reason: {{.Reason}}</p>{{end}}{{if .Credit}}<p>{{.Credit}} of voucher credit has been taken back from the SIM's balance.</p>{{end}}
<p>The money goes back the way you paid; your bank may take a few days to show it.</p>
<p>See your order here: <a href="{{.Link}}">{{.Link}}</a></p>`))
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
	return s.sendAbout(ctx, tx, o, "Refund for your TEZ Telecom order "+o.Number, refundText, refundHTML, &m, &m.Link)
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
	return s.sendAbout(ctx, tx, o, "Receipt for your TEZ Telecom order "+o.Number, receiptText, receiptHTML, &r, &r.Link)
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
	return s.sendAbout(ctx, tx, o, "Your TEZ Telecom order "+o.Number+" has shipped", shippedText, shippedHTML, &m, &m.Link)
}

// sendAbout renders an email about an order and writes it to the outbox.
// link is the data's Link field: the order's page, for a guest with an
// access token of this email's own (the confirmation's is kept only as a
// hash). An erased order (its account deleted) has no address to mail.
func (s *Service) sendAbout(ctx context.Context, tx store.Querier, o store.Order, subject string, text *texttemplate.Template, html *htmltemplate.Template, data any, link *string) error {
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
	var t, h bytes.Buffer
	if err := text.Execute(&t, data); err != nil {
		return fmt.Errorf("%s email: %w", text.Name(), err)
	}
	if err := html.Execute(&h, data); err != nil {
		return fmt.Errorf("%s email: %w", html.Name(), err)
	}
	return s.store.EnqueueEmail(ctx, tx, o.Email, subject, t.String(), h.String())
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
