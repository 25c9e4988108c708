package pgdriver_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/pgbouncertest"
	"github.com/teztelecom/tez/internal/pgdriver"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestCountsStatementsPerContext(t *testing.T) {
	t.Parallel()
	db := testdb.New(t) // opened through store.Open, hence counted
	ctx, c := pgdriver.WithRecorder(context.Background())
	var n int
	if err := db.GetContext(ctx, &n, `SELECT $1::int + 1`, 41); err != nil || n != 42 {
		t.Fatalf("query through the wrapper = %d, %v", n, err)
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT 1`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// Work on another context is not counted here.
	if _, err := db.ExecContext(context.Background(), `SELECT 2`); err != nil {
		t.Fatal(err)
	}
	if got := c.Count(); got != 4 {
		t.Errorf("Count = %d, want 4 (query, BEGIN, statement, COMMIT)", got)
	}
	st := c.Statements()
	if len(st) != 4 || st[0].Query != `SELECT $1::int + 1` || len(st[0].Args) != 1 || st[0].Args[0] != int64(41) || st[3].Query != "COMMIT" {
		t.Errorf("recorded %+v", st)
	}
}

// The cache keeps a parameterised statement prepared on the connection
// that ran it, on a generic plan (the store's setting, made as the
// connection opens and not counted); with Unprepared (TEZ_DB_PREPARED=off)
// nothing stays prepared or set, and statements are counted the same.
func TestPreparedStatementCacheSwitch(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		unprepared bool
		want       int
		planCache  string
	}{{"on", false, 1, "force_generic_plan"}, {"off", true, 0, "auto"}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, err := store.Open(ctx, testdb.DSN(t), store.PoolOptions{MaxConns: 1, Unprepared: tt.unprepared})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			cctx, c := pgdriver.WithCounter(ctx)
			for i := range 3 {
				var n int
				if err := db.GetContext(cctx, &n, `SELECT $1::int + 1 AS pgdriver_probe`, i); err != nil || n != i+1 {
					t.Fatalf("probe %d = %d, %v", i, n, err)
				}
			}
			if got := c.Count(); got != 3 {
				t.Errorf("counted %d statements, want 3", got)
			}
			// One connection: the session that ran the probes.
			var prepared int
			if err := db.GetContext(ctx, &prepared, `SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%AS pgdriver_probe'`); err != nil {
				t.Fatal(err)
			}
			if prepared != tt.want {
				t.Errorf("%d probes prepared on the connection, want %d", prepared, tt.want)
			}
			var mode string
			if err := db.GetContext(ctx, &mode, `SELECT current_setting('plan_cache_mode')`); err != nil {
				t.Fatal(err)
			}
			if mode != tt.planCache {
				t.Errorf("plan_cache_mode %s, want %s", mode, tt.planCache)
			}
		})
	}
}

// Behind PgBouncer 1.18 in transaction mode, two client connections share
// one server connection: what one prepared is there for the other, under
// the same name lib/pq gives it, so the cache breaks the second; off,
// both run.
func TestTransactionPoolerNeedsTheCacheOff(t *testing.T) {
	t.Parallel()
	dsn := pgbouncertest.Start(t, testdb.DSN(t), 1) // one server connection: both clients share it
	for _, tt := range []struct {
		name       string
		unprepared bool
	}{{"on", false}, {"off", true}} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, dsn, store.PoolOptions{MaxConns: 2, Unprepared: tt.unprepared})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var errs []error
			for _, query := range []string{`SELECT $1::int + 1`, `SELECT $1::int + 2`} {
				cn, err := db.Connx(ctx) // held: the next query opens a second client connection
				if err != nil {
					t.Fatal(err)
				}
				defer cn.Close()
				var n int
				errs = append(errs, cn.GetContext(ctx, &n, query, 40))
			}
			err = errors.Join(errs...)
			if tt.unprepared && err != nil {
				t.Errorf("cache off behind a transaction pooler: %v", err)
			}
			if !tt.unprepared && (err == nil || !strings.Contains(err.Error(), "already exists")) {
				t.Errorf("cache on behind a transaction pooler: %v, want the second prepare to collide", err)
			}
		})
	}
}
