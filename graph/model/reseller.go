package model

import (
	"time"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

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

// ResellerSimCard is a SIM card as its reseller sees it: no owner, label
// or history.
type ResellerSimCard struct {
	ICCID       string
	MSISDN      *string
	Status      SimStatus
	Balance     money.Money
	LastUsageAt *time.Time
	BalanceAsOf time.Time
}

// NewResellerSimCards converts a reseller's SIM cards, in order.
func NewResellerSimCards(ss []store.ResellerSIM) []ResellerSimCard {
	return all(ss, newResellerSimCard)
}

func newResellerSimCard(s *store.ResellerSIM) ResellerSimCard {
	return ResellerSimCard{ICCID: s.ICCID, MSISDN: s.MSISDN, Status: SimStatus(s.Status), Balance: money.New(s.BalanceMinor, s.Currency),
		LastUsageAt: s.LastUsageAt, BalanceAsOf: s.BalanceAsOf}
}
