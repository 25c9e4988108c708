package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/teztelecom/tez/internal/store"
)

func runMigrate(ctx context.Context, env *environment, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: tez migrate up|down|status")
	}
	dbase, err := openDatabase(ctx, env, false)
	if err != nil {
		return err
	}
	defer dbase.close()
	p, err := store.Migrations(dbase.db.DB)
	if err != nil {
		return err
	}
	switch args[0] {
	case "up":
		results, err := p.Up(ctx)
		if err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
		for _, r := range results {
			fmt.Fprintf(env.stdout, "applied %s\n", r.Source.Path)
		}
		v, err := p.GetDBVersion(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "database at version %d\n", v)
	case "down":
		res, err := p.Down(ctx)
		if err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
		fmt.Fprintf(env.stdout, "rolled back %s\n", res.Source.Path)
	case "status":
		statuses, err := p.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range statuses {
			applied := "pending"
			if !s.AppliedAt.IsZero() {
				applied = "applied " + s.AppliedAt.Format("2006-01-02 15:04:05")
			}
			fmt.Fprintf(env.stdout, "%5d  %-40s %s\n", s.Source.Version, s.Source.Path, applied)
		}
	default:
		return fmt.Errorf("unknown migrate action %q: want up, down or status", args[0])
	}
	return nil
}
