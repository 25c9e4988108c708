package legacy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/currency"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/address"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/phone"
	"github.com/teztelecom/tez/internal/store"
)

// How much one old account may carry.
const (
	maxSIMs   = 100
	maxOrders = 1000
	// maxMoney bounds an amount (in minor units) so that no sum of lines
	// can overflow.
	maxMoney = 1e12
)

// oldAccount is one line of the JSON Lines format, as the old system
// exported it (see docs/legacy-import.md).
type oldAccount struct {
	Email     string       `json:"email"`
	FullName  *string      `json:"fullName"`
	Phone     *string      `json:"phone"`
	Addresses []oldAddress `json:"addresses"`
	SimCards  []oldSIM     `json:"simCards"`
	Orders    []oldOrder   `json:"orders"`
}

// oldAddress is an address of the old system: the fields of the address
// book (by name, as AddressInput spells them; null reads as empty).
type oldAddress struct {
	address.Input
	IsDefault bool `json:"isDefault"`
}

type oldSIM struct {
	ICCID      string  `json:"iccid"`
	Label      *string `json:"label"`
	OwnedSince *string `json:"ownedSince"`
}

type oldOrder struct {
	Number          string      `json:"number"`
	PlacedAt        string      `json:"placedAt"`
	PaidAt          *string     `json:"paidAt"`
	Status          string      `json:"status"`
	Currency        string      `json:"currency"`
	Total           string      `json:"total"`
	Items           []oldItem   `json:"items"`
	ShippingAddress *oldAddress `json:"shippingAddress"`
}

type oldItem struct {
	SKU       string  `json:"sku"`
	Name      string  `json:"name"`
	Quantity  int     `json:"quantity"`
	UnitPrice string  `json:"unitPrice"`
	ICCID     *string `json:"iccid"`
}

// problems collects what is wrong with a line, each naming where.
type problems []string

func (p *problems) add(where, format string, args ...any) {
	*p = append(*p, where+": "+fmt.Sprintf(format, args...))
}

