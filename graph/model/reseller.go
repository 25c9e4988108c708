package model

import "github.com/teztelecom/tez/internal/store"

// Reseller is the partner calling with its API key: its name, not its
// limits.
type Reseller struct {
	Name string
	// RowID is the reseller's key, which its SIM cards are read by.
	RowID int64
}

// NewReseller converts a reseller.
func NewReseller(r *store.Reseller) *Reseller { return one(r, newReseller) }

func newReseller(r *store.Reseller) Reseller { return Reseller{Name: r.Name, RowID: r.ID} }
