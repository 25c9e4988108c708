// Package ledgertest sets up the ledger's tests and those that post
// through it (usage import, top-ups): a fresh database with a store and a
// ledger on it, and the check that every balance equals its entries.
package ledgertest

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// Fixture is a test's own database, its store and a ledger on it.
type Fixture struct {
	DB     *sqlx.DB
	Store  *store.Store
	Ledger *ledger.Ledger
}

// New makes a Fixture on a fresh database (testdb.New).
func New(t testing.TB, opts ledger.Options) Fixture {
	t.Helper()
	db := testdb.New(t)
	s := store.New(db)
	return Fixture{DB: db, Store: s, Ledger: ledger.New(s, opts)}
}

// Balance is the SIM's balance now.
func (f Fixture) Balance(t testing.TB, iccid string) store.SIMBalance {
	t.Helper()
	b, err := f.Store.SIMBalance(context.Background(), f.Store.DB(), iccid)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// CheckClean fails the test when a balance disagrees with its ledger.
func (f Fixture) CheckClean(t testing.TB) { CheckClean(t, f.Store) }

// CheckClean fails the test when a balance in st disagrees with its ledger.
func CheckClean(t testing.TB, st *store.Store) {
	t.Helper()
	bad, err := st.LedgerMismatches(context.Background(), st.DB())
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("ledger check: %+v disagree", bad)
	}
}
