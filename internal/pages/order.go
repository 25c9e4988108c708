package pages

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// The order page opens an order in one of two ways, both by POST so that
// no secret travels in a URL: a guest's access token (the confirmation
// email's link carries it in the fragment, #token=…, which order.js moves
// into the form; it can be pasted too), or the account's email and
// password. The page signs in only for the answer it renders and keeps no
// session (a signed-in browser gets the web account's order page instead).
var orderPage = page(`{{$w := .W}}{{with .Order}}
<p>{{$w.S "Status:"}} <strong id="status">{{$w.S .Status}}</strong>{{if .StatusNote}}. {{$w.S .StatusNote}}{{end}}</p>
<p class="hint">{{if .Paid}}{{$w.S "Placed %s, paid %s." .Placed .Paid}}{{else}}{{$w.S "Placed %s." .Placed}}{{end}}</p>
<table id="lines"><tr><th>{{$w.S "Item"}}</th><th class="amount">{{$w.S "Qty"}}</th><th class="amount">{{$w.S "Total"}}</th></tr>
{{range .Lines}}<tr><td>{{.Name}}{{if .ICCID}} {{$w.S "(for SIM %s)" .ICCID}}{{end}}</td><td class="amount">{{.Quantity}}</td><td class="amount">{{.Total}}</td></tr>
{{end}}<tr><td>{{$w.S "Shipping"}}</td><td></td><td class="amount">{{.Shipping}}</td></tr>
<tr><th>{{$w.S "Total"}}</th><th></th><th class="amount" id="total">{{.Total}}</th></tr></table>
{{range .Shipments}}<section class="shipment"><h2>{{$w.S "Parcel"}}</h2>
<p>{{$w.S "Status:"}} <strong class="shipment-status">{{$w.S .Status}}</strong>{{if .Carrier}}, {{$w.S "with %s: tracking number" .Carrier}}
<strong class="tracking">{{.Tracking}}</strong>{{if .TrackingURL}} (<a class="tracking-link" href="{{.TrackingURL}}" rel="noreferrer">{{$w.S "follow the parcel"}}</a>){{end}}{{end}}.</p>
<ul>{{range .Items}}<li>{{.Name}}{{if .ICCID}}, SIM {{.ICCID}}{{else}} × {{.Quantity}}{{end}}</li>{{end}}</ul></section>
{{end}}{{if .CanPay}}<form method="post" action="{{.Number}}/pay">
{{if .Token}}<input type="hidden" name="token" value="{{.Token}}">
{{else}}<input type="hidden" name="email" value="{{.Email}}">
<label for="pay-password">{{$w.S "Your password, to pay"}}</label><input type="password" id="pay-password" name="password" autocomplete="current-password" required>
{{end}}<button type="submit">{{$w.S "Pay"}}</button></form>{{end}}
{{end}}{{if .Form}}
{{if .Problem}}<p class="notice problem" id="problem" role="alert">{{.Problem}}</p>{{end}}
<form method="post"><label for="token">{{.W.S "The access token from your order confirmation email"}}</label>
<input type="text" id="token" name="token" value="{{.Token}}" autocomplete="off" spellcheck="false" required>
<button type="submit">{{.W.S "Show the order"}}</button></form>
<form method="post"><p>{{.W.S "Ordered while signed in? Sign in to see it."}}</p>
<label for="email">{{.W.S "Email"}}</label><input type="email" id="email" name="email" autocomplete="email" required>
<label for="password">{{.W.S "Password"}}</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">{{.W.S "Sign in and show the order"}}</button></form>
{{end}}`)

// orderView is an order as its page shows it.
type orderView struct {
	Number, Status, StatusNote string
	Placed, Paid               string
	Lines                      []lineView
	Shipping, Total            string
	CanPay                     bool
	Shipments                  []shipmentView
	Token, Email               string // how the Pay form proves the order is the customer's
}

type shipmentView struct {
	Status, Carrier, Tracking, TrackingURL string
	Items                                  []lineView
}

// shipmentWords say where a parcel is.
var shipmentWords = map[store.ShipmentStatus]string{
	store.ShipmentPreparing: "Being packed",
	store.ShipmentShipped:   "On its way",
	store.ShipmentDelivered: "Delivered",
	store.ShipmentReturned:  "Returned to us",
}

type lineView struct {
	Name, ICCID, Total string
	Quantity           int
}

// statusWords say an order's status as the customer reads it.
var statusWords = map[store.OrderStatus][2]string{
	store.OrderPendingPayment:    {"Waiting for payment", ""},
	store.OrderPaid:              {"Paid", "Vouchers are credited; SIM cards and accessories are being packed"},
	store.OrderFulfilled:         {"Fulfilled", "Vouchers are credited and parcels have shipped"},
	store.OrderCancelled:         {"Cancelled", "Nothing was charged"},
	store.OrderRefunded:          {"Refunded", "The payment was returned"},
	store.OrderPartiallyRefunded: {"Partly refunded", "Part of the payment was returned"},
}

