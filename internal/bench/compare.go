package bench

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/relay"
)

// SameDashboard checks that PostGraphile's answer to its dashboard document
// (postgraphile.Dashboard) says what the tez server's answer to
// graph/documents/dashboard.graphql says, value for value; a difference is
// an error naming the first field that differs and both values.
//
// Both answers are first read into one form (dashboardView): what differs
// only in how each server writes a value is made the same, and nothing
// else. IDs become type and key (tez's global IDs decoded, PostGraphile's
// row ids given the same type names); amounts become minor units and
// currency (tez writes "12.50" USD, PostGraphile the stored 1250 beside
// the currency column); times become instants; bigints, which PostGraphile
// writes as strings, numbers; an empty label or full name, which tez
// answers as null, null; emailVerified is PostGraphile's emailVerifiedAt
// being set; the default address is the one its condition finds. Cursors
// are each server's own and are not compared; hasNextPage is.
func SameDashboard(tez, postgraphile []byte) error {
	a, err := tezDashboard(tez)
	if err != nil {
		return fmt.Errorf("the tez answer: %w", err)
	}
	b, err := postgraphileDashboard(postgraphile)
	if err != nil {
		return fmt.Errorf("PostGraphile's answer: %w", err)
	}
	if reflect.DeepEqual(a, b) {
		return nil
	}
	return fmt.Errorf("the answers differ: %s", firstDiff(toTree(a), toTree(b), "me"))
}

// dashboardView is a dashboard answer in the form both are compared in.
type dashboardView struct {
	ID             string         `json:"id"`
	Email          string         `json:"email"`
	EmailVerified  bool           `json:"emailVerified"`
	FullName       *string        `json:"fullName"`
	DefaultAddress *addressBrief  `json:"defaultAddress"`
	Addresses      []addressView  `json:"addresses"`
	SimCards       []simCardView  `json:"simCards"`
	Orders         ordersPageView `json:"orders"`
}

type addressBrief struct {
	ID          string `json:"id"`
	City        string `json:"city"`
	CountryCode string `json:"countryCode"`
}

type addressView struct {
	ID            string  `json:"id"`
	RecipientName string  `json:"recipientName"`
	Line1         string  `json:"line1"`
	Line2         *string `json:"line2"`
	City          string  `json:"city"`
	PostalCode    string  `json:"postalCode"`
	CountryCode   string  `json:"countryCode"`
	Phone         *string `json:"phone"`
	IsDefault     bool    `json:"isDefault"`
}

type simCardView struct {
	ID      string        `json:"id"`
	ICCID   string        `json:"iccid"`
	MSISDN  *string       `json:"msisdn"`
	Label   *string       `json:"label"`
	Status  string        `json:"status"`
	Balance amount        `json:"balance"`
	Usage   usageView     `json:"usage"`
	Recent  []sessionView `json:"recentUsageSessions"`
}

type usageView struct {
	TotalBytes   int64  `json:"totalBytes"`
	BytesUp      int64  `json:"bytesUp"`
	BytesDown    int64  `json:"bytesDown"`
	SessionCount int64  `json:"sessionCount"`
	Cost         amount `json:"cost"`
}

type sessionView struct {
	ID          string `json:"id"`
	StartedAt   string `json:"startedAt"`
	EndedAt     string `json:"endedAt"`
	BytesUp     int64  `json:"bytesUp"`
	BytesDown   int64  `json:"bytesDown"`
	CountryCode string `json:"countryCode"`
	NetworkName string `json:"networkName"`
	Cost        amount `json:"cost"`
}

type ordersPageView struct {
	TotalCount  int64       `json:"totalCount"`
	HasNextPage bool        `json:"hasNextPage"`
	Orders      []orderView `json:"edges"`
}

type orderView struct {
	ID        string          `json:"id"`
	Number    string          `json:"number"`
	Status    string          `json:"status"`
	CreatedAt string          `json:"createdAt"`
	Total     amount          `json:"total"`
	Items     []orderItemView `json:"items"`
}

type orderItemView struct {
	Quantity  int64        `json:"quantity"`
	ICCID     *string      `json:"iccid"`
	UnitPrice amount       `json:"unitPrice"`
	Product   *productView `json:"product"`
}

type productView struct {
	ID   string `json:"id"`
	SKU  string `json:"sku"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// amount is money in minor units of its currency.
type amount struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

// tezMoney is a Money as the tez server writes it.
type tezMoney struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currencyCode"`
}

func (m tezMoney) view() (amount, error) {
	minor, err := minorUnits(m.Amount, m.CurrencyCode)
	return amount{minor, m.CurrencyCode}, err
}