// parseJSONLine reads one old account. Unknown fields are refused (a
// misspelt "simcards" would lose the SIM cards silently), and so is any NUL
// character (PostgreSQL cannot store it).
func parseJSONLine(raw []byte) (store.LegacyAccount, []string) {
	var in oldAccount
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return store.LegacyAccount{}, []string{"not a valid account: " + jsonProblem(err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return store.LegacyAccount{}, []string{"not a valid account: more than one JSON value on the line"}
	}
	if bytes.Contains(raw, []byte(`\u0000`)) && hasNUL(raw) {
		return store.LegacyAccount{}, []string{"a text holds a NUL character (\\u0000)"}
	}
	var p problems
	now := time.Now()
	out := store.LegacyAccount{Email: in.Email}
	if email, bad := account.NormalizeEmail("email", in.Email); bad != nil {
		p.add("email", "%s", bad.Message)
	} else {
		out.Email = email
	}
	prof := &store.LegacyProfile{}
	out.Profile = prof
	if in.FullName != nil {
		name, bad := account.NormalizeFullName("fullName", *in.FullName)
		if bad != nil {
			p.add("fullName", "%s", bad.Message)
		}
		prof.FullName = name
	}
	if in.Phone != nil && strings.TrimSpace(*in.Phone) != "" {
		e164, err := phone.E164(*in.Phone)
		if err != nil {
			p.add("phone", "%q is not a phone number with its country code", *in.Phone)
		}
		prof.Phone = e164
	}
	if len(in.Addresses) > address.MaxPerCustomer {
		p.add("addresses", "%d addresses, at most %d", len(in.Addresses), address.MaxPerCustomer)
	}
	defaults := 0
	for i, a := range in.Addresses {
		checked, ok := checkAddress(&p, fmt.Sprintf("addresses[%d]", i), a)
		if !ok {
			continue
		}
		if a.IsDefault {
			defaults++
		}
		prof.Addresses = append(prof.Addresses, store.LegacyAddress{RecipientName: checked.RecipientName, Line1: checked.Line1,
			Line2: checked.Line2, City: checked.City, Region: checked.Region, PostalCode: checked.PostalCode,
			CountryCode: checked.CountryCode, Phone: nonEmpty(checked.Phone), IsDefault: a.IsDefault})
	}
	if defaults > 1 {
		p.add("addresses", "%d addresses are the default, at most one", defaults)
	}
	out.SIMs = checkList(&p, "simCards", in.SimCards, maxSIMs, func(where string, s oldSIM) (store.LegacySIM, bool) {
		return checkSIM(&p, func(f string) string { return where + "." + f }, s.ICCID, deref(s.Label), deref(s.OwnedSince), now)
	}, func(s store.LegacySIM) string { return s.ICCID })
	out.Orders = checkList(&p, "orders", in.Orders, maxOrders, func(where string, o oldOrder) (store.LegacyOrder, bool) {
		return checkOrder(&p, where, o, now)
	}, func(o store.LegacyOrder) string { return o.Number })
	return out, p
}

// checkList checks the entries of a list of at most max, each named
// field[i], and answers the good ones; an entry whose key an earlier one
// has is reported.
func checkList[In, Out any](p *problems, field string, in []In, max int, check func(string, In) (Out, bool), key func(Out) string) []Out {
	if len(in) > max {
		p.add(field, "%d entries, at most %d", len(in), max)
	}
	var out []Out
	first := map[string]int{}
	for i, e := range in {
		where := fmt.Sprintf("%s[%d]", field, i)
		v, ok := check(where, e)
		if !ok {
			continue
		}
		if j, twice := first[key(v)]; twice {
			p.add(where, "%s is %s[%d] too", key(v), field, j)
			continue
		}
		first[key(v)] = i
		out = append(out, v)
	}
	return out
}

// jsonProblem says where the JSON went wrong, in the operator's words.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("%s (at byte %d)", syntax.Error(), syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("%s is a JSON %s, want %s", typ.Field, typ.Value, typ.Type)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON object ends too early"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// hasNUL reports whether a decoded text of the line holds a NUL (the
// escape in raw may be an escaped backslash and "u0000" instead).
func hasNUL(raw []byte) bool {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case string:
			return strings.ContainsRune(v, 0)
		case []any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		case map[string]any:
			for k, e := range v {
				if strings.ContainsRune(k, 0) || walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// checkAddress validates an address with the rules of the address book.
func checkAddress(p *problems, where string, a oldAddress) (address.Input, bool) {
	in, bad := address.Validate(a.Input)
	for _, b := range bad {
		p.add(where+"."+b.Field[len(b.Field)-1], "%s", b.Message)
	}
	return in, len(bad) == 0
}

// checkSIM validates a SIM card of an old account: a well-formed ICCID (its
// spaces dropped), a label of at most 40 characters, and a time it was got
// (RFC 3339, not in the future) or none.
// Its fields are named in reports by field (JSON names, or CSV columns).
func checkSIM(p *problems, field func(string) string, id, label, ownedSince string, now time.Time) (store.LegacySIM, bool) {
	n := len(*p)
	sim := store.LegacySIM{ICCID: strings.Join(strings.Fields(id), ""), Label: strings.TrimSpace(label)}
	if err := checkICCID(sim.ICCID); err != "" {
		p.add(field("iccid"), "%s", err)
	}
	if l := len([]rune(sim.Label)); l > maxLabel {
		p.add(field("label"), "%d characters, at most %d", l, maxLabel)
	}
	if ownedSince = strings.TrimSpace(ownedSince); ownedSince != "" {
		t, ok := checkTime(p, field("ownedSince"), ownedSince, now)
		if ok {
			sim.OwnedSince = &t
		}
	}
	return sim, len(*p) == n
}

// maxLabel matches sim_cards.label.
const maxLabel = 40

// checkTime reads an RFC 3339 time that is not in the future.
func checkTime(p *problems, where, s string, now time.Time) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	switch {
	case err != nil:
		p.add(where, "%q is not an RFC 3339 time such as 2018-06-01T00:00:00Z", s)
		return t, false
	case t.After(now):
		p.add(where, "%s is in the future", s)
		return t, false
	}
	return t, true
}

// statuses are the order statuses an old order may have.
var statuses = map[string]store.OrderStatus{
	string(store.OrderPendingPayment): store.OrderPendingPayment,
	string(store.OrderPaid):           store.OrderPaid,
	string(store.OrderFulfilled):      store.OrderFulfilled,
	string(store.OrderCancelled):      store.OrderCancelled,
	string(store.OrderRefunded):       store.OrderRefunded,
}

// orderNumber is what an old order number may look like.
var orderNumber = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$`)

// checkICCID says why id is not a well-formed ICCID ("" when it is).
func checkICCID(id string) string {
	if err := iccid.Valid(id); err != nil {
		return err.Error()
	}
	return ""
}

// checkOrder validates an old order: its own number (never one like
// TEZ-…), times, status, an ISO 4217 currency, 1 to 20 lines whose sum the
// total covers (the rest is shipping), and a valid shipping address.
func checkOrder(p *problems, where string, o oldOrder, now time.Time) (store.LegacyOrder, bool) {
	n := len(*p)
	out := store.LegacyOrder{Number: strings.TrimSpace(o.Number), Currency: strings.TrimSpace(o.Currency)}
	switch {
	case !orderNumber.MatchString(out.Number):
		p.add(where+".number", "%q is not an order number: 1 to 40 letters, digits, '-', '_', '/' or '.'", out.Number)
	case strings.HasPrefix(strings.ToUpper(out.Number), "TEZ-"):
		p.add(where+".number", "%s looks like a number of this shop: old numbers must not start with TEZ-", out.Number)
	}
	if t, ok := checkTime(p, where+".placedAt", strings.TrimSpace(o.PlacedAt), now); ok {
		out.PlacedAt = t
	}
	status, ok := statuses[strings.TrimSpace(o.Status)]
	if !ok {
		p.add(where+".status", "%q is not PENDING_PAYMENT, PAID, FULFILLED, CANCELLED or REFUNDED", o.Status)
	}
	out.Status = status
	paid := status == store.OrderPaid || status == store.OrderFulfilled || status == store.OrderRefunded
	switch {
	case o.PaidAt != nil && ok && !paid:
		p.add(where+".paidAt", "an order %s was not paid", status)
	case o.PaidAt != nil:
		if t, ok := checkTime(p, where+".paidAt", strings.TrimSpace(*o.PaidAt), now); ok {
			out.PaidAt = &t
		}
	case paid:
		out.PaidAt = &out.PlacedAt // paid when placed, as far as the file tells
	}
	if _, err := currency.ParseISO(out.Currency); err != nil || len(out.Currency) != 3 || strings.ToUpper(out.Currency) != out.Currency {
		p.add(where+".currency", "%q is not an ISO 4217 currency code such as USD", o.Currency)
		return out, false
	}
	if len(o.Items) == 0 || len(o.Items) > orders.MaxLines {
		p.add(where+".items", "%d lines, want 1 to %d", len(o.Items), orders.MaxLines)
	}
	for i, it := range o.Items {
		w := fmt.Sprintf("%s.items[%d]", where, i)
		item := store.LegacyItem{SKU: strings.ToUpper(strings.TrimSpace(it.SKU)), Name: strings.TrimSpace(it.Name), Quantity: it.Quantity}
		if item.SKU == "" || len(item.SKU) > 40 {
			p.add(w+".sku", "want 1 to 40 characters")
		}
		if item.Name == "" || len([]rune(item.Name)) > 200 {
			p.add(w+".name", "want 1 to 200 characters")
		}
		if it.Quantity < 1 || it.Quantity > orders.MaxQuantity {
			p.add(w+".quantity", "%d, want 1 to %d", it.Quantity, orders.MaxQuantity)
		}
		price, ok := checkMoney(p, w+".unitPrice", it.UnitPrice, out.Currency)
		item.UnitPriceMinor = price
		if it.ICCID != nil {
			item.ICCID = strings.Join(strings.Fields(*it.ICCID), "")
			if err := checkICCID(item.ICCID); err != "" {
				p.add(w+".iccid", "%s", err)
			}
		}
		if ok && it.Quantity > 0 {
			out.SubtotalMinor += price * int64(min(it.Quantity, orders.MaxQuantity))
		}
		out.Items = append(out.Items, item)
	}
	if total, ok := checkMoney(p, where+".total", o.Total, out.Currency); ok {
		out.ShippingMinor = total - out.SubtotalMinor
		if out.ShippingMinor < 0 {
			p.add(where+".total", "%s is less than the sum of the lines, %s", o.Total, money.New(out.SubtotalMinor, out.Currency).Decimal())
		}
	}
	if a := o.ShippingAddress; a != nil {
		if in, ok := checkAddress(p, where+".shippingAddress", *a); ok {
			out.Shipping = &store.ShippingAddress{RecipientName: in.RecipientName, Line1: in.Line1, Line2: in.Line2, City: in.City,
				Region: in.Region, PostalCode: in.PostalCode, CountryCode: in.CountryCode, Phone: nonEmpty(in.Phone)}
		}
	}
	return out, len(*p) == n
}

// checkMoney reads a decimal string of at least zero in the currency.
func checkMoney(p *problems, where, s, cur string) (int64, bool) {
	m, err := money.Parse(strings.TrimSpace(s), cur)
	switch {
	case err != nil:
		p.add(where, "%q: %v", s, err)
		return 0, false
	case m.Amount < 0:
		p.add(where, "%s is negative", s)
		return 0, false
	case m.Amount > maxMoney:
		p.add(where, "%s is more than an order can hold", s)
		return 0, false
	}
	return m.Amount, true
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
