package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/store"
)

const ordersUsage = `usage: tez orders fulfil`

func runOrders(ctx context.Context, env *environment, args []string) error {
	if len(args) != 1 || args[0] != "fulfil" {
		return errors.New(ordersUsage)
	}
	dbase, err := openDatabase(ctx, env, true)
	if err != nil {
		return err
	}
	defer dbase.close()
	s := store.New(dbase.db)
	svc := orders.NewService(s, newLedger(env, s), orders.Options{ShopURL: env.cfg.ShopURL, Log: env.log})
	done, err := svc.FulfilWaiting(ctx)
	for _, w := range done {
		line := fmt.Sprintf("%s: %s", w.Number, w.Status)
		for i, m := range w.Missing {
			sep := ", still waiting for "
			if i > 0 {
				sep = ", "
			}
			line += fmt.Sprintf("%s%d × %s", sep, m.Count, m.SKU)
		}
		fmt.Fprintln(env.stdout, line)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "orders fulfil: %d paid orders looked at\n", len(done))
	return nil
}