// minorUnits reads a decimal amount in major units ("12.50") as minor
// units of currency, with exactly the currency's decimal places.
func minorUnits(decimal, currency string) (int64, error) {
	exp := money.Exponent(currency)
	whole, frac, dot := strings.Cut(decimal, ".")
	if dot != (exp > 0) || len(frac) != exp {
		return 0, fmt.Errorf("amount %q: want %d decimal places for %s", decimal, exp, currency)
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("amount %q: %w", decimal, err)
	}
	return n, nil
}

// instant is a timestamp in one spelling: UTC, RFC 3339 with as many
// fractional digits as it has (tez writes "…Z", PostGraphile "…+00:00").
type instant string

func (t *instant) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	*t = instant(at.UTC().Format(time.RFC3339Nano))
	return nil
}

// integer reads a JSON number or a string of one (PostGraphile's BigInt).
type integer int64

func (n *integer) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("integer %s: %w", b, err)
	}
	*n = integer(v)
	return nil
}

// globalKey decodes a tez global ID into "Type:key".
func globalKey(id string) (string, error) {
	typeName, key, err := relay.ParseGlobalID(id)
	if err != nil {
		return "", err
	}
	return typeName + ":" + key, nil
}

// answer reads a GraphQL answer's data into v; errors in it fail.
func answer(body []byte, v any) error {
	var out struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return fmt.Errorf("not JSON: %.200s", body)
	}
	if len(out.Errors) > 0 || len(out.Data) == 0 || string(out.Data) == "null" {
		return fmt.Errorf("no data or errors: %.300s", body)
	}
	return json.Unmarshal(out.Data, v)
}

func tezDashboard(body []byte) (dashboardView, error) {
	var got struct {
		Me *struct {
			ID             string        `json:"id"`
			Email          string        `json:"email"`
			EmailVerified  bool          `json:"emailVerified"`
			FullName       *string       `json:"fullName"`
			DefaultAddress *addressBrief `json:"defaultAddress"`
			Addresses      []addressView `json:"addresses"`
			SimCards       []struct {
				ID      string   `json:"id"`
				ICCID   string   `json:"iccid"`
				MSISDN  *string  `json:"msisdn"`
				Label   *string  `json:"label"`
				Status  string   `json:"status"`
				Balance tezMoney `json:"balance"`
				Usage   struct {
					TotalBytes   integer  `json:"totalBytes"`
					BytesUp      integer  `json:"bytesUp"`
					BytesDown    integer  `json:"bytesDown"`
					SessionCount integer  `json:"sessionCount"`
					Cost         tezMoney `json:"cost"`
				} `json:"usage"`
				Recent []struct {
					ID          string   `json:"id"`
					StartedAt   instant  `json:"startedAt"`
					EndedAt     instant  `json:"endedAt"`
					BytesUp     integer  `json:"bytesUp"`
					BytesDown   integer  `json:"bytesDown"`
					CountryCode string   `json:"countryCode"`
					NetworkName string   `json:"networkName"`
					Cost        tezMoney `json:"cost"`
				} `json:"recentUsageSessions"`
			} `json:"simCards"`
			Orders struct {
				TotalCount integer `json:"totalCount"`
				Edges      []struct {
					Node struct {
						ID        string   `json:"id"`
						Number    string   `json:"number"`
						Status    string   `json:"status"`
						CreatedAt instant  `json:"createdAt"`
						Total     tezMoney `json:"total"`
						Items     []struct {
							Quantity  integer      `json:"quantity"`
							ICCID     *string      `json:"iccid"`
							UnitPrice tezMoney     `json:"unitPrice"`
							Product   *productView `json:"product"`
						} `json:"items"`
					} `json:"node"`
				} `json:"edges"`
				PageInfo struct {
					HasNextPage bool `json:"hasNextPage"`
				} `json:"pageInfo"`
			} `json:"orders"`
		} `json:"me"`
	}
	if err := answer(body, &got); err != nil {
		return dashboardView{}, err
	}
	me := got.Me
	if me == nil {
		return dashboardView{}, fmt.Errorf("me is null: %.300s", body)
	}
	e := &errs{}
	v := dashboardView{ID: e.key(me.ID), Email: me.Email, EmailVerified: me.EmailVerified, FullName: me.FullName,
		DefaultAddress: me.DefaultAddress, Addresses: append([]addressView{}, me.Addresses...), SimCards: []simCardView{}}
	if v.DefaultAddress != nil {
		v.DefaultAddress.ID = e.key(v.DefaultAddress.ID)
	}
	for i := range v.Addresses {
		v.Addresses[i].ID = e.key(v.Addresses[i].ID)
	}
	for _, s := range me.SimCards {
		sim := simCardView{ID: e.key(s.ID), ICCID: s.ICCID, MSISDN: s.MSISDN, Label: s.Label, Status: s.Status,
			Balance: e.money(s.Balance), Recent: []sessionView{},
			Usage: usageView{TotalBytes: int64(s.Usage.TotalBytes), BytesUp: int64(s.Usage.BytesUp), BytesDown: int64(s.Usage.BytesDown),
				SessionCount: int64(s.Usage.SessionCount), Cost: e.money(s.Usage.Cost)}}
		for _, u := range s.Recent {
			sim.Recent = append(sim.Recent, sessionView{ID: e.key(u.ID), StartedAt: string(u.StartedAt), EndedAt: string(u.EndedAt),
				BytesUp: int64(u.BytesUp), BytesDown: int64(u.BytesDown), CountryCode: u.CountryCode, NetworkName: u.NetworkName, Cost: e.money(u.Cost)})
		}
		v.SimCards = append(v.SimCards, sim)
	}
	v.Orders = ordersPageView{TotalCount: int64(me.Orders.TotalCount), HasNextPage: me.Orders.PageInfo.HasNextPage, Orders: []orderView{}}
	for _, edge := range me.Orders.Edges {
		o := edge.Node
		ov := orderView{ID: e.key(o.ID), Number: o.Number, Status: o.Status, CreatedAt: string(o.CreatedAt), Total: e.money(o.Total), Items: []orderItemView{}}
		for _, it := range o.Items {
			item := orderItemView{Quantity: int64(it.Quantity), ICCID: it.ICCID, UnitPrice: e.money(it.UnitPrice), Product: it.Product}
			if item.Product != nil {
				item.Product.ID = e.key(item.Product.ID)
			}
			ov.Items = append(ov.Items, item)
		}
		v.Orders.Orders = append(v.Orders.Orders, ov)
	}
	return v, e.err
}

