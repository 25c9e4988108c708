package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

const ledgerUsage = `usage: tez ledger check
       tez ledger adjust --iccid ICCID --amount DECIMAL --reason TEXT [--key KEY]`

func runLedger(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		return errors.New(ledgerUsage)
	}
	switch args[0] {
	case "check":
		return runLedgerCheck(ctx, env, args[1:])
	case "adjust":
		return runLedgerAdjust(ctx, env, args[1:])
	}
	return fmt.Errorf("unknown ledger action %q\n%s", args[0], ledgerUsage)
}

// newLedger is the ledger under the configured overdraft rule.
func newLedger(env *environment, s *store.Store) *ledger.Ledger {
	return ledger.New(s, ledger.Options{AllowNegativeBalance: env.cfg.AllowNegativeBalance})
}

func runLedgerCheck(ctx context.Context, env *environment, args []string) error {
	if len(args) != 0 {
		return errors.New(ledgerUsage)
	}
	dbase, err := openDatabase(ctx, env, true)
	if err != nil {
		return err
	}
	defer dbase.close()
	s := store.New(dbase.db)
	bad, err := s.LedgerMismatches(ctx)
	if err != nil {
		return err
	}
	if len(bad) == 0 {
		n, err := s.CountSIMs(ctx)
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
	fs := flag.NewFlagSet("ledger adjust", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	iccid := fs.String("iccid", "", "the SIM card")
	amount := fs.String("amount", "", "signed decimal in the SIM's currency: 5.00 credits, -2.50 debits")
	reason := fs.String("reason", "", "why (shown to the customer with the entry)")
	key := fs.String("key", "", "idempotency key, to make a script safe to rerun (default: a new random one)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *iccid == "" || *amount == "" || fs.NArg() != 0 {
		return errors.New(ledgerUsage)
	}
	dbase, err := openDatabase(ctx, env, true)
	if err != nil {
		return err
	}
	defer dbase.close()
	s := store.New(dbase.db)
	e, err := newLedger(env, s).Adjust(ctx, *iccid, *amount, *reason, *key)
	if err != nil {
		return fmt.Errorf("ledger adjust: %w", err)
	}
	sim, err := s.SIMBalance(ctx, *iccid)
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
