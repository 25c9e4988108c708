// Package pgdriver is the database driver the store opens: lib/pq's
// connector, wrapped to do two things on every statement.
//
// It counts — and on request records — the SQL statements a piece of work
// sends, per context: the dashboard's "constant number of statements" is
// asserted with it, /metrics reports statements per request from it, and
// the benchmark replays what it recorded. A context without a Counter costs
// one map lookup.
//
// It keeps a prepared-statement cache per connection. lib/pq sends a
// parameterised statement unnamed, which PostgreSQL plans on every
// execution; the wrapper instead prepares it named, once per connection,
// and runs the prepared statement from then on, so that PostgreSQL can
// reuse a plan: with the store's Settings (plan_cache_mode, set as the
// connection opens) it always does. A connection keeps at most
// maxPrepared statements (the store has fewer distinct ones); past that,
// and for statements without parameters (lib/pq's simple protocol) and
// COPY, statements run unnamed. The cache lives and dies with its
// connection.
//
// The cache assumes a connection is one server session. A pooler in
// transaction mode (PgBouncer before 1.21, or without max_prepared_statements) hands each transaction any
// server connection, where the statement prepared on another does not
// exist: open with Options.Unprepared (TEZ_DB_PREPARED=off) there, and
// every statement runs unnamed. Counting and recording are the same either
// way: one statement per query or exec.
package pgdriver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/lib/pq"
)

// Statement is one statement sent, with its arguments when recording.
type Statement struct {
	Query string
	Args  []any
}

// Counter counts the statements sent with contexts that carry it.
type Counter struct {
	mu     sync.Mutex
	n      int
	record bool
	stmts  []Statement
}

type ctxKey struct{}

// WithCounter returns a context that counts into a new Counter, or ctx
// itself when it counts already (a recorder set by a caller is kept).
func WithCounter(ctx context.Context) (context.Context, *Counter) {
	if c, ok := ctx.Value(ctxKey{}).(*Counter); ok {
		return ctx, c
	}
	c := &Counter{}
	return context.WithValue(ctx, ctxKey{}, c), c
}

// WithRecorder is WithCounter that also keeps each statement and its values.
func WithRecorder(ctx context.Context) (context.Context, *Counter) {
	c := &Counter{record: true}
	return context.WithValue(ctx, ctxKey{}, c), c
}

// Count is the number of statements sent so far.
func (c *Counter) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Statements are the recorded statements, in the order sent.
func (c *Counter) Statements() []Statement {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Statement(nil), c.stmts...)
}

func note(ctx context.Context, query string, args []driver.NamedValue) {
	c, ok := ctx.Value(ctxKey{}).(*Counter)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if c.record {
		vals := make([]any, len(args))
		for i, a := range args {
			vals[i] = a.Value
		}
		c.stmts = append(c.stmts, Statement{Query: query, Args: vals})
	}
}

// Options choose how the driver talks to PostgreSQL.
type Options struct {
	// Unprepared turns the prepared-statement cache off: every statement
	// runs unnamed, as a pooler in transaction mode needs.
	Unprepared bool
	// Settings are SET on each new connection before its first statement,
	// uncounted: session state, like the cache (the store's plan_cache_mode).
	// As connection parameters PgBouncer would refuse them.
	Settings map[string]string
}

// Open is sql.Open("postgres", dsn) with counting and, unless
// opts.Unprepared, the prepared-statement cache.
func Open(dsn string, opts Options) (*sql.DB, error) {
	base, err := pq.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(connector{base, opts}), nil
}

type connector struct {
	driver.Connector
	opts Options
}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(c.opts.Settings)) {
		// Straight to lib/pq: a new connection's SET is no statement of the
		// work that happened to open it.
		if _, err := cn.(driver.ExecerContext).ExecContext(ctx, "SELECT set_config($1, $2, false)",
			[]driver.NamedValue{{Ordinal: 1, Value: k}, {Ordinal: 2, Value: c.opts.Settings[k]}}); err != nil {
			cn.Close()
			return nil, fmt.Errorf("set %s on a new connection: %w", k, err)
		}
	}
	return &conn{Conn: cn, unprepared: c.opts.Unprepared}, nil
}

// maxPrepared bounds the statements kept prepared per connection (the store
// has fewer distinct statements; past the bound, statements run unnamed).
const maxPrepared = 256

// conn passes everything to lib/pq, noting statements on the way. Like any
// driver.Conn it is used by one goroutine at a time.
type conn struct {
	driver.Conn
	unprepared bool
	prepared   map[string]driver.Stmt
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	note(ctx, query, args)
	st, err := c.stmt(ctx, query, args)
	if err != nil {
		return nil, err
	}
	if st != nil {
		return st.(driver.StmtQueryContext).QueryContext(ctx, args)
	}
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	note(ctx, query, args)
	st, err := c.stmt(ctx, query, args)
	if err != nil {
		return nil, err
	}
	if st != nil {
		return st.(driver.StmtExecContext).ExecContext(ctx, args)
	}
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

// stmt returns the connection's prepared statement for query, preparing it
// the first time; nil (run it unnamed) when the cache is off, the query
// has no parameters (lib/pq then uses the simple protocol), is a COPY, or
// the cache is full.
func (c *conn) stmt(ctx context.Context, query string, args []driver.NamedValue) (driver.Stmt, error) {
	if c.unprepared || len(args) == 0 {
		return nil, nil
	}
	if st, ok := c.prepared[query]; ok {
		return st, nil
	}
	if len(c.prepared) >= maxPrepared || isCopy(query) {
		return nil, nil
	}
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.prepared == nil {
		c.prepared = make(map[string]driver.Stmt)
	}
	c.prepared[query] = st
	return st, nil
}

func isCopy(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n")
	return len(q) >= 4 && strings.EqualFold(q[:4], "COPY")
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	note(ctx, "BEGIN", nil)
	tx, err := c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: tx, ctx: ctx}, nil
}

func (c *conn) Ping(ctx context.Context) error {
	return c.Conn.(driver.Pinger).Ping(ctx)
}

func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if checker, ok := c.Conn.(driver.NamedValueChecker); ok {
		return checker.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *conn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *conn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// txn notes the end of a transaction in the context that began it.
type txn struct {
	driver.Tx
	ctx context.Context
}

func (t *txn) Commit() error {
	note(t.ctx, "COMMIT", nil)
	return t.Tx.Commit()
}

func (t *txn) Rollback() error {
	note(t.ctx, "ROLLBACK", nil)
	return t.Tx.Rollback()
}
