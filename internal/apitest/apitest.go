// Package apitest drives the API the way a client does: GraphQL documents
// over real HTTP to the real handler, on a fresh real database per test.
package apitest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/mail"
	"github.com/teztelecom/tez/internal/mailtest"
	"github.com/teztelecom/tez/internal/pgdev"
	"github.com/teztelecom/tez/internal/reqctx"
	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/server"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
	"github.com/teztelecom/tez/internal/webhooks"
)

// API is a running server on a database of the test's own.
type API struct {
	t   testing.TB
	URL string // base URL of the server
	DB  *sqlx.DB
	// DSN is the database's connection string, for a `tez` command run as
	// a process of its own on the same database.
	DSN string
	Cfg config.Config
	log testWriter
	srv *server.Server
}

// At is a client of the same server's database that sends its requests
// to base instead: another server on it, or their balancer.
func (a *API) At(base string) *API {
	b := *a
	b.URL = strings.TrimRight(base, "/")
	return &b
}

// Option adjusts the configuration before the server starts.
type Option func(*config.Config)

// New starts the server over httptest on a fresh database.
func New(t testing.TB, opts ...Option) *API {
	t.Helper()
	cfg := config.Defaults()
	// TEZ_EXECUTOR=gqlgen runs the suite on gqlgen's executor alone (CI
	// runs it on both); tests of the lean executor ask for it by option.
	cfg.StandardExecutor = os.Getenv("TEZ_EXECUTOR") == "gqlgen"
	for _, o := range opts {
		o(&cfg)
	}
	dsn := testdb.DSN(t)
	return start(t, cfg, testdb.Open(t, dsn), dsn)
}

