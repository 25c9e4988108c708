package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/server"
	"github.com/teztelecom/tez/internal/store"
)

const ledgerUsage = `usage: tez ledger check
       tez ledger adjust --iccid ICCID --amount DECIMAL --reason TEXT [--key KEY]`

func runLedger(ctx context.Context, env *environment, args []string) error {
	return dispatch(ctx, env, "ledger", ledgerUsage, args,
		storeAction("ledger", "check", ledgerCheck),
		action{"adjust", runLedgerAdjust})
}

// newLedger is the ledger under the configured overdraft rule, with its
// alerts (server.NewLedger).
func newLedger(env *environment, s *store.Store) *ledger.Ledger {
	return server.NewLedger(env.cfg, s)
}

func ledgerCheck(ctx context.Context, env *environment, s *store.Store) error {
	bad, err := s.LedgerMismatches(ctx, s.DB())
	if err != nil {
		return err
	}
	if len(bad) == 0 {
		n, err := s.CountSIMs(ctx, s.DB())
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "ledger check: all %d SIMs agree with their ledger\n", n)
		return nil
	}
	names := make([]string, len(bad))
	for i, m := range bad {
		names[i] = m.ICCID
		last := "none"
		if m.LastBalanceAfter != nil {
			last = money.New(*m.LastBalanceAfter, m.Currency).String()
		}
		fmt.Fprintf(env.stdout, "%s  balance %s, entries sum %s; overdraft %s, entries' overdraft %s; latest entry left %s\n",
			m.ICCID, money.New(m.Balance, m.Currency), money.New(m.EntriesSum, m.Currency),
			money.New(m.Overdraft, m.Currency), money.New(m.EntriesOverdraft, m.Currency), last)
	}
	if len(names) > 20 {
		names = append(names[:20], "…")
	}
	return fmt.Errorf("ledger check: %d SIMs disagree with their ledger: %s", len(bad), strings.Join(names, ", "))
}

func runLedgerAdjust(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "ledger adjust", "tez ledger adjust --iccid ICCID --amount DECIMAL --reason TEXT [--key KEY]")
	iccid := fs.String("iccid", "", "the SIM card")
	amount := fs.String("amount", "", "signed decimal in the SIM's currency: 5.00 credits, -2.50 debits")
	reason := fs.String("reason", "", "why (shown to the customer with the entry)")
	key := fs.String("key", "", "idempotency key, to make a script safe to rerun (default: a new random one)")
	fs.required = []string{"iccid", "amount"}
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	return withStore(ctx, env, func(s *store.Store) error { return ledgerAdjust(ctx, env, s, *iccid, *amount, *reason, *key) })
}

func ledgerAdjust(ctx context.Context, env *environment, s *store.Store, iccid, amount, reason, key string) error {
	e, err := newLedger(env, s).Adjust(ctx, iccid, amount, reason, key)
	if err != nil {
		return fmt.Errorf("ledger adjust: %w", err)
	}
	sim, err := s.SIMBalance(ctx, s.DB(), iccid)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "entry %d: %s %s on %s (key %s); balance after %s\n",
		e.ID, e.Kind, money.New(e.Amount, sim.Currency), e.ICCID, e.IdempotencyKey, money.New(e.BalanceAfter, sim.Currency))
	if e.Overdraft > 0 {
		fmt.Fprintf(env.stderr, "tez: %s of the debit exceeded the balance: recorded as overdraft; SIM is %s\n",
			money.New(e.Overdraft, sim.Currency), sim.Status)
	}
	return nil
}
