// Package store holds all the SQL of the service: one file per aggregate,
// each statement a named constant. It knows nothing of GraphQL or HTTP.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/sqlcount"
)

// Store reads and writes the service's data.
type Store struct {
	db    *sqlx.DB
	spans spanCache
}

// New wraps an open database.
func New(db *sqlx.DB) *Store { return &Store{db: db} }

// DB is the underlying handle, for health checks and pool statistics.
func (s *Store) DB() *sqlx.DB { return s.db }

// PoolOptions size the connection pool and bound statements.
type PoolOptions struct {
	MaxConns         int
	StatementTimeout time.Duration
}

// Open connects with lib/pq, counting statements (internal/sqlcount). It turns on binary_parameters (one round trip
// per parameterised query instead of two) and sets statement_timeout for
// every connection through the DSN, so no statement can run unbounded.
func Open(ctx context.Context, dsn string, opts PoolOptions) (*sqlx.DB, error) {
	params := map[string]string{
		"binary_parameters": "yes",
		"application_name":  "tez",
	}
	if opts.StatementTimeout > 0 {
		params["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	}
	full, err := withParams(dsn, params)
	if err != nil {
		return nil, err
	}
	sqlDB, err := sqlcount.Open(full)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := sqlx.NewDb(sqlDB, "postgres")
	if opts.MaxConns > 0 {
		db.SetMaxOpenConns(opts.MaxConns)
		db.SetMaxIdleConns(opts.MaxConns)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// withParams adds connection parameters the DSN does not set already, for
// both the URL and the key=value forms lib/pq accepts.
func withParams(dsn string, params map[string]string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse DATABASE_URL: %w", err)
		}
		q := u.Query()
		for k, v := range params {
			if !q.Has(k) {
				q.Set(k, v)
			}
		}
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	var b strings.Builder
	b.WriteString(dsn)
	for k, v := range params {
		if !strings.Contains(dsn, k+"=") {
			fmt.Fprintf(&b, " %s=%s", k, v)
		}
	}
	return b.String(), nil
}

// InTx runs fn in a transaction, committing when it returns nil.
func (s *Store) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// IsDeadlock reports whether err is PostgreSQL rolling a transaction back to
// break a deadlock, which the caller may retry.
func IsDeadlock(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "40P01"
}

// mapError turns driver errors into domain errors: no rows is NotFound, a
// unique violation is Conflict; what says what is the caller's context.
func mapError(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Wrap(err, apperr.NotFound, what+" not found")
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" {
		return apperr.Wrap(err, apperr.Conflict, what+" already exists")
	}
	return fmt.Errorf("%s: %w", what, err)
}

// qualified names each of columns with the table alias: "a.x, a.y".
func qualified(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// queryRows runs a statement and reads every row into a T through targets,
// which gives t's fields in the statement's column order. The dashboard's
// statements read this way: sqlx's reflection (matching columns to fields
// on every call, a reflect.New per row) cost more than the rest of their
// reading. Other statements keep sqlx's by-name mapping; a test compares
// the two for every positional read.
func queryRows[T any](ctx context.Context, db *sqlx.DB, targets func(*T) []any, query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	// One row and one set of targets serve every row: Scan sets each target
	// anew (a NULL too), so nothing of one row is left in the next.
	var t T
	dest := targets(&t)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// numbered is a row with the ordinal of the key it answers (the i of
// unnest ... WITH ORDINALITY).
type numbered[T any] struct {
	I   int
	Row T
}

// group gives each key its rows: keys[i-1] those numbered i, in their
// order; keys without rows map to nil. The rows of a key that come
// together (a statement ordered by the ordinal) share one array instead of
// growing a slice each.
func group[K comparable, T any](keys []K, rows []numbered[T]) map[K][]T {
	out := make(map[K][]T, len(keys))
	for _, k := range keys {
		out[k] = nil
	}
	all := make([]T, len(rows))
	for lo := 0; lo < len(rows); {
		hi := lo
		for ; hi < len(rows) && rows[hi].I == rows[lo].I; hi++ {
			all[hi] = rows[hi].Row
		}
		k := keys[rows[lo].I-1]
		if out[k] == nil {
			out[k] = all[lo:hi:hi]
		} else {
			out[k] = append(out[k], all[lo:hi]...)
		}
		lo = hi
	}
	return out
}
