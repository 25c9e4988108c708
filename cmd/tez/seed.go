package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/teztelecom/tez/internal/seed"
)

func runSeed(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	scale := fs.Int("scale", 0, "also generate this many customers for benchmarks (customer-<n>@seed.tez.example)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dbase, err := openDatabase(ctx, env, true)
	if err != nil {
		return err
	}
	defer dbase.close()
	if err := seed.Demo(ctx, dbase.db); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "demo data loaded: sign in as %s / %s\n", seed.DemoEmail, seed.DemoPassword)
	if *scale > 0 {
		rep, err := seed.Scale(ctx, dbase.db, *scale)
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
}
