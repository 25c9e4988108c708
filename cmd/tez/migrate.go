package main

import (
	"context"
	"fmt"

	"github.com/pressly/goose/v3"

	"github.com/teztelecom/tez/internal/store"
)

const migrateUsage = `usage: tez migrate up       apply the pending migrations
       tez migrate down     roll back the latest one
       tez migrate status   list the migrations, applied or pending`

func runMigrate(ctx context.Context, env *environment, args []string) error {
	return dispatch(ctx, env, "migrate", migrateUsage, args,
		action{"up", migrateAction("up", migrateUp)},
		action{"down", migrateAction("down", migrateDown)},
		action{"status", migrateAction("status", migrateStatus)})
}

// migrateAction reads the action's (empty) command line, then runs it on the
// database as it is: migrating first would leave nothing to do.
func migrateAction(name string, fn func(ctx context.Context, env *environment, p *goose.Provider) error) func(context.Context, *environment, []string) error {
	return func(ctx context.Context, env *environment, args []string) error {
		if err := newFlags(env, "migrate "+name, "tez migrate "+name).parse(args, 0, 0); err != nil {
			return err
		}
		return withDatabase(ctx, env, dbOptions{noMigrate: true}, func(d *database) error {
			p, err := store.Migrations(d.st.DB().Primary().DB)
			if err != nil {
				return err
			}
			return fn(ctx, env, p)
		})
	}
}

func migrateUp(ctx context.Context, env *environment, p *goose.Provider) error {
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
	return nil
}

func migrateDown(ctx context.Context, env *environment, p *goose.Provider) error {
	res, err := p.Down(ctx)
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	fmt.Fprintf(env.stdout, "rolled back %s\n", res.Source.Path)
	return nil
}

func migrateStatus(ctx context.Context, env *environment, p *goose.Provider) error {
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
	return nil
}
