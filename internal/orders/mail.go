package orders

import (
	"context"
	"net/url"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/lang"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// confirmation is the email of a new order. A guest's carries the order's
// access link: closing the browser tab must not lose the order.
var confirmation = lang.NewLetter("confirmation", `{{t "order.subject" .}}`,
	`{{t "order.thanks" .}}
{{range .Lines}}
- {{.Name}} × {{.Quantity}}: {{money .Total}}{{end}}
{{t "label.shipping" .}}: {{money .Shipping}}
{{t "label.total" .}}: {{money .Total}}

{{t "order.seeAndPay" .}}

{{.Link}}
{{if .Guest}}
{{t "order.keep" .}}{{end}}`,
	`<p>{{t "order.thanks" .}}</p>
<ul>{{range .Lines}}<li>{{.Name}} × {{.Quantity}}: {{money .Total}}</li>{{end}}</ul>
<p>{{t "label.shipping" .}}: {{money .Shipping}}<br>{{t "label.total" .}}: <strong>{{money .Total}}</strong></p>
<p>{{t "order.seeAndPay" .}} <a href="{{.Link}}">{{.Link}}</a></p>
{{if .Guest}}<p>{{t "order.keep" .}}</p>{{end}}`)

type confirmationLine struct {
	Name     string
	Quantity int
	Total    money.Money
}

type confirmationData struct {
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
	c := confirmationData{Number: o.Number, Shipping: o.ShippingFee(), Total: o.Total(), Link: s.ReturnURL(o.Number), Guest: accessToken != ""}
	if c.Guest {
		c.Link += "#token=" + url.QueryEscape(accessToken)
	}
	for _, it := range items {
		c.Lines = append(c.Lines, confirmationLine{Name: it.Name, Quantity: it.Quantity,
			Total: money.New(it.UnitPriceMinor*int64(it.Quantity), o.Currency)})
	}
	subject, text, html, err := s.render(ctx, tx, o, confirmation, c)
	if err != nil {
		return err
	}
	if !c.Guest {
		return s.store.EnqueueEmail(ctx, tx, o.Email, subject, text, html)
	}
	_, err = s.store.EnqueueCappedEmail(ctx, tx, account.MailCap, o.Email, subject, text, html, "")
	return err
}
