package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestHealthEndpoints(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		if status, _, body := api.Get(path, nil); status != http.StatusOK {
			t.Errorf("GET %s = %d %q, want 200", path, status, body)
		}
	}
}

func TestRequestIDIsEchoedOrMade(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, h, _ := api.Get("/healthz", map[string]string{"X-Request-Id": "abc-123"})
	if got := h.Get("X-Request-Id"); got != "abc-123" {
		t.Errorf("X-Request-Id = %q, want the client's abc-123", got)
	}
	_, h, _ = api.Get("/healthz", map[string]string{"X-Request-Id": "bad id <script>"})
	if got := h.Get("X-Request-Id"); got == "" || strings.ContainsAny(got, " <>") {
		t.Errorf("X-Request-Id = %q, want a fresh safe id in place of the unsafe one", got)
	}
}

func TestCORSPreflight(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, func(c *config.Config) { c.CORSOrigins = []string{"https://shop.tez.example"} })
	preflight := func(origin string) http.Header {
		_, h, _ := api.Raw(http.MethodOptions, "/graphql", map[string]string{
			"Origin":                         origin,
			"Access-Control-Request-Method":  "POST",
			"Access-Control-Request-Headers": "authorization, content-type",
		}, "")
		return h
	}
	h := preflight("https://shop.tez.example")
	if got := h.Get("Access-Control-Allow-Origin"); got != "https://shop.tez.example" {
		t.Errorf("allowed origin: Access-Control-Allow-Origin = %q, want the origin", got)
	}
	if got := strings.ToLower(h.Get("Access-Control-Allow-Headers")); !strings.Contains(got, "authorization") {
		t.Errorf("Access-Control-Allow-Headers = %q, want authorization allowed", got)
	}
	if got := preflight("https://evil.example").Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("foreign origin: Access-Control-Allow-Origin = %q, want none", got)
	}
}

// The headers frontend tooling adds pass the preflight by default, and
// TEZ_CORS_HEADERS adds more; any other header is still refused.
func TestCORSAllowsFrontendToolingHeaders(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse(map[string]string{"TEZ_CORS_ORIGINS": "https://shop.tez.example", "TEZ_CORS_HEADERS": "X-Shop-Build, x-feature-flags"})
	if err != nil {
		t.Fatal(err)
	}
	api := apitest.New(t, func(c *config.Config) { c.CORSOrigins, c.CORSHeaders = cfg.CORSOrigins, cfg.CORSHeaders })
	allowed := func(headers string) bool {
		t.Helper()
		status, h, _ := api.Raw(http.MethodOptions, "/graphql", map[string]string{
			"Origin":                         "https://shop.tez.example",
			"Access-Control-Request-Method":  "POST",
			"Access-Control-Request-Headers": headers,
		}, "")
		return status < 300 && h.Get("Access-Control-Allow-Origin") == "https://shop.tez.example"
	}
	for _, header := range []string{
		"content-type", "authorization", "apollographql-client-name", "apollographql-client-version",
		"traceparent", "tracestate", "baggage", "sentry-trace", "x-shop-build", "x-feature-flags",
	} {
		if !allowed(header) {
			t.Errorf("preflight asking for %s refused, want it allowed", header)
		}
	}
	// As a browser sends them: lower case, sorted.
	if !allowed("apollographql-client-name,apollographql-client-version,authorization,baggage,content-type,sentry-trace,traceparent,tracestate") {
		t.Errorf("preflight asking for Apollo's and tracing headers together refused")
	}
	if allowed("content-type,x-not-configured") {
		t.Errorf("preflight asking for a header nobody configured allowed, want it refused")
	}
	// Without TEZ_CORS_HEADERS the defaults alone.
	plain := apitest.New(t, func(c *config.Config) { c.CORSOrigins = cfg.CORSOrigins })
	_, h, _ := plain.Raw(http.MethodOptions, "/graphql", map[string]string{
		"Origin": "https://shop.tez.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-shop-build",
	}, "")
	if h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("x-shop-build allowed without TEZ_CORS_HEADERS")
	}
}

func TestGraphiQL(t *testing.T) {
	t.Parallel()
	on := apitest.New(t)
	status, header, body := on.Get("/", nil)
	if status != http.StatusOK || !strings.Contains(body, `data-endpoint="/graphql"`) {
		t.Fatalf("GET / = %d, want the GraphiQL page pointing at /graphql: %.300s", status, body)
	}
	// Offline: the page loads only what this server serves, and says so.
	if csp := header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "http") {
		t.Errorf("GraphiQL's Content-Security-Policy = %q, want the page's own origin only", csp)
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		if !strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], "//") {
			t.Errorf("the page loads %s from elsewhere", m[1])
			continue
		}
		if status, header, asset := on.Get(m[1], nil); status != http.StatusOK || len(asset) < 10000 || header.Get("Content-Type") == "" {
			t.Errorf("GET %s = %d, %d bytes of %q", m[1], status, len(asset), header.Get("Content-Type"))
		}
	}
	if status, _, lic := on.Get("/graphiql/THIRD_PARTY_LICENSES.txt", nil); status != http.StatusOK || !strings.Contains(lic, "graphiql@") || !strings.Contains(lic, "react@") {
		t.Errorf("the bundled packages' licenses: %d %.200s", status, lic)
	}
	off := apitest.New(t, func(c *config.Config) { c.Playground = false })
	for _, path := range []string{"/", "/graphiql/graphiql.js"} {
		if status, _, _ := off.Get(path, nil); status != http.StatusNotFound {
			t.Errorf("GET %s with GraphiQL off = %d, want 404", path, status)
		}
	}
}

