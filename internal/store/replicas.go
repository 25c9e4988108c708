package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// DB is the service's handle on its database: the primary's pool, and the
// pools of its streaming replicas (TEZ_DATABASE_REPLICA_URLS), if any.
//
// Everything runs on the primary — writes, transactions (InTx begins
// there), and reads — except the reads of a context that allows replicas
// (ReplicaReads, the query operations of a caller WithReadFence named).
// Those go to a replica in rotation that has replayed past the caller's
// read fence, else to the primary; a read a replica fails for being down
// (or for being a write after all) runs again on the primary, since a
// replica writes nothing. The routing choice is made here, per statement,
// so no caller of the store knows which server answered.
type DB struct {
	*sqlx.DB // the primary
	replicas []*replica
	next     atomic.Uint64 // round robin among replicas that qualify
	// primaryReads counts reads that could have gone to a replica but were
	// sent to the primary: none was in rotation and past the fence, or the
	// replica sent to failed.
	primaryReads atomic.Uint64
	health       *health
	writes       sync.Map // statements a replica refused as writes: query → struct{}
}

// replica is one standby's pool and what is known of it.
type replica struct {
	name    string // replica1, replica2 …: the position in the list, never the URL
	db      *sqlx.DB
	reads   atomic.Uint64
	retries atomic.Uint64
	// state is the newest health check's finding (*replicaState).
	state atomic.Pointer[replicaState]
}

// route is what the request's context says about its reads.
type route struct {
	fence   LSN   // a replica serves the caller once replayed past this
	session int64 // whose fence it is: a customer's session …
	apiKey  int64 // … or a reseller's key
	replica bool  // the operation allows replicas (a query)
}

type routeKey struct{}

// WithReadFence notes the caller of the request and its read fence (a
// session's or an API key's read_fence): once the operation allows it
// (ReplicaReads), reads may go to a replica that has replayed past fence,
// and RecordReadFence moves the fence after the caller writes. Requests
// without a caller to fence (anonymous ones) read the primary. Without
// replicas, ctx comes back as it is.
func (d *DB) WithReadFence(ctx context.Context, sessionID, apiKeyID int64, fence LSN) context.Context {
	if !d.Replicated() {
		return ctx
	}
	return context.WithValue(ctx, routeKey{}, &route{fence: fence, session: sessionID, apiKey: apiKeyID})
}

// ReplicaReads lets the reads of ctx go to a replica (the query operations
// of GraphQL); it changes nothing for a caller WithReadFence did not name.
func ReplicaReads(ctx context.Context) context.Context {
	rt, ok := ctx.Value(routeKey{}).(*route)
	if !ok || rt.replica {
		return ctx
	}
	allowed := *rt
	allowed.replica = true
	return context.WithValue(ctx, routeKey{}, &allowed)
}

// newDB wraps the primary's pool and the replicas' pools.
func newDB(primary *sqlx.DB, replicas []*sqlx.DB, maxLag time.Duration) *DB {
	d := &DB{DB: primary}
	for i, r := range replicas {
		rep := &replica{name: "replica" + strconv.Itoa(i+1), db: r}
		rep.state.Store(&replicaState{Problem: "not checked yet"})
		d.replicas = append(d.replicas, rep)
	}
	d.health = newHealth(maxLag)
	return d
}

// Replicated reports whether reads may go to replicas at all.
func (d *DB) Replicated() bool { return len(d.replicas) > 0 }

// Primary is the primary's pool.
func (d *DB) Primary() *sqlx.DB { return d.DB }

// reader picks the replica for a read of ctx, or nil for the primary.
func (d *DB) reader(ctx context.Context, query string) *replica {
	if len(d.replicas) == 0 {
		return nil
	}
	rt, ok := ctx.Value(routeKey{}).(*route)
	if !ok || !rt.replica || !d.readOnly(query) {
		return nil
	}
	n := len(d.replicas)
	start := int(d.next.Add(1))
	for i := range n {
		rep := d.replicas[(start+i)%n]
		if st := rep.state.Load(); st.InRotation && st.Replayed >= rt.fence {
			rep.reads.Add(1)
			return rep
		}
	}
	d.primaryReads.Add(1)
	return nil
}

// writeWords mark a statement a replica cannot run, or must not: it
// writes, locks rows, or takes a lock that means something only on the
// primary. A statement missed here still comes back to the primary:
// the replica refuses it (25006) and retried() runs it there.
var writeWords = regexp.MustCompile(`(?i)\b(insert|update|delete|merge|nextval|setval|pg_advisory\w*|pg_try_advisory\w*|usage_ensure_partitions)\b`)

// readOnly reports whether query only reads: a SELECT (or WITH, VALUES,
// TABLE) with no word of writeWords, and not refused as a write before.
func (d *DB) readOnly(query string) bool {
	if _, refused := d.writes.Load(query); refused {
		return false
	}
	word := strings.ToLower(firstWord(query))
	switch word {
	case "select", "with", "values", "table":
		return !writeWords.MatchString(query)
	}
	return false
}

