package model

import (
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
)

// Product is an entry of the catalogue.
type Product struct {
	ID            string
	Sku           string
	Kind          ProductKind
	Name          string
	Description   string
	Price         money.Money
	VoucherAmount *money.Money
	Region        *string
	Active        bool
}

// NewProduct converts a product; nil stays nil.
func NewProduct(p *store.Product) *Product { return one(p, newProduct) }

func newProduct(p *store.Product) Product {
	return Product{
		ID: rowGlobalID(relay.TypeProduct, p.ID), Sku: p.SKU, Kind: ProductKind(p.Kind), Name: p.Name,
		Description: p.Description, Price: money.New(p.PriceMinor, p.Currency),
		VoucherAmount: optionalMoney(p.VoucherMinor, p.Currency), Region: p.Region, Active: p.Active,
	}
}
