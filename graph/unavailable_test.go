package graph_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/graph"
	"github.com/teztelecom/tez/internal/metrics"
	"github.com/teztelecom/tez/internal/pgdriver"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// PostgreSQL out of reach (restarting, failing over) answers UNAVAILABLE,
// saying to try again, never a masked INTERNAL: the client did nothing wrong
// and the same request will do once the database is back. The database here
// is a port that was just listening and is closed, as in a restart.
func TestDatabaseOutOfReachAnswersUnavailable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	sqlDB, err := pgdriver.Open("postgres://tez@"+addr+"/tez?sslmode=disable&connect_timeout=2", pgdriver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gone := sqlx.NewDb(sqlDB, "postgres")
	defer gone.Close()

	h := graph.NewHandler(&graph.Resolver{Store: store.New(gone)}, graph.Options{
		MaxComplexity: 1000,
		Shape:         graph.ShapeLimits{MaxTokens: 100, MaxFields: 100, MaxDepth: 10, MaxAliases: 10, MaxRootFields: 10},
		Metrics:       metrics.New(testdb.New(t).DB),
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	ts := httptest.NewServer(h)
	defer ts.Close()
	res, err := http.Post(ts.URL, "application/json", strings.NewReader(`{"query":"{ products(first: 1) { edges { node { sku } } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	body := string(b)
	if !strings.Contains(body, `"code":"UNAVAILABLE"`) || !strings.Contains(body, "try again") || strings.Contains(body, "INTERNAL") {
		t.Errorf("with the database out of reach the API answered %d %s, want UNAVAILABLE saying to try again", res.StatusCode, body)
	}
}
