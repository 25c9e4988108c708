package journey

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/mailtest"
	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
)

// shop is the service as its users meet it: the real HTTP handler on a
// database of the test's own, its outbox delivered over SMTP to a real
// sink. Links in its mail and its return URLs point at the server itself.
type shop struct {
	t    *testing.T
	api  *apitest.API
	sink *mailtest.Sink

	mu   sync.Mutex
	read map[string]int // messages already read, per address
}

// newShop starts the service for one journey, with the data a newcomer
// finds on `go run ./cmd/tez`: the catalogue, SIM cards in stock (some
// with activation codes, seed.DemoStock) and the demo customer. It is
// loaded by seed.Demo, the code `tez seed` runs.
func newShop(t *testing.T, opts ...apitest.Option) *shop {
	t.Helper()
	return shopOn(t, startAPI(t, opts...))
}

// shopOn is newShop on a server the journey started itself.
func shopOn(t *testing.T, api *apitest.API) *shop {
	t.Helper()
	if err := seed.Demo(context.Background(), store.New(api.DB)); err != nil {
		t.Fatalf("tez seed: %v", err)
	}
	return &shop{t: t, api: api, sink: api.DeliverMail(), read: map[string]int{}}
}

// email is a message as the customer's mail client shows it.
type email struct {
	t testing.TB
	mailtest.Message
}

// mail waits for the next message to addr that this journey has not read
// yet (polling with a deadline) and answers it.
func (s *shop) mail(addr string) email {
	s.t.Helper()
	key := strings.ToLower(addr)
	s.mu.Lock()
	n := s.read[key] + 1
	s.read[key] = n
	s.mu.Unlock()
	return email{t: s.t, Message: s.sink.Await(s.t, addr, n)}
}

