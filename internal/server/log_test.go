package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/server"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// Every line the server logs while serving a request names the request's
// id, the access-log line and the lines of the layers below alike, so an
// operator can follow one request through the log.
func TestEveryLogLineOfARequestNamesIt(t *testing.T) {
	t.Parallel()
	var logs apitest.LogBuffer
	db := testdb.New(t)
	// A table gone from under the server: the products query fails inside
	// a resolver, logged by the error presenter as an internal error.
	if _, err := db.Exec(`ALTER TABLE products RENAME TO products_gone`); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(config.Defaults(), store.New(db), slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	requests := map[string]*http.Request{}
	add := func(id, method, path, body string) {
		r, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Request-Id", id)
		requests[id] = r
	}
	add("hook-1", "POST", "/webhooks/payments/sandbox", "not an event")
	add("broken-1", "POST", "/graphql", `{"query":"{ products(first: 1) { edges { node { sku } } } }"}`)
	for id, r := range requests {
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Request-Id"); got != id {
			t.Fatalf("X-Request-Id %q, want %q", got, id)
		}
	}

	perRequest := map[string]int{}
	for _, line := range logs.Records() {
		id, _ := line["request_id"].(string)
		if requests[id] == nil {
			t.Errorf("log line %q names request %q, want one of the requests sent: %v", line["msg"], id, line)
			continue
		}
		perRequest[id]++
	}
	for id := range requests {
		if perRequest[id] < 2 {
			t.Errorf("request %s: %d log lines, want its access-log line and at least one from below", id, perRequest[id])
		}
	}
}
