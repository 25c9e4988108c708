package graph_test

import (
	"fmt"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// catalogue inserts n active SIM cards, one top-up voucher and one retired
// product, and returns the active SKUs in catalogue order.
func catalogue(t *testing.T, api *apitest.API, n int) []string {
	t.Helper()
	var skus []string
	for i := range n {
		sku := fmt.Sprintf("SIM-%02d", i)
		api.MustExec(`INSERT INTO products (sku, kind, name, description, price, currency, region, active)
			VALUES ($1, 'SIM_CARD', $1, '', 1500, 'USD', 'Europe', true)`, sku)
		skus = append(skus, sku)
	}
	api.MustExec(`INSERT INTO products (sku, kind, name, description, price, currency, voucher_amount, active)
		VALUES ('TOPUP-10', 'TOPUP_VOUCHER', 'Top-up 10', '', 1000, 'USD', 1000, true)`)
	api.MustExec(`INSERT INTO products (sku, kind, name, description, price, currency, active)
		VALUES ('RETIRED', 'ACCESSORY', 'Old case', '', 500, 'USD', false)`)
	return append(skus, "TOPUP-10")
}

type productPage struct {
	Products struct {
		Edges []struct {
			Cursor string
			Node   struct {
				ID, SKU, Kind string
				Price         struct{ Amount, CurrencyCode string }
				VoucherAmount *struct{ Amount string }
			}
		}
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
	}
}

const productsQuery = `query($first: Int, $after: String, $last: Int, $before: String, $kind: ProductKind) {
  products(first: $first, after: $after, last: $last, before: $before, kind: $kind) {
    edges { cursor node { id sku kind price { amount currencyCode } voucherAmount { amount } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`

func TestProductsPaginateThroughTheActiveCatalogue(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	want := catalogue(t, api, 4)

	var got []string
	var after any
	for page := 0; ; page++ {
		var res productPage
		api.Query(apitest.Request{Query: productsQuery, Variables: map[string]any{"first": 2, "after": after}}, &res)
		for _, e := range res.Products.Edges {
			got = append(got, e.Node.SKU)
		}
		if !res.Products.PageInfo.HasNextPage {
			break
		}
		if page > 10 {
			t.Fatal("pagination does not end")
		}
		after = *res.Products.PageInfo.EndCursor
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("paged SKUs = %v, want %v (active only, in order)", got, want)
	}

	t.Run("backwards from the end", func(t *testing.T) {
		var res productPage
		api.Query(apitest.Request{Query: productsQuery, Variables: map[string]any{"last": 2}}, &res)
		var skus []string
		for _, e := range res.Products.Edges {
			skus = append(skus, e.Node.SKU)
		}
		if fmt.Sprint(skus) != fmt.Sprint(want[len(want)-2:]) || !res.Products.PageInfo.HasPreviousPage {
			t.Errorf("last 2 = %v (hasPreviousPage %v), want %v with more before", skus, res.Products.PageInfo.HasPreviousPage, want[len(want)-2:])
		}
	})

	t.Run("money and kind filter", func(t *testing.T) {
		var res productPage
		api.Query(apitest.Request{Query: productsQuery, Variables: map[string]any{"kind": "TOPUP_VOUCHER"}}, &res)
		if len(res.Products.Edges) != 1 {
			t.Fatalf("vouchers = %d, want 1", len(res.Products.Edges))
		}
		n := res.Products.Edges[0].Node
		if n.Price.Amount != "10.00" || n.Price.CurrencyCode != "USD" || n.VoucherAmount == nil || n.VoucherAmount.Amount != "10.00" {
			t.Errorf("voucher = %+v, want price 10.00 USD crediting 10.00", n)
		}
	})

	t.Run("page size is capped", func(t *testing.T) {
		res := api.Do(apitest.Request{Query: productsQuery, Variables: map[string]any{"first": 101}})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" {
			t.Errorf("first: 101 answered %+v, want one BAD_USER_INPUT error", res.Errors)
		}
	})
}

func TestNodeRoundTrip(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	catalogue(t, api, 1)
	var page productPage
	api.Query(apitest.Request{Query: productsQuery, Variables: map[string]any{"first": 1}}, &page)
	id := page.Products.Edges[0].Node.ID

	var res struct {
		Node  *struct{ ID, SKU string }
		Nodes []*struct{ SKU string }
	}
	api.Query(apitest.Request{
		Query:     `query($id: ID!, $ids: [ID!]!) { node(id: $id) { id ... on Product { sku } } nodes(ids: $ids) { ... on Product { sku } } }`,
		Variables: map[string]any{"id": id, "ids": []string{id, "VW5rbm93bjox" /* Unknown:1 */}},
	}, &res)
	if res.Node == nil || res.Node.ID != id || res.Node.SKU != "SIM-00" {
		t.Errorf("node(%s) = %+v, want SIM-00 with the same id", id, res.Node)
	}
	if len(res.Nodes) != 2 || res.Nodes[0] == nil || res.Nodes[0].SKU != "SIM-00" || res.Nodes[1] != nil {
		t.Errorf("nodes = %+v, want [SIM-00, null]", res.Nodes)
	}

	bad := api.Do(apitest.Request{Query: `{ node(id: "not base64!") { id } }`})
	if len(bad.Errors) != 1 || bad.Errors[0].Code() != "BAD_USER_INPUT" {
		t.Errorf("malformed id answered %+v, want BAD_USER_INPUT", bad.Errors)
	}
}
