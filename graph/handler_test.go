package graph_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/teztelecom/tez/graph"
	"github.com/teztelecom/tez/internal/metrics"
	"github.com/teztelecom/tez/internal/testdb"
)

// A resolver that panics answers a masked internal error with the request
// id, and requests running beside it are not affected. The panic is real: a
// resolver without its store dereferences nil.
func TestPanicInOneResolverSparesTheOthers(t *testing.T) {
	t.Parallel()
	h := graph.NewHandler(&graph.Resolver{}, graph.Options{
		MaxComplexity: 1000,
		Shape:         graph.ShapeLimits{MaxTokens: 100, MaxFields: 100, MaxDepth: 10, MaxAliases: 10, MaxRootFields: 10},
		Metrics:       metrics.New(testdb.New(t).DB),
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	ts := httptest.NewServer(h)
	defer ts.Close()
	post := func(query string) (int, string) {
		res, err := http.Post(ts.URL, "application/json", strings.NewReader(`{"query":`+strings.TrimSpace(mustJSONString(query))+`}`))
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if status, body := post(`{ products(first: 1) { edges { cursor } } }`); status != http.StatusOK ||
				!strings.Contains(body, `"code":"INTERNAL"`) || !strings.Contains(body, `"message":"internal error"`) || strings.Contains(body, "nil pointer") {
				t.Errorf("the panicking request answered %d %s, want a masked INTERNAL error", status, body)
			}
		}()
		go func() {
			defer wg.Done()
			if status, body := post(`{ __typename }`); status != http.StatusOK || body != `{"data":{"__typename":"Query"}}` {
				t.Errorf("a request beside the panic answered %d %s", status, body)
			}
		}()
	}
	wg.Wait()
}

func mustJSONString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}
