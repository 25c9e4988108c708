package graph_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
)

// A page of orders that shows their lines reads them in its own statement,
// however the lines are asked (a fragment, an alias, a page from the end),
// and answers the same lines as an order read alone; one that does not
// show them reads none; an order without lines shows none; a line whose
// product left the catalogue keeps its SKU and no product.
func TestAPageOfOrdersReadsItsLinesInItsStatement(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	a := newAccount(t, api, "page-items@x.example", 0, 4, 0)
	second := newAccount(t, api, "page-items-2@x.example", 0, 2, 0)
	// The newest order has no lines; the oldest one's first line lost its product.
	api.MustExec(`DELETE FROM order_items WHERE order_id = (SELECT id FROM orders WHERE number = $1)`, a.orders[0])
	api.MustExec(`UPDATE order_items SET product_id = NULL, sku = 'GONE-1' WHERE line_no = 1 AND order_id = (SELECT id FROM orders WHERE number = $1)`, a.orders[3])

	type line struct {
		SKU     string
		Product *struct{ SKU string }
	}
	type page struct {
		Me struct {
			Orders struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Number string
						Items  []line
						Lines  []line
					}
				}
			}
		}
	}
	alone := func(number string) []line {
		var out struct {
			Me struct{ Order struct{ Items []line } }
		}
		api.Query(apitest.Request{Query: `query($n: String!) { me { order(number: $n) { items { sku product { sku } } } } }`,
			Variables: map[string]any{"n": number}, Token: a.token}, &out)
		return out.Me.Order.Items
	}
	bare := countedQuery(t, api, apitest.Request{Query: `{ me { orders(first: 4) { totalCount edges { node { number } } } } }`, Token: a.token}, &page{})

	for name, query := range map[string]string{
		"fields":       `{ me { orders(first: 4) { totalCount edges { node { number items { sku product { sku } } } } } } }`,
		"a fragment":   `{ me { orders(first: 4) { totalCount edges { ...E } } } } fragment E on OrderEdge { node { number ... on Order { items { sku product { sku } } } } }`,
		"an alias":     `{ me { orders(first: 4) { totalCount edges { node { number lines: items { sku product { sku } } } } } } }`,
		"from the end": `{ me { orders(last: 4) { totalCount edges { node { number items { sku product { sku } } } } } } }`,
	} {
		t.Run(name, func(t *testing.T) {
			var got page
			if n := countedQuery(t, api, apitest.Request{Query: query, Token: a.token}, &got); n != bare {
				t.Errorf("%d statements, %d without the lines; want the same", n, bare)
			}
			var numbers []string
			for _, e := range got.Me.Orders.Edges {
				numbers = append(numbers, e.Node.Number)
				lines := e.Node.Items
				if e.Node.Lines != nil { // asked under an alias
					lines = e.Node.Lines
				}
				if want := alone(e.Node.Number); asJSON(lines) != asJSON(want) {
					t.Errorf("order %s: lines %s on the page, %s read alone", e.Node.Number, asJSON(lines), asJSON(want))
				}
			}
			if got.Me.Orders.TotalCount != 4 || !slices.Equal(numbers, a.orders) {
				t.Errorf("page: %v (of %d), want %v (of 4)", numbers, got.Me.Orders.TotalCount, a.orders)
			}
		})
	}
	if got := alone(a.orders[0]); len(got) != 0 {
		t.Errorf("the order without lines shows %+v", got)
	}
	if got := alone(a.orders[3]); len(got) != 2 || got[0].SKU != "GONE-1" || got[0].Product != nil || got[1].Product == nil {
		t.Errorf("the oldest order's lines = %+v, want GONE-1 without a product, then one with", got)
	}
	// Another customer's page shows only their own orders' lines.
	var theirs page
	countedQuery(t, api, apitest.Request{Query: `{ me { orders(first: 4) { edges { node { number items { sku } } } } } }`, Token: second.token}, &theirs)
	if n := len(theirs.Me.Orders.Edges); n != 2 || len(theirs.Me.Orders.Edges[0].Node.Items) != 2 {
		t.Errorf("the second customer's page = %+v, want their 2 orders with 2 lines each", theirs.Me.Orders.Edges)
	}
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
