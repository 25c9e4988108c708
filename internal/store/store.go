// Package store holds all the SQL of the service: one file per aggregate,
// each statement a named constant, and the domain's types it reads and
// writes. It knows nothing of GraphQL or HTTP: graph/model converts its types
// to the schema's.
//
// Every method runs on the Querier it is given: the pool (Store.DB) for a
// read or write on its own, or the transaction of Store.InTx for a step of
// a write that must agree with others. Callers never import sqlx.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/pgdriver"
)

// Store reads and writes the service's data.
type Store struct {
	db    *DB
	spans spanCache
}

// New wraps an open database.
func New(db *sqlx.DB) *Store { return &Store{db: newDB(db, nil, 0)} }

// DB is the pool: the Querier of statements outside a transaction, and the
// handle for health checks and pool statistics.
func (s *Store) DB() *DB { return s.db }

// PoolOptions size the connection pool and bound statements.
type PoolOptions struct {
	MaxConns         int
	StatementTimeout time.Duration
	// Unprepared turns off the driver's prepared-statement cache
	// (internal/pgdriver), for a pooler in transaction mode.
	Unprepared bool
}

// GenericPlans is the session setting under which a prepared statement
// runs on one plan, made once per connection, whatever its values. Left to
// itself PostgreSQL plans the usage statements anew on every call: a plan
// for the values prunes the monthly partitions while planning, so it looks
// far cheaper than a plan for all of them, though the generic plan prunes
// the same partitions as it starts (EXPLAIN shows "Subplans Removed"), and
// the batch reads by `= ANY($1)` look cheaper planned for the array's true
// length. Planning then costs more than running. Every statement of the
// store is a keyed, index-driven read or write, whose plan does not depend
// on the values (docs/benchmarks.md has the plans, both ways). It is
// session state, like the prepared statements it is for: the driver sets
// it on each connection with its cache (behind a pooler in transaction
// mode, statements run unnamed and are planned on every call anyway).
var GenericPlans = map[string]string{"plan_cache_mode": "force_generic_plan"}

