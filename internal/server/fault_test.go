package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/pgdev"
	"github.com/teztelecom/tez/internal/server"
	"github.com/teztelecom/tez/internal/store"
)

// TestDatabaseOutage stops the server's PostgreSQL under it: readiness
// turns 503 and GraphQL answers UNAVAILABLE, to try again, with no driver
// detail; when the database is back
// the server recovers by itself, without a restart.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops a PostgreSQL cluster of its own")
	}
	ctx := context.Background()
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755) // the cluster's unprivileged user must reach it
	}
	opts := pgdev.Options{Dir: filepath.Join(dir, "pg")}
	cluster, err := pgdev.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cluster.Stop() }()
	if _, err := cluster.EnsureDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, cluster.DSN("app"), store.PoolOptions{MaxConns: 4, StatementTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := store.Migrate(ctx, db.DB); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(config.Defaults(), store.New(db), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	ready := func() int {
		res, err := http.Get(ts.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	query := func() (int, string) {
		res, err := http.Post(ts.URL+"/graphql", "application/json", strings.NewReader(`{"query":"{ products(first: 1) { edges { cursor } } }"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if got := ready(); got != http.StatusOK {
		t.Fatalf("readyz before the outage = %d", got)
	}

	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := ready(); got != http.StatusServiceUnavailable {
		t.Errorf("readyz during the outage = %d, want 503", got)
	}
	status, body := query()
	if status == http.StatusInternalServerError || !strings.Contains(body, `"code":"UNAVAILABLE"`) || !strings.Contains(body, "try again") || strings.Contains(body, "dial") {
		t.Errorf("query during the outage = %d %s; want UNAVAILABLE saying to try again, no driver detail", status, body)
	}

	if cluster, err = pgdev.Start(ctx, opts); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for ready() != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("readyz did not recover after the database came back")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status, body := query(); status != http.StatusOK || strings.Contains(body, "errors") {
		t.Errorf("query after recovery = %d %s", status, body)
	}
}
