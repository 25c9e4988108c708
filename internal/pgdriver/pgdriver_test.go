package pgdriver_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

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
// that ran it; with Unprepared (TEZ_DB_PREPARED=off) nothing stays
// prepared, and statements are counted the same.
func TestPreparedStatementCacheSwitch(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		unprepared bool
		want       int
	}{{"on", false, 1}, {"off", true, 0}} {
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
		})
	}
}

// Behind PgBouncer 1.18 in transaction mode, two client connections share
// one server connection: what one prepared is there for the other, under
// the same name lib/pq gives it, so the cache breaks the second; off,
// both run.
func TestTransactionPoolerNeedsTheCacheOff(t *testing.T) {
	t.Parallel()
	bouncer, err := exec.LookPath("pgbouncer")
	if err != nil {
		t.Skip("pgbouncer not installed")
	}
	dsn := pooled(t, bouncer, testdb.DSN(t))
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

// pooled starts PgBouncer in transaction mode with one server connection
// in front of the database of dsn, and returns the DSN through it.
func pooled(t *testing.T, bouncer, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	pass, _ := u.User.Password()
	dbname := strings.TrimPrefix(u.Path, "/")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir, err := os.MkdirTemp("", "tez-pgbouncer-") // not t.TempDir: its parent is closed to PgBouncer's user
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	users := filepath.Join(dir, "users.txt")
	if err := os.WriteFile(users, fmt.Appendf(nil, "%q %q\n", u.User.Username(), pass), 0o600); err != nil {
		t.Fatal(err)
	}
	ini := fmt.Sprintf(`[databases]
%s = host=%s port=%s user=%s password=%s
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = 1
ignore_startup_parameters = extra_float_digits, statement_timeout
logfile = %s
`, dbname, u.Query().Get("host"), u.Port(), u.User.Username(), pass, port, users, filepath.Join(dir, "pgbouncer.log"))
	conf := filepath.Join(dir, "pgbouncer.ini")
	if err := os.WriteFile(conf, []byte(ini), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{conf}
	if os.Geteuid() == 0 { // PgBouncer refuses to run as root
		acct, err := user.Lookup("postgres")
		if err != nil {
			acct, err = user.Lookup("tez-postgres")
		}
		if err != nil {
			t.Skip("pgbouncer cannot run as root, and there is no postgres user to run it as")
		}
		uid, _ := strconv.Atoi(acct.Uid)
		for _, p := range []string{dir, users, conf} {
			if err := os.Chown(p, uid, -1); err != nil {
				t.Fatal(err)
			}
		}
		args = append([]string{"-u", acct.Username}, args...)
	}
	var out bytes.Buffer
	cmd := exec.Command(bouncer, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() }) //nolint:errcheck // it is killed
	through := fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", url.UserPassword(u.User.Username(), pass), port, dbname)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return through
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill() //nolint:errcheck // to read all it said
			cmd.Wait()         //nolint:errcheck
			log, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
			t.Fatalf("pgbouncer did not listen: %v\n%s%s", err, out.Bytes(), log)
		}
	}
}