func orderTitle(r *http.Request, wd words) string {
	return wd.S("Order %s", r.PathValue("number"))
}

// orderNumber matches what an order number can be (TEZ-100042, or an old
// account's OLD-2018-0042): a page never repeats other text from its URL.
var orderNumber = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,39}$`)

// knownShape answers a page of its own for a path that cannot name an
// order, and reports whether the request may go on.
func (p *Pages) knownShape(w http.ResponseWriter, r *http.Request) bool {
	if orderNumber.MatchString(r.PathValue("number")) {
		return true
	}
	p.render(w, r, http.StatusNotFound, messagePage, view{Title: "No such order", Kind: "problem", Next: p.home1(),
		Notice: "This is not an order number. Open the link in your order confirmation email."})
	return false
}

// orderForm asks how to open the order; it shows nothing of it. A token
// in the query (the links of confirmations mailed before tokens moved to
// the fragment) fills the form, as order.js does with the fragment's. A
// guest coming back from the payment page brings the token in the cookie
// Pay set, and sees the order at once.
func (p *Pages) orderForm(w http.ResponseWriter, r *http.Request) {
	if !p.knownShape(w, r) {
		return
	}
	if c, err := r.Cookie(returnCookie); err == nil && c.Value != "" {
		o, err := p.Store.OrderByGuestToken(r.Context(), p.Store.DB(), r.PathValue("number"), secret.TokenHash(c.Value))
		switch {
		case err == nil:
			p.showOrder(w, r, o, orders.Buyer{GuestToken: c.Value})
			return
		case !apperr.Is(err, apperr.NotFound):
			p.failed(w, r, "open order", err)
			return
		}
	}
	wd := wordsFor(w, r)
	p.render(w, r, http.StatusOK, orderPage, view{Title: orderTitle(r, wd), Form: true, Script: "order.js", W: wd,
		Token: r.URL.Query().Get("token"), Next: p.home1()})
}

// order shows the order to whoever proves it is theirs.
func (p *Pages) order(w http.ResponseWriter, r *http.Request) {
	if !p.knownShape(w, r) {
		return
	}
	wd := wordsFor(w, r)
	o, how, problem, err := p.openOrder(r, wd)
	if err != nil {
		p.failed(w, r, "open order", err)
		return
	}
	if problem != "" {
		p.render(w, r, http.StatusNotFound, orderPage, view{Title: orderTitle(r, wd), Form: true, Script: "order.js", W: wd,
			Problem: problem, Token: formValue(r, "token"), Next: p.home1()})
		return
	}
	p.showOrder(w, r, o, how)
}

func (p *Pages) showOrder(w http.ResponseWriter, r *http.Request, o store.Order, how orders.Buyer) {
	wd := wordsFor(w, r)
	v, err := p.orderView(r.Context(), wd, o, how)
	if err != nil {
		p.failed(w, r, "show order", err)
		return
	}
	p.render(w, r, http.StatusOK, orderPage, view{Title: orderTitle(r, wd), Order: v, Next: p.home1(), W: wd})
}

// returnCookie carries a paying guest's access token back from the payment
// page, which returns to the order's address with nothing secret in it.
// The cookie is HttpOnly, sent to that order's page only, and lasts an
// hour: no script, Referer or history entry ever holds the token.
const returnCookie = "tez_guest_order"

func (p *Pages) setReturnCookie(w http.ResponseWriter, number, token string) {
	http.SetCookie(w, &http.Cookie{Name: returnCookie, Value: token, Path: "/account/orders/" + number, MaxAge: 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(p.PublicURL, "https://")})
}

// pay starts paying the order and sends the browser to the payment page.
func (p *Pages) pay(w http.ResponseWriter, r *http.Request) {
	if !p.knownShape(w, r) {
		return
	}
	wd := wordsFor(w, r)
	o, how, problem, err := p.openOrder(r, wd)
	if err == nil && problem == "" {
		var pay *store.Payment
		var problems []apperr.FieldError
		pay, _, problems, err = p.Orders.Pay(r.Context(), how, o.ID)
		if err == nil && len(problems) == 0 {
			if how.GuestToken != "" {
				p.setReturnCookie(w, o.Number, how.GuestToken)
			}
			http.Redirect(w, r, *pay.RedirectURL, http.StatusSeeOther)
			return
		}
		if len(problems) > 0 {
			problem = wd.Problem(problems[0])
		}
	}
	if err != nil {
		p.failed(w, r, "pay order", err)
		return
	}
	p.render(w, r, http.StatusConflict, orderPage, view{Title: orderTitle(r, wd), Kind: "problem", Notice: problem, Next: p.home1(), W: wd})
}

// notYours is the one answer for a wrong token, a wrong sign-in's order,
// and an order that does not exist.
const notYours = "No order with this number opens with what you entered. Check the order number and the token " +
	"in your confirmation email, or sign in with the account you ordered with."

// openOrder finds the order of the request's number that the POSTed token
// or sign-in opens, and the buyer that proves it. A problem is a sentence
// for the customer, in English or already in wd's language.
func (p *Pages) openOrder(r *http.Request, wd words) (store.Order, orders.Buyer, string, error) {
	number := r.PathValue("number")
	if token := formValue(r, "token"); token != "" {
		o, err := p.Store.OrderByGuestToken(r.Context(), p.Store.DB(), number, secret.TokenHash(token))
		if apperr.Is(err, apperr.NotFound) {
			return store.Order{}, orders.Buyer{}, notYours, nil
		}
		return o, orders.Buyer{GuestToken: token}, "", err
	}
	email := formValue(r, "email")
	if email == "" {
		return store.Order{}, orders.Buyer{}, "Enter the access token, or sign in.", nil
	}
	sess, problems, err := p.Accounts.Login(r.Context(), email, r.PostFormValue("password"))
	if err != nil || len(problems) > 0 {
		if len(problems) > 0 {
			return store.Order{}, orders.Buyer{}, wd.Problem(problems[0]), nil
		}
		return store.Order{}, orders.Buyer{}, "", err
	}
	// The page keeps no session: this one ends with the answer.
	defer p.endSession(r, sess.Token)
	o, err := p.Store.OrderByNumber(r.Context(), p.Store.DB(), sess.User.ID, number)
	if apperr.Is(err, apperr.NotFound) {
		return store.Order{}, orders.Buyer{}, notYours, nil
	}
	return o, orders.Buyer{UserID: sess.User.ID, Email: sess.User.Email}, "", err
}

func (p *Pages) orderView(ctx context.Context, wd words, o store.Order, how orders.Buyer) (*orderView, error) {
	items, err := p.Store.OrderItemsByOrderID(ctx, p.Store.DB(), []int64{o.ID})
	if err != nil {
		return nil, err
	}
	words := statusWords[o.Status]
	v := &orderView{Number: o.Number, Status: words[0], StatusNote: words[1], Placed: wd.Day(o.CreatedAt),
		Shipping: wd.Money(o.ShippingFee()), Total: wd.Money(o.Total()), CanPay: slices.Contains(orders.Actions(o, nil), orders.ActionPay),
		Token: how.GuestToken, Email: how.Email}
	if o.PaidAt != nil {
		v.Paid = wd.Day(*o.PaidAt)
	}
	if o.Imported() {
		v.StatusNote = "An order of the old account, kept as history: it cannot be paid here; buy it again in My orders"
	}
	names := map[int64]string{}
	for _, it := range items[o.ID] {
		line := lineView{Name: it.Name, Quantity: it.Quantity, Total: wd.Money(money.New(it.LineTotalMinor, o.Currency))}
		if it.ICCID != nil {
			line.ICCID = *it.ICCID
		}
		if it.ProductID != nil {
			names[*it.ProductID] = it.Name
		}
		v.Lines = append(v.Lines, line)
	}
	return v, p.addShipments(ctx, v, o, names)
}

// addShipments shows the order's parcels, what is in them and their tracking.
func (p *Pages) addShipments(ctx context.Context, v *orderView, o store.Order, names map[int64]string) error {
	shipments, err := p.Store.ShipmentsByOrderID(ctx, p.Store.DB(), []int64{o.ID})
	if err != nil || len(shipments[o.ID]) == 0 {
		return err
	}
	contents, err := p.Store.ShipmentItemsByOrderID(ctx, p.Store.DB(), []int64{o.ID})
	if err != nil {
		return err
	}
	for _, sh := range shipments[o.ID] {
		sv := shipmentView{Status: shipmentWords[sh.Status], Carrier: deref(sh.Carrier), Tracking: deref(sh.TrackingNumber),
			TrackingURL: deref(sh.TrackingURL)}
		for _, it := range contents[o.ID] {
			sv.Items = append(sv.Items, lineView{Name: names[it.ProductID], Quantity: it.Quantity, ICCID: deref(it.ICCID)})
		}
		v.Shipments = append(v.Shipments, sv)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// endSession signs out the session a page opened to check a password.
func (p *Pages) endSession(r *http.Request, token string) {
	ctx := context.WithoutCancel(r.Context())
	sess, err := p.Store.SessionByTokenHash(ctx, p.Store.DB(), secret.TokenHash(token))
	if err == nil {
		err = p.Accounts.Logout(ctx, sess.ID)
	}
	if err != nil {
		p.Log.WarnContext(ctx, "end the order page's session", "err", err)
	}
}
