package main

import (
	"context"
	"fmt"
	"time"

	"github.com/teztelecom/tez/internal/stock"
	"github.com/teztelecom/tez/internal/store"
)

const stockUsage = `usage: tez stock add FILE|-`

func runStock(ctx context.Context, env *environment, args []string) error {
	return dispatch(ctx, env, "stock", stockUsage, args, action{"add", runStockAdd})
}

func runStockAdd(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "stock add", "tez stock add FILE|-   (CSV: iccid,msisdn,sku,activation_code; msisdn may be empty)")
	in, done, err := fs.parseInput(args)
	if err != nil {
		return err
	}
	defer done()
	return withStore(ctx, env, func(s *store.Store) error {
		start := time.Now()
		res, err := stock.New(s).Add(ctx, in)
		took := time.Since(start)
		for _, p := range res.Problems {
			fmt.Fprintf(env.stderr, "line %d: %s\n", p.Line, p.Reason)
		}
		fmt.Fprintf(env.stdout, "stock add: %d lines, %d SIM cards added, %d already in stock, %d refused, in %s (%.0f lines/s)\n",
			res.Lines, res.Added, res.Known, len(res.Problems), took.Round(time.Millisecond), float64(res.Lines)/took.Seconds())
		if err != nil {
			return fmt.Errorf("stock add stopped (the SIM cards counted above are added; adding the file again is safe): %w", err)
		}
		if res.Added > 0 {
			if err := ordersFulfil(ctx, env, s); err != nil {
				return err
			}
		}
		if len(res.Problems) > 0 {
			return fmt.Errorf("stock add: %d lines refused (listed above); the others are in stock", len(res.Problems))
		}
		return nil
	})
}
