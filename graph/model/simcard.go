package model

import (
	"time"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
)

// BalanceEntry is one change of a SIM's balance.
type BalanceEntry struct {
	CreatedAt    time.Time
	Kind         BalanceEntryKind
	Amount       money.Money
	Overdraft    money.Money
	BalanceAfter money.Money
	Reference    string
}

func newBalanceEntry(e *store.SIMBalanceEntry) BalanceEntry {
	return BalanceEntry{
		CreatedAt: e.CreatedAt, Kind: BalanceEntryKind(e.Kind), Amount: money.New(e.Amount, e.Currency),
		Overdraft: money.New(e.Overdraft, e.Currency), BalanceAfter: money.New(e.BalanceAfter, e.Currency), Reference: e.Reference,
	}
}

// SimCard is one of the customer's SIM cards, without its owner's or
// reseller's ids.
type SimCard struct {
	ID          string
	ICCID       string
	MSISDN      *string
	Label       *string
	Status      SimStatus
	Balance     money.Money
	Overdraft   money.Money
	LastUsageAt *time.Time
	BalanceAsOf time.Time
	Alerts      SimCardAlerts
}

// NewSimCard converts a SIM card; nil stays nil.
func NewSimCard(s *store.SimCard) *SimCard { return one(s, newSimCard) }

// NewSimCards converts a list of SIM cards, in order.
func NewSimCards(ss []store.SimCard) []SimCard { return all(ss, newSimCard) }

func newSimCard(s *store.SimCard) SimCard {
	return SimCard{
		ID: relay.GlobalID(relay.TypeSimCard, s.ICCID), ICCID: s.ICCID, MSISDN: s.MSISDN, Label: nonEmpty(s.LabelText),
		Status: SimStatus(s.Status), Balance: money.New(s.BalanceMinor, s.Currency),
		Overdraft: money.New(s.OverdraftMinor, s.Currency), LastUsageAt: s.LastUsage(), BalanceAsOf: s.BalanceAsOf,
		Alerts: SimCardAlerts{
			LowBalanceThreshold: optionalMoney(s.LowBalanceThresholdMinor, s.Currency), RunOutWarningDays: s.RunOutWarningDays,
		},
	}
}
