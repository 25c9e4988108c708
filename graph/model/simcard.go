package model

import (
	"time"

	"github.com/teztelecom/tez/internal/money"
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