// Open connects through internal/pgdriver (lib/pq, counting statements and
// keeping them prepared, on generic plans). It turns on binary_parameters
// (one round trip per parameterised query instead of two) and sets
// statement_timeout for every connection through the DSN, so no statement
// can run unbounded.
func Open(ctx context.Context, dsn string, opts PoolOptions) (*sqlx.DB, error) {
	db, err := openPool(dsn, opts)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// WithReplicas is the store of the primary's pool db and the replicas at
// urls (TEZ_DATABASE_REPLICA_URLS), opened like Open but not connected: a
// replica that is down at start is out of rotation, not a reason not to
// serve. Reads the context allows (ReplicaReads) go to a replica at most
// maxLag behind that has replayed the caller's writes (DB). Without urls
// it is New(db).
func WithReplicas(db *sqlx.DB, urls []string, opts PoolOptions, maxLag time.Duration) (*Store, error) {
	if len(urls) == 0 {
		return New(db), nil
	}
	var replicas []*sqlx.DB
	for i, u := range urls {
		r, err := openPool(u, opts)
		if err != nil {
			for _, o := range replicas {
				o.Close()
			}
			// Not the URL: it may hold a password.
			return nil, fmt.Errorf("TEZ_DATABASE_REPLICA_URLS, replica %d: %w", i+1, err)
		}
		replicas = append(replicas, r)
	}
	return &Store{db: newDB(db, replicas, maxLag)}, nil
}

func openPool(dsn string, opts PoolOptions) (*sqlx.DB, error) {
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
	driverOpts := pgdriver.Options{Unprepared: opts.Unprepared}
	if !opts.Unprepared {
		driverOpts.Settings = GenericPlans
	}
	sqlDB, err := pgdriver.Open(full, driverOpts)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db := sqlx.NewDb(sqlDB, "postgres")
	if opts.MaxConns > 0 {
		db.SetMaxOpenConns(opts.MaxConns)
		db.SetMaxIdleConns(opts.MaxConns)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
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

// Querier is what every store method runs its statements on: the pool
// (Store.DB) or a transaction begun by InTx. Callers choose which, so one
// method serves both a single read and a step of a larger write.
type Querier interface {
	sqlx.ExtContext
	sqlx.PreparerContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var (
	_ Querier = (*DB)(nil)
	_ Querier = (*sqlx.DB)(nil)
	_ Querier = (*sqlx.Tx)(nil)
)

// InTx runs fn in a transaction, committing when it returns nil.
func (s *Store) InTx(ctx context.Context, fn func(q Querier) error) error {
	return s.inTx(ctx, nil, fn)
}

// InSnapshot runs fn in a read-only transaction that sees one snapshot of
// the database throughout, for reads that span many statements (exports
// read through cursors, which need a transaction too).
func (s *Store) InSnapshot(ctx context.Context, fn func(q Querier) error) error {
	return s.inTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}, fn)
}

func (s *Store) inTx(ctx context.Context, opts *sql.TxOptions, fn func(q Querier) error) error {
	tx, err := s.db.BeginTxx(ctx, opts)
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

// IsUnavailable reports whether err is the database out of reach (a
// restart, a failover, a dropped connection: SQLSTATE classes 08 and 57, or
// the socket itself) rather than a fault of the statement: the same request
// may succeed a moment later.
func IsUnavailable(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		class := pqErr.Code.Class()
		return class == "08" || class == "57"
	}
	var opErr *net.OpError
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.As(err, &opErr)
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

// selectKeyed runs a statement, reading rows by name (sqlx), and keys each
// row by key(row); a key matched by no row is absent.
func selectKeyed[K comparable, T any](ctx context.Context, q Querier, key func(T) K, query string, args ...any) (map[K]T, error) {
	var rows []T
	if err := q.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, err
	}
	out := make(map[K]T, len(rows))
	for _, r := range rows {
		out[key(r)] = r
	}
	return out, nil
}

// selectPairs runs a statement of two columns, a key and its value, and
// maps each key to its value.
func selectPairs[K comparable, V any](ctx context.Context, q Querier, query string, args ...any) (map[K]V, error) {
	out := map[K]V{}
	var k K
	var v V
	if err := queryEach(ctx, q, []any{&k, &v}, func() { out[k] = v }, func() { clear(out) }, query, args...); err != nil {
		return nil, err
	}
	return out, nil
}

// groupBy gives each of keys its rows, those whose key(row) it is, in
// their order; keys without rows map to nil.
func groupBy[K comparable, T any](keys []K, rows []T, key func(T) K) map[K][]T {
	out := make(map[K][]T, len(keys))
	for _, k := range keys {
		out[k] = nil
	}
	for _, r := range rows {
		k := key(r)
		out[k] = append(out[k], r)
	}
	return out
}

// queryRows runs a statement and reads every row into a T through targets,
// which gives t's fields in the statement's column order. The dashboard's
// statements read this way: sqlx's reflection (matching columns to fields
// on every call, a reflect.New per row) cost more than the rest of their
// reading. Each such read declares its columns beside their targets
// (columns.go), checked against the fields' db tags by a test; other
// statements keep sqlx's by-name mapping.
func queryRows[T any](ctx context.Context, q Querier, targets func(*T) []any, query string, args ...any) ([]T, error) {
	var out []T
	var t T
	err := queryEach(ctx, q, targets(&t), func() { out = append(out, t) }, func() { out = out[:0] }, query, args...)
	return out, err
}

// queryGrouped is queryRows for a batch statement whose first column is the
// ordinal i of the key a row answers (unnest ... WITH ORDINALITY): it gives
// each key its rows, keys[i-1] those numbered i in their order, and nil to
// keys without rows. want is how many rows to make room for.
func queryGrouped[K comparable, T any](ctx context.Context, q Querier, keys []K, want int, targets func(*T) []any, query string, args ...any) (map[K][]T, error) {
	ords := make([]int, 0, want)
	rows := make([]T, 0, want)
	var i int
	var t T
	err := queryEach(ctx, q, append([]any{&i}, targets(&t)...), func() {
		ords = append(ords, i)
		rows = append(rows, t)
	}, func() { ords, rows = ords[:0], rows[:0] }, query, args...)
	if err != nil {
		return nil, err
	}
	return group(keys, ords, rows), nil
}

// queryEach runs a statement and calls row after reading each row into
// dest. One set of targets serves every row: Scan sets each anew (a NULL
// too), so nothing of one row is left in the next. A read that a replica
// answered and lost part-way through its rows runs again on the primary
// (DB.eachRow), after reset drops what the replica gave.
func queryEach(ctx context.Context, q Querier, dest []any, row, reset func(), query string, args ...any) error {
	if d, ok := q.(*DB); ok {
		return d.eachRow(ctx, dest, row, reset, query, args...)
	}
	return scanEach(ctx, q, dest, row, query, args...)
}

// scanEach is queryEach on one connection pool or transaction.
func scanEach(ctx context.Context, q sqlx.QueryerContext, dest []any, row func(), query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	targets := typedTargets(dest)
	for rows.Next() {
		if err := rows.Scan(targets...); err != nil {
			return err
		}
		row()
	}
	return rows.Err()
}

// group gives each key its rows: keys[i-1] the rows numbered i (ords), in
// their order; keys without rows map to nil. The rows of a key that come
// together (a statement ordered by the ordinal) are a slice of rows, not a
// copy.
func group[K comparable, T any](keys []K, ords []int, rows []T) map[K][]T {
	out := make(map[K][]T, len(keys))
	for _, k := range keys {
		out[k] = nil
	}
	for lo := 0; lo < len(rows); {
		hi := lo + 1
		for hi < len(rows) && ords[hi] == ords[lo] {
			hi++
		}
		k := keys[ords[lo]-1]
		if out[k] == nil {
			out[k] = rows[lo:hi:hi]
		} else {
			out[k] = append(out[k], rows[lo:hi]...)
		}
		lo = hi
	}
	return out
}