// errs keeps the first error of a conversion, so that it reads as a list
// of fields rather than a check per field.
type errs struct{ err error }

func (e *errs) key(id string) string {
	k, err := globalKey(id)
	if err != nil && e.err == nil {
		e.err = err
	}
	return k
}

func (e *errs) money(m tezMoney) amount {
	a, err := m.view()
	if err != nil && e.err == nil {
		e.err = err
	}
	return a
}

func postgraphileDashboard(body []byte) (dashboardView, error) {
	type nodes[T any] struct {
		Nodes []T `json:"nodes"`
	}
	var got struct {
		User *struct {
			RowID           integer `json:"rowId"`
			Email           string  `json:"email"`
			EmailVerifiedAt *string `json:"emailVerifiedAt"`
			FullName        string  `json:"fullName"`
			DefaultAddress  nodes[struct {
				RowID       integer `json:"rowId"`
				City        string  `json:"city"`
				CountryCode string  `json:"countryCode"`
			}] `json:"defaultAddress"`
			Addresses nodes[json.RawMessage] `json:"addressesByUserId"`
			SimCards  nodes[struct {
				ICCID    string  `json:"iccid"`
				MSISDN   *string `json:"msisdn"`
				Label    string  `json:"label"`
				Status   string  `json:"status"`
				Balance  integer `json:"balance"`
				Currency string  `json:"currency"`
				Usage    nodes[struct {
					TotalBytes   integer `json:"totalBytes"`
					BytesUp      integer `json:"bytesUp"`
					BytesDown    integer `json:"bytesDown"`
					SessionCount integer `json:"sessionCount"`
					Cost         integer `json:"cost"`
				}] `json:"usage"`
				Recent nodes[struct {
					RowID       integer `json:"rowId"`
					StartedAt   instant `json:"startedAt"`
					EndedAt     instant `json:"endedAt"`
					BytesUp     integer `json:"bytesUp"`
					BytesDown   integer `json:"bytesDown"`
					CountryCode string  `json:"countryCode"`
					NetworkName string  `json:"networkName"`
					Cost        integer `json:"cost"`
					Currency    string  `json:"currency"`
				}] `json:"recentUsageSessions"`
			}] `json:"simCardsByUserId"`
			Orders struct {
				TotalCount integer `json:"totalCount"`
				Nodes      []struct {
					RowID     integer `json:"rowId"`
					Number    string  `json:"number"`
					Status    string  `json:"status"`
					CreatedAt instant `json:"createdAt"`
					Total     integer `json:"total"`
					Currency  string  `json:"currency"`
					Items     nodes[struct {
						Quantity  integer `json:"quantity"`
						ICCID     *string `json:"iccid"`
						UnitPrice integer `json:"unitPrice"`
						Currency  string  `json:"currency"`
						Product   *struct {
							RowID integer `json:"rowId"`
							SKU   string  `json:"sku"`
							Name  string  `json:"name"`
							Kind  string  `json:"kind"`
						} `json:"productByProductId"`
					}] `json:"orderItemsByOrderId"`
				} `json:"nodes"`
				PageInfo struct {
					HasNextPage bool `json:"hasNextPage"`
				} `json:"pageInfo"`
			} `json:"ordersByUserId"`
		} `json:"userByRowId"`
	}
	if err := answer(body, &got); err != nil {
		return dashboardView{}, err
	}
	u := got.User
	if u == nil {
		return dashboardView{}, fmt.Errorf("userByRowId is null: %.300s", body)
	}
	v := dashboardView{ID: rowKey("User", u.RowID), Email: u.Email, EmailVerified: u.EmailVerifiedAt != nil, FullName: nonEmpty(u.FullName),
		Addresses: []addressView{}, SimCards: []simCardView{}}
	switch n := len(u.DefaultAddress.Nodes); {
	case n > 1:
		return dashboardView{}, fmt.Errorf("%d default addresses", n)
	case n == 1:
		a := u.DefaultAddress.Nodes[0]
		v.DefaultAddress = &addressBrief{ID: rowKey("Address", a.RowID), City: a.City, CountryCode: a.CountryCode}
	}
	for _, raw := range u.Addresses.Nodes {
		// An address is written alike by both but for its id (rowId here).
		var a addressView
		var id struct {
			RowID integer `json:"rowId"`
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return dashboardView{}, err
		}
		if err := json.Unmarshal(raw, &id); err != nil {
			return dashboardView{}, err
		}
		a.ID = rowKey("Address", id.RowID)
		v.Addresses = append(v.Addresses, a)
	}
	for _, s := range u.SimCards.Nodes {
		// The totals are a set of one row (setup.sql says why).
		if len(s.Usage.Nodes) != 1 {
			return dashboardView{}, fmt.Errorf("SIM %s: %d usage totals, want 1", s.ICCID, len(s.Usage.Nodes))
		}
		t := s.Usage.Nodes[0]
		sim := simCardView{ID: "SimCard:" + s.ICCID, ICCID: s.ICCID, MSISDN: s.MSISDN, Label: nonEmpty(s.Label), Status: s.Status,
			Balance: amount{int64(s.Balance), s.Currency}, Recent: []sessionView{},
			Usage: usageView{TotalBytes: int64(t.TotalBytes), BytesUp: int64(t.BytesUp), BytesDown: int64(t.BytesDown),
				SessionCount: int64(t.SessionCount), Cost: amount{int64(t.Cost), s.Currency}}}
		for _, r := range s.Recent.Nodes {
			sim.Recent = append(sim.Recent, sessionView{ID: fmt.Sprintf("UsageSession:%s|%d", r.StartedAt, r.RowID), StartedAt: string(r.StartedAt),
				EndedAt: string(r.EndedAt), BytesUp: int64(r.BytesUp), BytesDown: int64(r.BytesDown), CountryCode: r.CountryCode,
				NetworkName: r.NetworkName, Cost: amount{int64(r.Cost), r.Currency}})
		}
		v.SimCards = append(v.SimCards, sim)
	}
	v.Orders = ordersPageView{TotalCount: int64(u.Orders.TotalCount), HasNextPage: u.Orders.PageInfo.HasNextPage, Orders: []orderView{}}
	for _, o := range u.Orders.Nodes {
		ov := orderView{ID: rowKey("Order", o.RowID), Number: o.Number, Status: o.Status, CreatedAt: string(o.CreatedAt),
			Total: amount{int64(o.Total), o.Currency}, Items: []orderItemView{}}
		for _, it := range o.Items.Nodes {
			item := orderItemView{Quantity: int64(it.Quantity), ICCID: it.ICCID, UnitPrice: amount{int64(it.UnitPrice), it.Currency}}
			if p := it.Product; p != nil {
				item.Product = &productView{ID: rowKey("Product", p.RowID), SKU: p.SKU, Name: p.Name, Kind: p.Kind}
			}
			ov.Items = append(ov.Items, item)
		}
		v.Orders.Orders = append(v.Orders.Orders, ov)
	}
	return v, nil
}

func rowKey(typeName string, id integer) string {
	return typeName + ":" + strconv.FormatInt(int64(id), 10)
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// toTree is v as JSON's generic values, for firstDiff.
func toTree(v any) any {
	b, _ := json.Marshal(v) // the views always marshal
	var t any
	_ = json.Unmarshal(b, &t)
	return t
}

// firstDiff names the first place two JSON trees differ, in key order, and
// what each side holds there.
func firstDiff(a, b any, path string) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if d := firstDiff(x[k], y[k], path+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok {
			break
		}
		for i := range min(len(x), len(y)) {
			if d := firstDiff(x[i], y[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		if len(x) != len(y) {
			return fmt.Sprintf("%s: tez has %d, PostGraphile %d", path, len(x), len(y))
		}
		return ""
	}
	if reflect.DeepEqual(a, b) {
		return ""
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return fmt.Sprintf("%s: tez %s, PostGraphile %s", path, ja, jb)
}
