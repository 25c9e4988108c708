package server

import (
	"github.com/teztelecom/tez/internal/alerts"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/webhooks"
)

// NewLedger is the ledger as every process that changes balances runs it
// (the server, `tez usage import`, `tez ledger adjust`): under the
// configured overdraft rule, with the owners' alerts and the partners'
// webhook events hanging off its transactions.
func NewLedger(cfg config.Config, st *store.Store) *ledger.Ledger {
	return newLedger(cfg, st, alerts.New(st, cfg.PublicURL), webhooks.NewEvents(st))
}

// LedgerWithoutHooks is NewLedger with no alerts and no webhook events:
// only the baseline `tez usage bench --no-hooks` measures their cost
// against.
func LedgerWithoutHooks(cfg config.Config, st *store.Store) *ledger.Ledger {
	return newLedger(cfg, st)
}

func newLedger(cfg config.Config, st *store.Store, hooks ...ledger.Hook) *ledger.Ledger {
	return ledger.New(st, ledger.Options{AllowNegativeBalance: cfg.AllowNegativeBalance, Hooks: hooks})
}

// WebhookWorker makes the worker posting this server's partner webhooks;
// production without TEZ_WEBHOOK_KEY answers webhooks.ErrNoKey.
func (s *Server) WebhookWorker(opts webhooks.WorkerOptions) (*webhooks.Worker, error) {
	sealer, err := webhooks.NewSealer(s.cfg.WebhookKey, s.cfg.Production())
	if err != nil {
		return nil, err
	}
	return webhooks.NewWorker(s.store, sealer, webhooks.PolicyFor(s.cfg.Production(), s.cfg.WebhookAllowPrivate), s.log, opts), nil
}
