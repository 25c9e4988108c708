package server

import (
	"strings"

	"github.com/teztelecom/tez/internal/alerts"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/store"
)

// NewLedger is the ledger as every process that changes balances runs it
// (the server, `tez usage import`, `tez ledger adjust`): under the
// configured overdraft rule, with the owners' alerts hanging off its
// transactions.
func NewLedger(cfg config.Config, st *store.Store) *ledger.Ledger {
	return ledger.New(st, ledger.Options{
		AllowNegativeBalance: cfg.AllowNegativeBalance,
		Hooks:                []ledger.Hook{alerts.New(st, strings.TrimRight(cfg.ShopURL, "/")+"/")},
	})
}