// noMail asserts that addr received nothing beyond what was read. Mail is
// delivered by a polling worker, so this waits a few of its rounds.
func (s *shop) noMail(addr string) {
	s.t.Helper()
	s.mu.Lock()
	n := s.read[strings.ToLower(addr)]
	s.mu.Unlock()
	deadline := time.Now().Add(300 * time.Millisecond)
	for time.Now().Before(deadline) {
		if got := s.sink.To(addr); len(got) > n {
			s.t.Fatalf("%s got an unexpected message %q", addr, got[n].Subject)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var linkRE = regexp.MustCompile(`https?://[^\s"'<>]+`)

// link answers the one link of the message, which the text and the HTML
// bodies must agree on (the customer may click either).
func (m email) link() string {
	m.t.Helper()
	text := linkRE.FindAllString(m.Text, -1)
	if len(text) != 1 {
		m.t.Fatalf("%q: want one link in the text body, got %q:\n%s", m.Subject, text, m.Text)
	}
	href := regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(m.HTML, -1)
	if len(href) != 1 || unescapeHTML(href[0][1]) != text[0] {
		m.t.Fatalf("%q: the HTML body's link %q is not the text's %q:\n%s", m.Subject, href, text[0], m.HTML)
	}
	return text[0]
}

func unescapeHTML(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#61;", "=").Replace(s)
}

// customer is a person using the shop: a browser of their own and, once
// signed in, a bearer token their GraphQL requests carry.
type customer struct {
	*browser
	shop            *shop
	Email, Password string
	Token           string
	// Header goes with every GraphQL request: X-Forwarded-For, as a
	// balancer in front of the service writes it, for a customer who comes
	// from an address of their own.
	Header map[string]string
}

// visitor is someone not signed in (a guest, or before registering).
func (s *shop) visitor(email string) *customer {
	return &customer{browser: s.browser(), shop: s, Email: email}
}

// userError is one entry of a payload's userErrors.
type userError struct {
	Field   []string
	Message string
	Code    string
}

// sessionPayload is what register and login answer.
type sessionPayload struct {
	Token *string
	User  *struct {
		ID            string
		Email         string
		EmailVerified bool
	}
	UserErrors []userError
}

// register fills in the registration form (the contract document of
// /work/shared/queries/register.graphql) and keeps the session it answers.
func (c *customer) register(password, fullName string) sessionPayload {
	c.shop.t.Helper()
	var out struct{ Register sessionPayload }
	c.query(documents.Get("register.graphql"), map[string]any{"email": c.Email, "password": password, "fullName": fullName}, &out)
	if out.Register.Token != nil {
		c.Password, c.Token = password, *out.Register.Token
	}
	return out.Register
}

// signUp registers and fails the journey on any user error.
func (s *shop) signUp(email, password, fullName string) *customer {
	s.t.Helper()
	c := s.visitor(email)
	if got := c.register(password, fullName); got.Token == nil {
		s.t.Fatalf("register %s: %+v", email, got.UserErrors)
	}
	return c
}

// member signs up and confirms the email from its mail, as a customer
// with a verified account.
func (s *shop) member(email, password, fullName string) *customer {
	s.t.Helper()
	c := s.signUp(email, password, fullName)
	c.confirmEmail()
	return c
}

// secondDevice signs c in again on another device, with a session of its
// own, and fails the journey if the password is refused.
func (c *customer) secondDevice() *customer {
	c.shop.t.Helper()
	d := c.shop.visitor(c.Email)
	if got := d.signIn(c.Password); got.Token == nil {
		c.shop.t.Fatalf("sign-in of %s on a second device: %+v", c.Email, got.UserErrors)
	}
	return d
}

// signIn signs in with the sign-in form (the contract document of
// /work/shared/queries/sign-in.graphql), keeping the session on success.
func (c *customer) signIn(password string) sessionPayload {
	c.shop.t.Helper()
	var out struct{ Login sessionPayload }
	c.query(documents.Get("sign-in.graphql"), map[string]any{"email": c.Email, "password": password}, &out)
	if out.Login.Token != nil {
		c.Password, c.Token = password, *out.Login.Token
	}
	return out.Login
}

// do sends a GraphQL document with the customer's token, if any.
func (c *customer) do(doc string, vars map[string]any) apitest.Response {
	c.shop.t.Helper()
	return c.shop.api.Do(apitest.Request{Query: doc, Variables: vars, Token: c.Token, Header: c.Header})
}

// query sends a document that must answer without top-level errors and
// decodes its data into out.
func (c *customer) query(doc string, vars map[string]any, out any) {
	c.shop.t.Helper()
	res := c.do(doc, vars)
	if len(res.Errors) > 0 || res.Status != 200 {
		c.shop.t.Fatalf("status %d, errors %+v\nfor %s", res.Status, res.Errors, doc)
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		c.shop.t.Fatalf("decode %s: %v", res.Data, err)
	}
}

// noUserErrors fails the journey when a payload answered user errors.
func noUserErrors(t testing.TB, what string, errs []userError) {
	t.Helper()
	if len(errs) > 0 {
		t.Fatalf("%s: userErrors %+v", what, errs)
	}
}

// partner is a reseller with an API key.
type partner struct {
	shop *shop
	Name string
	Key  string
}

// partner creates a reseller and its key through the service that `tez
// reseller create` and `tez reseller key create` run.
func (s *shop) partner(name string) *partner {
	s.t.Helper()
	_, key := s.api.Reseller(name, 100, 100, 0)
	return &partner{shop: s, Name: name, Key: key}
}

// assign gives the partner SIM cards, as `tez reseller assign` does with
// a file of ICCIDs (one a line).
func (r *partner) assign(iccids ...string) {
	r.shop.t.Helper()
	svc := reseller.NewService(store.New(r.shop.api.DB), nil, slog.New(slog.DiscardHandler))
	rep, err := svc.Assign(context.Background(), r.Name, strings.NewReader(strings.Join(iccids, "\n")+"\n"))
	if err != nil || len(rep.Problems) > 0 {
		r.shop.t.Fatalf("tez reseller assign: %v %v", err, rep.Problems)
	}
}

// do sends a GraphQL document with the partner's key.
func (r *partner) do(doc string, vars map[string]any) apitest.Response {
	r.shop.t.Helper()
	return r.shop.api.Do(apitest.Request{Query: doc, Variables: vars, Token: r.Key})
}

// query sends a document with the partner's key; it must answer without
// top-level errors.
func (r *partner) query(doc string, vars map[string]any, out any) {
	r.shop.t.Helper()
	res := r.do(doc, vars)
	if len(res.Errors) > 0 || res.Status != 200 {
		r.shop.t.Fatalf("status %d, errors %+v", res.Status, res.Errors)
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		r.shop.t.Fatalf("decode %s: %v", res.Data, err)
	}
}

// paymentPayload is what orderPay answers.
type paymentPayload struct {
	Payment *struct {
		Status      string
		RedirectURL string
		Amount      money
	}
	UserErrors []userError
}

// money is a Money as the API answers it.
type money struct {
	Amount       string
	CurrencyCode string
}

func (m money) String() string { return m.Amount + " " + m.CurrencyCode }

// plus adds a decimal amount ("10.00") to m, as a customer checks a sum.
func plus(t testing.TB, m money, add string) money {
	t.Helper()
	cents := func(s string) int64 {
		whole, frac, _ := strings.Cut(s, ".")
		n, err := strconv.ParseInt(whole+frac, 10, 64)
		if err != nil || len(frac) != 2 {
			t.Fatalf("not an amount with two decimals: %q", s)
		}
		return n
	}
	sum := cents(m.Amount) + cents(add)
	sign := ""
	if sum < 0 {
		sign, sum = "-", -sum
	}
	return money{Amount: fmt.Sprintf("%s%d.%02d", sign, sum/100, sum%100), CurrencyCode: m.CurrencyCode}
}

// pay presses Pay on an order (orderPay; accessToken for a guest's order)
// and, on the sandbox's payment page it is sent to, clicks button
// ("Approve" or "Decline"). It answers the page the click leads to.
func (c *customer) pay(orderID, accessToken, button string) *page {
	c.shop.t.Helper()
	vars := map[string]any{"id": orderID}
	if accessToken != "" {
		vars["token"] = accessToken
	}
	var out struct{ OrderPay paymentPayload }
	c.query(`mutation($id: ID!, $token: String) { orderPay(input: { orderId: $id, accessToken: $token }) {
		payment { status redirectUrl amount { amount currencyCode } } userErrors { field message code } } }`, vars, &out)
	noUserErrors(c.shop.t, "orderPay", out.OrderPay.UserErrors)
	p := c.open(out.OrderPay.Payment.RedirectURL)
	p.mustSay("Sandbox payment", out.OrderPay.Payment.Amount.Amount)
	if p.Header.Get("Referrer-Policy") != "no-referrer" || p.Header.Get("X-Frame-Options") != "DENY" {
		c.shop.t.Errorf("the payment page may leak its address or be framed: %v", p.Header)
	}
	return p.submit(button, nil)
}

// order is an order as My orders and the order page show it.
type order struct {
	ID, Number, Status, Email string
	Total                     money
	AvailableActions          []string
	Items                     []struct {
		Quantity int
		ICCID    *string
		Product  struct {
			SKU           string
			VoucherAmount *money
		}
	}
}

// orderFields are the fields of an order the journeys look at.
const orderFields = `id number status email total { amount currencyCode } availableActions
	items { quantity iccid product { sku voucherAmount { amount currencyCode } } }`

// berlin is a delivery address typed at checkout.
var berlin = map[string]any{"recipientName": "Anna K", "line1": "Torstraße 1", "city": "Berlin",
	"postalCode": "10119", "countryCode": "DE"}

// checkout places an order with the checkout form and answers it with the
// access token a guest gets; user errors fail the journey.
func (c *customer) checkout(input map[string]any) (order, string) {
	c.shop.t.Helper()
	var out struct {
		Checkout struct {
			Order       *order
			AccessToken *string
			UserErrors  []userError
		}
	}
	c.query(`mutation($in: CheckoutInput!) { checkout(input: $in) { order { `+orderFields+` } accessToken
		userErrors { field message code } } }`, map[string]any{"in": input}, &out)
	noUserErrors(c.shop.t, "checkout", out.Checkout.UserErrors)
	token := ""
	if out.Checkout.AccessToken != nil {
		token = *out.Checkout.AccessToken
	}
	return *out.Checkout.Order, token
}

// buyVoucher places an order of one top-up voucher (sku, e.g. TOPUP-10)
// for the SIM iccid, unpaid.
func (c *customer) buyVoucher(sku, iccid string) order {
	c.shop.t.Helper()
	o, _ := c.checkout(map[string]any{"lines": []any{map[string]any{"sku": sku, "quantity": 1, "iccid": iccid}}})
	return o
}

// myOrders answers My orders, newest first.
func (c *customer) myOrders() []order {
	c.shop.t.Helper()
	var out struct {
		Me struct {
			Orders struct{ Edges []struct{ Node order } }
		}
	}
	c.query(`{ me { orders(first: 50) { edges { node { `+orderFields+` } } } } }`, nil, &out)
	list := make([]order, 0, len(out.Me.Orders.Edges))
	for _, e := range out.Me.Orders.Edges {
		list = append(list, e.Node)
	}
	return list
}

// simCard is a SIM as My numbers shows it.
type simCard struct {
	ID, ICCID, Status string
	Label             *string
	Balance           money
}

// myNumbers answers My numbers, in ICCID order.
func (c *customer) myNumbers() []simCard {
	c.shop.t.Helper()
	var out struct{ Me struct{ SimCards []simCard } }
	c.query(`{ me { simCards { id iccid status label balance { amount currencyCode } } } }`, nil, &out)
	return out.Me.SimCards
}

// demoCustomer signs in as the demo customer of the README.
func (s *shop) demoCustomer() *customer {
	s.t.Helper()
	c := s.visitor(seed.DemoEmail)
	if got := c.signIn(seed.DemoPassword); got.Token == nil {
		s.t.Fatalf("demo sign-in: %+v", got.UserErrors)
	}
	return c
}

// addSIM adds a SIM to My numbers by its ICCID and the code printed next
// to it (empty: none given).
func (c *customer) addSIM(iccid, code string) (*simCard, []userError) {
	c.shop.t.Helper()
	in := map[string]any{"iccid": iccid}
	if code != "" {
		in["activationCode"] = code
	}
	var out struct {
		SimCardAdd struct {
			SimCard    *simCard
			UserErrors []userError
		}
	}
	c.query(`mutation($in: SimCardAddInput!) { simCardAdd(input: $in) {
		simCard { id iccid status label balance { amount currencyCode } } userErrors { field message code } } }`,
		map[string]any{"in": in}, &out)
	return out.SimCardAdd.SimCard, out.SimCardAdd.UserErrors
}

// addStock adds a SIM of the demo stock with its code, failing the
// journey on a user error.
func (c *customer) addStock(stock seed.StockSIM) {
	c.shop.t.Helper()
	_, errs := c.addSIM(stock.ICCID, stock.ActivationCode)
	noUserErrors(c.shop.t, "simCardAdd", errs)
}

// history is My history of one SIM over a range: the totals and the
// sessions, newest first.
type history struct {
	Usage struct {
		TotalBytes   int64
		SessionCount int
		Cost         money
		ByCountry    []struct{ CountryCode string }
	}
	UsageSessions struct {
		Edges []struct {
			Node struct {
				StartedAt   time.Time
				TotalBytes  int64
				CountryCode string
				NetworkName string
			}
		}
	}
}

// history reads My history of iccid from from to to.
func (c *customer) history(iccid string, from, to time.Time) history {
	c.shop.t.Helper()
	var out struct{ Me struct{ SimCard *history } }
	c.query(`query($iccid: ICCID!, $from: DateTime!, $to: DateTime!) { me { simCard(iccid: $iccid) {
		usage(from: $from, to: $to) { totalBytes sessionCount cost { amount currencyCode } byCountry { countryCode } }
		usageSessions(from: $from, to: $to, first: 100) { edges { node { startedAt totalBytes countryCode networkName } } } } } }`,
		map[string]any{"iccid": iccid, "from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339)}, &out)
	if out.Me.SimCard == nil {
		c.shop.t.Fatalf("My history: %s is not in My numbers", iccid)
	}
	return *out.Me.SimCard
}

// mailAbout waits for the next message to addr whose subject contains
// about, passing over (and counting as read) the others before it: a
// journey names the mail it waits for, not every notice on the way.
func (s *shop) mailAbout(addr, about string) email {
	s.t.Helper()
	for {
		if m := s.mail(addr); strings.Contains(m.Subject, about) {
			return m
		}
	}
}

// confirmEmail opens the next confirmation link mailed to the customer,
// as the registration mail asks, and clicks "Confirm my email" on its
// page.
func (c *customer) confirmEmail() *page {
	c.shop.t.Helper()
	m := c.shop.mailAbout(c.Email, "Confirm your")
	done := c.open(m.link()).submit("Confirm my email", nil)
	done.mustSay("is confirmed")
	return done
}
