package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/server"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

const productsQuery = `{"query":"{ products(first: 1) { edges { cursor } } }"}`

func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	srv, err := server.New(config.Defaults(), store.New(db), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	lock, err := db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec(`LOCK TABLE products IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithCancel(context.Background())
	addrs := make(chan net.Addr, 1)
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe(ctx, "127.0.0.1:0", func(a net.Addr) { addrs <- a }) }()
	addr := (<-addrs).String()
	url := "http://" + addr + "/graphql"

	answered := make(chan string, 1)
	go func() {
		res, err := http.Post(url, "application/json", strings.NewReader(productsQuery))
		if err != nil {
			answered <- "error: " + err.Error()
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		answered <- res.Status + " " + string(b)
	}()
	waitForQueryOnProducts(t, db, true)
	stop() // what SIGTERM does through signal.NotifyContext
	// Shutdown has begun once the listener refuses new connections.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections after shutdown began")
		}
	}
	if err := lock.Commit(); err != nil { // the slow request can now finish
		t.Fatal(err)
	}
	if got := <-answered; !strings.HasPrefix(got, "200") || !strings.Contains(got, `"products"`) {
		t.Errorf("the in-flight request got %q, want its answer", got)
	}
	if err := <-served; err != nil {
		t.Errorf("ListenAndServe = %v after a graceful shutdown", err)
	}
}

func TestClientDisconnectCancelsItsSQL(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	srv, err := server.New(config.Defaults(), store.New(db), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	api := ts.URL
	lock, err := db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback()
	if _, err := lock.Exec(`LOCK TABLE products IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	ctx, giveUp := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer giveUp()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, api+"/graphql", strings.NewReader(productsQuery))
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatal("the request finished while its table was locked")
	}
	// The lock is still held: only the cancellation can end the waiting query.
	waitForQueryOnProducts(t, db, false)
}

// waitForQueryOnProducts polls pg_stat_activity until a query on products
// is (present) or is not running.
func waitForQueryOnProducts(t *testing.T, db interface {
	Get(any, string, ...any) error
}, present bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := db.Get(&n, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND state = 'active' AND query LIKE '%FROM products%' AND pid <> pg_backend_pid()`); err != nil {
			t.Fatal(err)
		}
		if (n > 0) == present {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("query on products running = %v, want %v", n > 0, present)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
