// Package testdb gives tests real PostgreSQL: each test its own database,
// cloned from a migrated template (pgtestdb), on TEST_DATABASE_URL when set
// or else on a cluster the harness starts itself with the same code as the
// embedded default (internal/pgdev). Packages using it call Main from
// TestMain so the cluster is stopped when the last test binary leaves it.
package testdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/peterldowns/pgtestdb"

	"github.com/teztelecom/tez/internal/pgdev"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/migrations"
)

var (
	setupOnce sync.Once
	setupErr  error
	server    pgtestdb.Config
	cluster   *pgdev.Cluster
)

// Main runs the package's tests and stops the harness's cluster afterwards
// (if this was the last process using it). Use as
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	atExit.Lock()
	for _, fn := range atExit.fns {
		fn()
	}
	atExit.Unlock()
	if cluster != nil {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "testdb: stop cluster:", err)
		}
	}
	os.Exit(code)
}

var atExit struct {
	sync.Mutex
	fns []func()
}

// AtExit registers fn to run once the package's tests are done, before Main
// exits (to remove a binary built for them, say).
func AtExit(fn func()) {
	atExit.Lock()
	defer atExit.Unlock()
	atExit.fns = append(atExit.fns, fn)
}

// ClusterDir is where the harness keeps its own cluster: shared by all test
// binaries of this user, kept between runs so the template survives.
func ClusterDir() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("tez-test-pg-%d", os.Getuid()))
}

func setup() error {
	setupOnce.Do(func() {
		// Tests' databases are dropped even while a test's pool holds them.
		defer func() { server.ForceTerminateConnections = true }()
		if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
			server, setupErr = configFromURL(u)
			return
		}
		cluster, setupErr = pgdev.Start(context.Background(), pgdev.Options{Dir: ClusterDir()})
		if setupErr != nil {
			return
		}
		server = pgtestdb.Config{
			DriverName: "postgres",
			User:       pgdev.Superuser,
			Port:       "5432",
			Database:   "postgres",
			Options:    "sslmode=disable&host=" + url.QueryEscape(cluster.SocketDir()),
		}
	})
	return setupErr
}

func configFromURL(raw string) (pgtestdb.Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return pgtestdb.Config{}, fmt.Errorf("TEST_DATABASE_URL must be a postgres:// URL: %v", err)
	}
	pass, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	q := u.Query()
	if !q.Has("sslmode") {
		q.Set("sslmode", "disable")
	}
	return pgtestdb.Config{
		DriverName: "postgres",
		Host:       u.Hostname(),
		Port:       port,
		User:       u.User.Username(),
		Password:   pass,
		Database:   strings.TrimPrefix(u.Path, "/"),
		Options:    q.Encode(),
	}, nil
}

// New returns a handle on a fresh, migrated database of the test's own,
// opened like the server opens its database. It is dropped after the test
// unless the test failed (then its URL is in the log).
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	return Open(t, DSN(t))
}

// Open opens a database of DSN's like New, closed after the test.
func Open(t testing.TB, dsn string) *sqlx.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn, store.PoolOptions{MaxConns: 8})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// DSN creates a fresh, migrated database and returns its connection string,
// for tests that open several handles (two server instances, a command).
func DSN(t testing.TB) string {
	t.Helper()
	if err := setup(); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	return pgtestdb.Custom(t, server, migrator{}).URL()
}

// EmptyDSN creates a fresh database with no migration applied and returns
// its connection string: for tests of migrating itself.
func EmptyDSN(t testing.TB) string {
	t.Helper()
	if err := setup(); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	return pgtestdb.Custom(t, server, pgtestdb.NoopMigrator{}).URL()
}

// migrator applies the embedded migrations to pgtestdb's template.
type migrator struct{}

// Hash identifies the template by the migrations' content: a changed
// migration gets a new template, an unchanged one is reused across runs.
func (migrator) Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.FS.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	return store.Migrate(ctx, db)
}

// replicated is the test binary's own cluster for tests with a standby
// (Replicated), started on first use and stopped by Main.
var replicated struct {
	once    sync.Once
	err     error
	cluster *pgdev.Cluster
	dbs     atomic.Int64
}

// Replicated gives the test a fresh, migrated database and a real
// streaming standby of it (internal/pgdev: pg_basebackup -R, a directory
// and port of its own), removed after the test, and answers their DSNs.
// The test may pause the standby's replay or stop it: nothing else uses it.
//
// They live on a cluster of this test binary's own, not the shared one:
// every test database there is a copy of the template written through the
// WAL, more than a standby replays in time on a loaded machine. Skipped
// without PostgreSQL's binaries (TEST_DATABASE_URL alone).
func Replicated(t testing.TB) (dsn string, standby *pgdev.Standby, standbyDSN string) {
	t.Helper()
	replicated.once.Do(func() {
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("tez-test-replicated-%d", os.Getpid()))
		replicated.cluster, replicated.err = pgdev.Start(context.Background(), pgdev.Options{Dir: dir})
		if replicated.err == nil {
			AtExit(func() {
				if err := replicated.cluster.Stop(); err != nil {
					fmt.Fprintln(os.Stderr, "testdb: stop the replicated cluster:", err)
				}
				os.RemoveAll(dir)
			})
		}
	})
	if errors.Is(replicated.err, pgdev.ErrNoBinaries) {
		t.Skipf("a standby needs PostgreSQL's server binaries here: %v", replicated.err)
	}
	if replicated.err != nil {
		t.Fatalf("testdb: start a cluster for standbys: %v", replicated.err)
	}
	c := replicated.cluster
	ctx := context.Background()
	name := fmt.Sprintf("replicated_%d", replicated.dbs.Add(1))
	if err := c.DropDatabase(ctx, name); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	if _, err := c.EnsureDatabase(ctx, name); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	db := Open(t, c.DSN(name))
	if err := store.Migrate(ctx, db.DB); err != nil {
		t.Fatalf("testdb: migrate %s: %v", name, err)
	}
	standby, err := c.StartStandby(ctx)
	if err != nil {
		t.Fatalf("testdb: start a standby: %v", err)
	}
	t.Cleanup(func() {
		if err := standby.Remove(); err != nil {
			t.Errorf("testdb: remove the standby: %v", err)
		}
	})
	return c.DSN(name), standby, standby.DSN(name)
}
