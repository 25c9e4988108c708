package orders

import (
	"bytes"
	"context"
	htmltemplate "html/template"
	"net/url"
	texttemplate "text/template"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// The confirmation of a new order. A guest's carries the order's access
// link: closing the browser tab must not lose the order.
const confirmationBody = `Thank you for your order {{.Number}} at TEZ Telecom.
{{range .Lines}}
- {{.Name}} × {{.Quantity}}: {{.Total}}{{end}}
Shipping: {{.Shipping}}
Total: {{.Total}}

See and pay your order here:

{{.Link}}
{{if .Guest}}
Keep this email: the link opens your order without an account. Once you register and confirm this email address, the order also appears in your account.{{end}}`

var (
	confirmationText = texttemplate.Must(texttemplate.New("confirmation").Parse(confirmationBody))
	confirmationHTML = htmltemplate.Must(htmltemplate.New("confirmation").Parse(`<p>Thank you for your order <strong>{{.Number}}</strong> at TEZ Telecom.</p>
<ul>{{range .Lines}}<li>{{.Name}} × {{.Quantity}}: {{.Total}}</li>{{end}}</ul>
<p>Shipping: {{.Shipping}}<br>Total: <strong>{{.Total}}</strong></p>
<p>See and pay your order here: <a href="{{.Link}}">{{.Link}}</a></p>
{{if .Guest}}<p>Keep this email: the link opens your order without an account. Once you register and confirm this email address, the order also appears in your account.</p>{{end}}`))
)

type confirmationLine struct {
	Name     string
	Quantity int
	Total    money.Money
}

type confirmation struct {
	Number          string
	Lines           []confirmationLine
	Shipping, Total money.Money
	Link            string
	Guest           bool
}

// sendConfirmation writes the order's confirmation to the outbox in the
// transaction that places the order.
func (s *Service) sendConfirmation(ctx context.Context, tx *sqlx.Tx, o store.Order, items []store.NewOrderItem, accessToken string) error {
	c := confirmation{Number: o.Number, Shipping: o.ShippingFee(), Total: o.Total(), Link: s.ReturnURL(o.Number), Guest: accessToken != ""}
	if c.Guest {
		c.Link += "?token=" + url.QueryEscape(accessToken)
	}
	for _, it := range items {
		c.Lines = append(c.Lines, confirmationLine{Name: it.Name, Quantity: it.Quantity,
			Total: money.New(it.UnitPriceMinor*int64(it.Quantity), o.Currency)})
	}
	var text, html bytes.Buffer
	if err := confirmationText.Execute(&text, c); err != nil {
		return err
	}
	if err := confirmationHTML.Execute(&html, c); err != nil {
		return err
	}
	return s.store.EnqueueEmail(ctx, tx, o.Email, "Your TEZ Telecom order "+o.Number, text.String(), html.String())
}