// firstWord is the statement's first keyword, past spaces and -- comments.
func firstWord(query string) string {
	q := query
	for {
		q = strings.TrimLeft(q, " \t\r\n(")
		if !strings.HasPrefix(q, "--") {
			break
		}
		_, rest, found := strings.Cut(q, "\n")
		if !found {
			return ""
		}
		q = rest
	}
	end := strings.IndexFunc(q, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') })
	if end < 0 {
		return q
	}
	return q[:end]
}

// retried reports whether a read that rep answered with err must run
// again on the primary: rep was down, or refused the statement. Errors
// of the statement itself (a timeout, bad input, a cancelled request)
// are the answer. Down, rep leaves the rotation until a check finds it
// back.
func (d *DB) retried(ctx context.Context, rep *replica, query string, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	var pqErr *pq.Error
	switch {
	case errors.As(err, &pqErr) && pqErr.Code == "25006": // read_only_sql_transaction: a write after all
		d.writes.Store(query, struct{}{})
	case errors.As(err, &pqErr) && pqErr.Code == "40001": // a conflict with recovery cancelled it
	case unreachable(err):
		rep.state.Store(&replicaState{Problem: "unreachable", Detail: err.Error(), CheckedAt: time.Now()})
	default:
		return false
	}
	rep.retries.Add(1)
	d.primaryReads.Add(1)
	return true
}

// unreachable reports whether err says the server is gone or going, not
// that the statement failed.
func unreachable(err error) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		// 08: connection exception; 57P0x: shutting down, crashed, starting;
		// 53300: too many connections.
		return pqErr.Code.Class() == "08" || strings.HasPrefix(string(pqErr.Code), "57P") || pqErr.Code == "53300"
	}
	var netErr net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// QueryContext routes a read (Querier).
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if rep := d.reader(ctx, query); rep != nil {
		rows, err := rep.db.QueryContext(ctx, query, args...)
		if !d.retried(ctx, rep, query, err) {
			return rows, err
		}
	}
	return d.DB.QueryContext(ctx, query, args...)
}

// QueryxContext routes a read (sqlx.QueryerContext).
func (d *DB) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	if rep := d.reader(ctx, query); rep != nil {
		rows, err := rep.db.QueryxContext(ctx, query, args...)
		if !d.retried(ctx, rep, query, err) {
			return rows, err
		}
	}
	return d.DB.QueryxContext(ctx, query, args...)
}

// QueryRowContext routes a read (Querier); the row's error is known
// before Scan (Row.Err), so a replica that was down is retried as well.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if rep := d.reader(ctx, query); rep != nil {
		row := rep.db.QueryRowContext(ctx, query, args...)
		if !d.retried(ctx, rep, query, row.Err()) {
			return row
		}
	}
	return d.DB.QueryRowContext(ctx, query, args...)
}

// QueryRowxContext routes a read (sqlx.QueryerContext).
func (d *DB) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if rep := d.reader(ctx, query); rep != nil {
		row := rep.db.QueryRowxContext(ctx, query, args...)
		if !d.retried(ctx, rep, query, row.Err()) {
			return row
		}
	}
	return d.DB.QueryRowxContext(ctx, query, args...)
}

// GetContext routes a read (Querier).
func (d *DB) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	if rep := d.reader(ctx, query); rep != nil {
		err := sqlx.GetContext(ctx, rep.db, dest, query, args...)
		if !d.retried(ctx, rep, query, err) {
			return err
		}
		zeroDest(dest)
	}
	return sqlx.GetContext(ctx, d.DB, dest, query, args...)
}

// SelectContext routes a read (Querier).
func (d *DB) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	if rep := d.reader(ctx, query); rep != nil {
		err := sqlx.SelectContext(ctx, rep.db, dest, query, args...)
		if !d.retried(ctx, rep, query, err) {
			return err
		}
		zeroDest(dest) // sqlx appends: rows a replica gave before it failed must go
	}
	return sqlx.SelectContext(ctx, d.DB, dest, query, args...)
}

// eachRow is queryEach for a routed read: a replica that fails part-way
// through its rows (it went away mid-result: rows.Err, not the query) is
// left and the read runs again on the primary after reset, as a failed
// query does.
func (d *DB) eachRow(ctx context.Context, dest []any, row, reset func(), query string, args ...any) error {
	if rep := d.reader(ctx, query); rep != nil {
		err := scanEach(ctx, rep.db, dest, row, query, args...)
		if !d.retried(ctx, rep, query, err) {
			return err
		}
		reset()
	}
	return scanEach(ctx, d.DB, dest, row, query, args...)
}

// zeroDest zeroes what dest points at.
func zeroDest(dest any) {
	if v := reflect.ValueOf(dest); v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
	}
}

// Close closes the replicas' pools and the primary's.
func (d *DB) Close() error {
	for _, r := range d.replicas {
		_ = r.db.Close()
	}
	return d.DB.Close()
}

var _ Querier = (*DB)(nil)
