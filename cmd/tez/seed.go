package main

import (
	"context"
	"fmt"

	"github.com/teztelecom/tez/internal/seed"
)

func runSeed(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "seed", "tez seed [--scale N]")
	scale := fs.Int("scale", 0, "also generate this many customers for benchmarks (customer-<n>@seed.tez.example)")
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	return withDatabase(ctx, env, dbOptions{}, func(d *database) error {
		if err := seed.Demo(ctx, d.st); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "demo data loaded: sign in as %s / %s\n", seed.DemoEmail, seed.DemoPassword)
		if *scale > 0 {
			rep, err := seed.Scale(ctx, d.st, *scale)
			if err != nil {
				return err
			}
			if rep.Customers == 0 {
				fmt.Fprintf(env.stdout, "%d generated customers already there\n", *scale)
				return nil
			}
			fmt.Fprintf(env.stdout, "generated %s; sign in as %s / %s\n", rep, seed.ScaleEmail(1), seed.ScalePassword)
		}
		return nil
	})
}
