package main

import (
	"context"
	"fmt"

	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/store"
)

const ordersUsage = `usage: tez orders fulfil`

func runOrders(ctx context.Context, env *environment, args []string) error {
	return dispatch(ctx, env, "orders", ordersUsage, args, storeAction("orders", "fulfil", ordersFulfil))
}

// ordersFulfil fulfils what stock allows and says what still waits.
func ordersFulfil(ctx context.Context, env *environment, s *store.Store) error {
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
