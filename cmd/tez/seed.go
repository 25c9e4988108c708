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
	return nil
}
