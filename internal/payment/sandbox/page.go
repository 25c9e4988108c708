package sandbox

import (
	"bytes"
	"context"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/payment"
)

// Checkout is what the page shows about a payment.
type Checkout struct {
	PaymentID   int64
	OrderNumber string
	Amount      money.Money
	Open        bool // still waiting to be paid
	ReturnURL   string
}

// Page serves the sandbox's payment page at /pay/sandbox/{ref}.
type Page struct {
	Provider *Provider
	// Lookup finds the payment of a page; apperr NotFound when none.
	Lookup func(ctx context.Context, ref string) (Checkout, error)
	// Webhook is the server's webhook endpoint for this provider: the
	// buttons complete a payment through it, exactly as a provider would.
	Webhook http.Handler
	Log     *slog.Logger
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TEZ sandbox payment</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
.note{color:#666;font-size:.9em}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}</style></head>
<body><h1>Sandbox payment</h1>
{{if .Message}}<p id="result">{{.Message}}</p>{{if .C.ReturnURL}}<p><a href="{{.C.ReturnURL}}">Back to the shop</a></p>{{end}}
{{else}}<p>Order <strong>{{.C.OrderNumber}}</strong>: pay <strong id="amount">{{.C.Amount}}</strong>.</p>
<form method="post"><button name="decision" value="approve">Approve</button><button name="decision" value="decline">Decline</button></form>
{{end}}<p class="note">No money moves: this is the TEZ test payment provider.</p></body></html>`))

type pageData struct {
	C       Checkout
	Message string
}

func (pg Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := pg.Lookup(r.Context(), r.PathValue("ref"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	data := pageData{C: c}
	switch {
	case !c.Open:
		data.Message = "This payment is no longer open."
	case r.Method == http.MethodPost:
		data.Message, err = pg.complete(r, c)
		if err != nil {
			pg.Log.ErrorContext(r.Context(), "sandbox payment", "payment_id", c.PaymentID, "err", err)
			http.Error(w, "the payment could not be completed, try again", http.StatusBadGateway)
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The page's address opens the payment: it leaves in no Referer (the
	// way back may be another site), and no other site frames its buttons.
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Frame-Options", "DENY")
	if err := pageTemplate.Execute(w, data); err != nil {
		pg.Log.ErrorContext(r.Context(), "sandbox page", "err", err)
	}
}

// complete sends the decision as a signed event to the webhook endpoint.
func (pg Page) complete(r *http.Request, c Checkout) (string, error) {
	outcome, message := payment.Failed, "Payment declined. The order can be paid again."
	if r.FormValue("decision") == "approve" {
		outcome, message = payment.Succeeded, "Payment approved. Thank you!"
	}
	body, header, err := pg.Provider.NewEvent(c.PaymentID, r.PathValue("ref"), outcome, c.Amount)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, "/webhooks/payments/"+Name, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header = header
	req.SetPathValue("provider", Name)
	rec := &recorder{header: http.Header{}}
	pg.Webhook.ServeHTTP(rec, req)
	if rec.status/100 != 2 {
		return "", &deliveryError{status: rec.status, body: rec.body.String()}
	}
	return message, nil
}

type deliveryError struct {
	status int
	body   string
}

func (e *deliveryError) Error() string {
	return "webhook answered " + http.StatusText(e.status) + ": " + e.body
}

// recorder is the response of an in-process webhook delivery.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(p)
}
