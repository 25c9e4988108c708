package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/teztelecom/tez/migrations"
)

// Migrations returns a goose provider over the embedded migrations (no goose
// global state). Migrations written on parallel branches land with numbers
// below ones a database may have applied already; they are applied too
// (each migration stands alone), not refused.
//
// Several servers starting at once (a deploy behind a balancer) migrate one
// after the other: a row in goose_lock, not a session advisory lock, so it
// holds behind a transaction pooler too. The others wait for it (up to 5
// minutes), then find nothing pending.
func Migrations(db *sql.DB) (*goose.Provider, error) {
	locker, err := lock.NewPostgresTableLocker(lock.WithTableLockTimeout(250*time.Millisecond, 1200))
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithAllowOutofOrder(true), goose.WithLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every pending migration.
func Migrate(ctx context.Context, db *sql.DB) error {
	p, err := Migrations(db)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}