// NewBehindPooler starts the server as New does, but on a connection pool
// that goes through pooler (pgbouncertest.Start: it answers the DSN through
// the pooler), with the driver's prepared-statement cache off
// (TEZ_DB_PREPARED=off), as a deployment behind PgBouncer runs.
func NewBehindPooler(t testing.TB, pooler func(testing.TB, string) string, opts ...Option) *API {
	t.Helper()
	cfg := config.Defaults()
	cfg.StandardExecutor = os.Getenv("TEZ_EXECUTOR") == "gqlgen"
	cfg.DBPrepared = false
	for _, o := range opts {
		o(&cfg)
	}
	direct := testdb.DSN(t)
	db, err := store.Open(context.Background(), pooler(t, direct), store.PoolOptions{MaxConns: 8, Unprepared: true})
	if err != nil {
		t.Fatalf("open the database through the pooler: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	// LISTEN goes direct (TEZ_DATABASE_LISTEN_URL), as behind a real pooler.
	return start(t, cfg, db, direct)
}

// NewWithStandby starts the server as New does, on a database with a
// real streaming standby (testdb.Replicated) as its one read replica
// (TEZ_DATABASE_REPLICA_URLS), and answers the standby too: the test's own
// to pause or stop.
func NewWithStandby(t testing.TB, opts ...Option) (*API, *pgdev.Standby) {
	t.Helper()
	cfg := config.Defaults()
	cfg.StandardExecutor = os.Getenv("TEZ_EXECUTOR") == "gqlgen"
	for _, o := range opts {
		o(&cfg)
	}
	dsn, standby, replica := testdb.Replicated(t)
	cfg.DatabaseReplicaURLs = []string{replica}
	return start(t, cfg, testdb.Open(t, dsn), dsn), standby
}

// Replica starts a second server on the same database and configuration,
// as another replica behind a load balancer would be; options change its
// configuration.
func (a *API) Replica(opts ...Option) *API {
	a.t.Helper()
	cfg := a.Cfg
	for _, o := range opts {
		o(&cfg)
	}
	return start(a.t, cfg, a.DB, a.DSN)
}

func start(t testing.TB, cfg config.Config, db *sqlx.DB, dsn string) *API {
	t.Helper()
	// The listener comes first so that, as with `tez serve`, the links the
	// server mails and its return URLs point at the server itself unless
	// the test configured other addresses.
	ts := httptest.NewUnstartedServer(nil)
	defaults := config.Defaults()
	self := "http://" + ts.Listener.Addr().String()
	if cfg.PublicURL == defaults.PublicURL {
		cfg.PublicURL = self
	}
	if cfg.ShopURL == defaults.ShopURL {
		cfg.ShopURL = cfg.PublicURL + "/account"
	}
	if cfg.DatabaseListenURL == "" {
		cfg.DatabaseListenURL = dsn
	}
	log := newTestWriter(t)
	st, err := store.WithReplicas(db, cfg.DatabaseReplicaURLs, store.PoolOptions{MaxConns: 8}, cfg.ReplicaMaxLag)
	if err != nil {
		ts.Listener.Close()
		t.Fatalf("open replicas: %v", err)
	}
	t.Cleanup(func() { st.DB().Close() })
	srv, err := server.New(cfg, st, slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		ts.Listener.Close()
		t.Fatalf("start server: %v", err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	t.Cleanup(func() { ts.CloseClientConnections(); ts.Close(); srv.Close() })
	return &API{t: t, URL: ts.URL, DB: db, DSN: dsn, Cfg: cfg, log: log, srv: srv}
}

// ErrorLogs are the server's log lines at level ERROR so far: what an
// operator would be paged for.
func (a *API) ErrorLogs() []string {
	a.log.mu.Lock()
	defer a.log.mu.Unlock()
	return append([]string(nil), a.log.errors...)
}

// DeliverMail runs the outbox worker, as `tez serve` does with
// TEZ_SMTP_URL set, sending the server's mail over SMTP to a real sink
// (internal/mailtest) for the test's duration, and answers the sink.
func (a *API) DeliverMail() *mailtest.Sink {
	a.t.Helper()
	sink := mailtest.NewSink(a.t)
	mailer, err := mail.NewSMTP("smtp://"+sink.Addr, a.Cfg.MailFrom)
	if err != nil {
		a.t.Fatal(err)
	}
	a.runWorker(a.srv.MailWorker(mailer).Run)
	return sink
}

// runWorker runs a server's worker loop, polling every 20 ms, until the
// test ends.
func (a *API) runWorker(run func(ctx context.Context, every time.Duration)) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(ctx, 20*time.Millisecond)
	}()
	a.t.Cleanup(func() { cancel(); <-done })
}

// DeliverWebhooks runs the partner webhook worker, as `tez serve` does,
// for the test's duration, retrying failures after retry (doubling) so a
// test need not wait the production backoff.
func (a *API) DeliverWebhooks(retry time.Duration) {
	a.t.Helper()
	w, err := a.srv.WebhookWorker(webhooks.WorkerOptions{FirstRetry: retry, Timeout: 5 * time.Second})
	if err != nil {
		a.t.Fatal(err)
	}
	a.runWorker(w.Run)
}

// Response is a decoded GraphQL response.
type Response struct {
	Status int
	Header http.Header
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
}

// Error is one entry of a GraphQL response's errors.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
	Locations  []struct {
		Line, Column int
	} `json:"locations"`
}

// Code is the error's extensions.code.
func (e Error) Code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// Request is one GraphQL request.
type Request struct {
	Query     string
	Variables map[string]any
	Token     string            // sent as Authorization: Bearer
	Header    map[string]string // extra headers
}

// Do posts a GraphQL request and decodes the answer; it fails the test only
// on transport problems, leaving GraphQL errors to the caller's assertions.
func (a *API) Do(req Request) Response {
	a.t.Helper()
	res, raw := a.DoRaw(req)
	out := Response{Status: res.StatusCode, Header: res.Header}
	if err := json.Unmarshal(raw, &out); err != nil {
		a.t.Fatalf("response is not JSON (status %d): %s", res.StatusCode, raw)
	}
	return out
}

// DoRaw posts a GraphQL request and returns the HTTP response (its body
// read) and the body's bytes as the server wrote them.
func (a *API) DoRaw(req Request) (*http.Response, []byte) {
	a.t.Helper()
	body, err := json.Marshal(map[string]any{"query": req.Query, "variables": req.Variables})
	if err != nil {
		a.t.Fatalf("encode request: %v", err)
	}
	httpReq, err := http.NewRequest(http.MethodPost, a.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	httpReq.Header.Set("Content-Type", "application/json")
	if req.Token != "" {
		httpReq.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, v := range req.Header {
		httpReq.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(httpReq)
	if err != nil {
		a.t.Fatalf("%s %s: %v", httpReq.Method, httpReq.URL.Path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatalf("read response: %v", err)
	}
	return res, raw
}

// Query runs a request that must succeed and decodes its data into v.
func (a *API) Query(req Request, v any) {
	a.t.Helper()
	res := a.Do(req)
	if len(res.Errors) > 0 || res.Status != http.StatusOK {
		a.t.Fatalf("status %d, errors %+v", res.Status, res.Errors)
	}
	if err := json.Unmarshal(res.Data, v); err != nil {
		a.t.Fatalf("decode data %s: %v", res.Data, err)
	}
}

// Get sends a plain HTTP GET to path, for the non-GraphQL endpoints.
func (a *API) Get(path string, header map[string]string) (int, http.Header, string) {
	a.t.Helper()
	return a.Raw(http.MethodGet, path, header, "")
}

// Raw sends any HTTP request to path and returns status, headers and body.
func (a *API) Raw(method, path string, header map[string]string, body string) (int, http.Header, string) {
	a.t.Helper()
	req, err := http.NewRequest(method, a.URL+path, strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(raw)
}

// testWriter sends server logs to the test log, shown only on failure.
// Background work (a session touch) may log after the test has ended,
// when testing forbids it: those lines are dropped.
type testWriter struct {
	t    testing.TB
	done *atomic.Bool
	*logLines
}

// logLines keeps the ERROR lines a server wrote (see ErrorLogs).
type logLines struct {
	mu     sync.Mutex
	errors []string
}

func newTestWriter(t testing.TB) testWriter {
	w := testWriter{t: t, done: new(atomic.Bool), logLines: &logLines{}}
	t.Cleanup(func() { w.done.Store(true) })
	return w
}

func (w testWriter) Write(p []byte) (int, error) {
	line := string(bytes.TrimRight(p, "\n"))
	if strings.Contains(line, " level=ERROR ") {
		w.mu.Lock()
		w.errors = append(w.errors, line)
		w.mu.Unlock()
	}
	if !w.done.Load() {
		w.t.Logf("%s", line)
	}
	return len(p), nil
}

// MustExec runs SQL on the test's database, for arranging data a test needs.
func (a *API) MustExec(query string, args ...any) {
	a.t.Helper()
	if _, err := a.DB.Exec(query, args...); err != nil {
		a.t.Fatalf("exec %q: %v", query, err)
	}
}

// Customer creates a verified customer with a live session straight in the
// database and returns the user id and bearer token, for tests of features
// other than sign-in itself.
func (a *API) Customer(email string) (userID int64, token string) {
	a.t.Helper()
	err := a.DB.Get(&userID, `INSERT INTO users (email, password_hash, full_name, terms_accepted_at, terms_version, email_verified_at)
		VALUES ($1, 'not-a-usable-hash', 'Test Customer', now(), 'test', now()) RETURNING id`, email)
	if err != nil {
		a.t.Fatalf("create customer %s: %v", email, err)
	}
	token = reqctx.NewRequestID() + reqctx.NewRequestID()
	hash := sha256.Sum256([]byte(token))
	a.MustExec(`INSERT INTO auth_sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, hash[:], userID)
	return userID, token
}

// Reseller creates a reseller with the given rate limit and a key for it
// (ttl 0: no expiry), through the same service as `tez reseller`.
func (a *API) Reseller(name string, rate, burst int, ttl time.Duration) (resellerID int64, key string) {
	a.t.Helper()
	svc := reseller.NewService(store.New(a.DB), nil, slog.Default())
	ctx := context.Background()
	r, err := svc.Create(ctx, name, rate, burst)
	if err != nil {
		a.t.Fatalf("create reseller %s: %v", name, err)
	}
	k, _, err := svc.CreateKey(ctx, name, ttl)
	if err != nil {
		a.t.Fatalf("create key for %s: %v", name, err)
	}
	return r.ID, k.Full
}

// Metric reads one series from /metrics, named as Prometheus prints it
// (`tez_graphql_executions_total{executor="lean"}`); 0 when absent.
func (a *API) Metric(series string) float64 {
	a.t.Helper()
	status, _, text := a.Get("/metrics", nil)
	if status != http.StatusOK {
		a.t.Fatalf("GET /metrics = %d", status)
	}
	for line := range strings.SplitSeq(text, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				a.t.Fatalf("metric %s: %v", line, err)
			}
			return f
		}
	}
	return 0
}

// AwaitReadyz waits (polling, for up to a minute) until /readyz answers 200
// with a line that starts with line, such as "replica1: in rotation".
func (a *API) AwaitReadyz(line string) {
	a.t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		status, _, body := a.Get("/readyz", nil)
		if status == http.StatusOK && strings.Contains("\n"+body, "\n"+line) {
			return
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("/readyz never said %q; it says %d %s", line, status, body)
		}
	}
}

// Decode reads a response's data into v.
func (a *API) Decode(res Response, v any) {
	a.t.Helper()
	if err := json.Unmarshal(res.Data, v); err != nil {
		a.t.Fatalf("decode data %s: %v", res.Data, err)
	}
}