func TestAPISecurityHeaders(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	res := api.Do(apitest.Request{Query: `{ __typename }`})
	for name, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Cache-Control":           "no-store",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
	} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestGETRunsQueriesButNotMutations(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	status, _, body := api.Get("/graphql?query="+url.QueryEscape(`{ products(first: 1) { edges { cursor } } }`), nil)
	if status != http.StatusOK || !strings.Contains(body, `"products"`) {
		t.Errorf("GET query = %d %s, want the answer", status, body)
	}
	status, _, body = api.Get("/graphql?query="+url.QueryEscape(`mutation { logout { sessionsEnded } }`), nil)
	if status == http.StatusOK && !strings.Contains(body, "errors") || strings.Contains(body, "sessionsEnded\":") {
		t.Errorf("GET mutation = %d %s, want it refused", status, body)
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	api.Do(apitest.Request{Query: `query Dashboard { products(first: 1) { edges { cursor } } }`})
	api.Do(apitest.Request{Query: `query MyOwnName123 { products(first: 1) { edges { cursor } } }`})
	api.Do(apitest.Request{Query: `{ products(first: 1000) { edges { cursor } } }`})
	api.Do(apitest.Request{Query: `mutation { login(input: { email: "nobody@x.example", password: "wrong password" }) { token } }`})
	_, token := api.Customer("metrics@x.example")
	api.Do(apitest.Request{Query: `{ me { addresses { id } } }`, Token: token})
	status, _, body := api.Get("/metrics", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /metrics = %d", status)
	}
	for _, want := range []string{
		`tez_http_requests_total{code="OK",route="/graphql"}`,
		`tez_graphql_operation_seconds_count{operation="Dashboard"} 1`,
		`tez_graphql_operation_seconds_count{operation="other"} 4`,
		`tez_graphql_errors_total{code="BAD_USER_INPUT"} 1`,
		`tez_sql_statements_per_request_count`,
		`go_sql_max_open_connections{db_name="tez"}`,
		`tez_login_failures_total{reason="credentials"} 1`,
		`tez_dataloader_batch_size_count{loader="addressesByUser"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "MyOwnName123") {
		t.Error("a client-chosen operation name became a label")
	}
}

func TestRequestLimitsAndProtocol(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)

	t.Run("a body over 1 MiB is refused clearly", func(t *testing.T) {
		big := `{"query":"{ __typename }","variables":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
		status, _, body := api.Raw(http.MethodPost, "/graphql", map[string]string{"Content-Type": "application/json"}, big)
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"code":"BAD_REQUEST"`) {
			t.Errorf("2 MiB body = %d %.200s, want 413 BAD_REQUEST", status, body)
		}
	})

	t.Run("validation errors keep their locations", func(t *testing.T) {
		res := api.Do(apitest.Request{Query: "{\n  products { nope } }"})
		if len(res.Errors) != 1 || len(res.Errors[0].Locations) == 0 || res.Errors[0].Locations[0].Line != 2 || res.Errors[0].Code() != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("validation error = %+v, want one with its location", res.Errors)
		}
	})

	t.Run("automatic persisted queries", func(t *testing.T) {
		query := `{ products(first: 1) { edges { cursor } } }`
		sum := sha256.Sum256([]byte(query))
		ext := fmt.Sprintf(`"extensions":{"persistedQuery":{"version":1,"sha256Hash":%q}}`, hex.EncodeToString(sum[:]))
		json := map[string]string{"Content-Type": "application/json"}
		_, _, body := api.Raw(http.MethodPost, "/graphql", json, `{`+ext+`}`)
		if !strings.Contains(body, "PERSISTED_QUERY_NOT_FOUND") {
			t.Fatalf("unknown hash answered %s, want PERSISTED_QUERY_NOT_FOUND", body)
		}
		if _, _, body = api.Raw(http.MethodPost, "/graphql", json, fmt.Sprintf(`{"query":%q,%s}`, query, ext)); !strings.Contains(body, `"products"`) {
			t.Fatalf("query with its hash answered %s", body)
		}
		if _, _, body = api.Raw(http.MethodPost, "/graphql", json, `{`+ext+`}`); !strings.Contains(body, `"products"`) {
			t.Errorf("the hash alone, once registered, answered %s", body)
		}
	})
}
