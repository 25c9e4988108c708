package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/relay"
)

// ProductKind is what a product is.
type ProductKind string

// The kinds of products the shop sells.
const (
	ProductSIMCard      ProductKind = "SIM_CARD"
	ProductTopupVoucher ProductKind = "TOPUP_VOUCHER"
	ProductAccessory    ProductKind = "ACCESSORY"
)

// Product is a catalogue entry.
type Product struct {
	ID           int64       `db:"id"`
	SKU          string      `db:"sku"`
	Kind         ProductKind `db:"kind"`
	Name         string      `db:"name"`
	Description  string      `db:"description"`
	PriceMinor   int64       `db:"price"`
	Currency     string      `db:"currency"`
	VoucherMinor *int64      `db:"voucher_amount"`
	Region       *string     `db:"region"`
	Active       bool        `db:"active"`
	CreatedAt    time.Time   `db:"created_at"`
}

// ProductFilter selects a page of the active catalogue.
type ProductFilter struct {
	Kind *ProductKind
	Page relay.Page
}

// productCols are the columns of a positional read of a Product, each beside its
// scan target (see queryRows).
var productCols = columns[Product]{
	{"id", func(p *Product) any { return &p.ID }},
	{"sku", func(p *Product) any { return &p.SKU }},
	{"kind", func(p *Product) any { return &p.Kind }},
	{"name", func(p *Product) any { return &p.Name }},
	{"description", func(p *Product) any { return &p.Description }},
	{"price", func(p *Product) any { return &p.PriceMinor }},
	{"currency", func(p *Product) any { return &p.Currency }},
	{"voucher_amount", func(p *Product) any { return &p.VoucherMinor }},
	{"region", func(p *Product) any { return &p.Region }},
	{"active", func(p *Product) any { return &p.Active }},
	{"created_at", func(p *Product) any { return &p.CreatedAt }},
}

var productColumns = productCols.list()

// %s is the order: by id, or by id descending for a backward page.
var activeProducts = `
SELECT ` + productColumns + `
FROM products
WHERE active
  AND ($1::text IS NULL OR kind::text = $1)
  AND ($2::bigint IS NULL OR id > $2)
  AND ($3::bigint IS NULL OR id < $3)
ORDER BY %s
LIMIT $4`

var activeProductsPaged = paged{fmt.Sprintf(activeProducts, "id"), fmt.Sprintf(activeProducts, "id DESC")}

// FindProducts returns one page of the active catalogue in id order, fetched
// with one row more than the page (see relay.Cut).
func (s *Store) FindProducts(ctx context.Context, q Querier, f ProductFilter) ([]Product, error) {
	after, err := keyInt(f.Page.After)
	if err != nil {
		return nil, err
	}
	before, err := keyInt(f.Page.Before)
	if err != nil {
		return nil, err
	}
	query := activeProductsPaged.query(f.Page.Backward)
	var products []Product
	err = q.SelectContext(ctx, &products, query, f.Kind, after, before, f.Page.Fetch())
	return products, mapError(err, "products")
}

// ProductCursor is the cursor of a product in FindProducts order.
func ProductCursor(p Product) string { return relay.EncodeCursor(Key(p.ID)) }

var productsByID = `SELECT ` + productColumns + ` FROM products WHERE id = ANY($1)`

// ProductsByID loads products, retired ones included (old orders show them).
func (s *Store) ProductsByID(ctx context.Context, q Querier, ids []int64) (map[int64]Product, error) {
	out, err := selectKeyed(ctx, q, func(p Product) int64 { return p.ID }, productsByID, pq.Array(ids))
	return out, mapError(err, "products")
}
