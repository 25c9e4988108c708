package orders

import (
	"bytes"
	"context"
	htmltemplate "html/template"
	"net/url"
	texttemplate "text/template"

	"github.com/teztelecom/tez/internal/account"
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
// transaction that places the order. A guest's goes to an address anyone
// could type: it counts toward account.MailCap and, past it, is not sent
// (the order is placed all the same; the checkout's answer carries the
// token). Its link carries the token in the fragment, which browsers never
// send to a server nor put in a Referer: no log keeps it.
func (s *Service) sendConfirmation(ctx context.Context, tx store.Querier, o store.Order, items []store.NewOrderItem, accessToken string) error {
	c := confirmation{Number: o.Number, Shipping: o.ShippingFee(), Total: o.Total(), Link: s.ReturnURL(o.Number), Guest: accessToken != ""}
	if c.Guest {
		c.Link += "#token=" + url.QueryEscape(accessToken)
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
	subject := "Your TEZ Telecom order " + o.Number
	if !c.Guest {
		return s.store.EnqueueEmail(ctx, tx, o.Email, subject, text.String(), html.String())
	}
	_, err := s.store.EnqueueCappedEmail(ctx, tx, account.MailCap, o.Email, subject, text.String(), html.String(), "")
	return err
}
