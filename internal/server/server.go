// Package server wires HTTP: routes, middlewares, CORS, health checks and
// graceful shutdown around the GraphQL handler.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/cors"

	"github.com/teztelecom/tez/graph"
	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/address"
	"github.com/teztelecom/tez/internal/apq"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/graphiql"
	"github.com/teztelecom/tez/internal/live"
	"github.com/teztelecom/tez/internal/mail"
	"github.com/teztelecom/tez/internal/metrics"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/pages"
	"github.com/teztelecom/tez/internal/ratelimit"
	"github.com/teztelecom/tez/internal/reqctx"
	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/simcards"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/web"
)

// maxBodyBytes bounds a request body; larger ones are refused before parsing.
const maxBodyBytes = 1 << 20

// corsHeaders are the request headers browsers may send by default: the
// API's own, and those frontend tooling adds (Apollo's client awareness,
// W3C trace context and baggage, Sentry's tracing). TEZ_CORS_HEADERS adds
// more.
var corsHeaders = []string{
	"Authorization", "Content-Type", "X-API-Key", "X-Request-Id",
	"apollographql-client-name", "apollographql-client-version",
	"traceparent", "tracestate", "baggage", "sentry-trace",
}

// Server is the HTTP face of the service.
type Server struct {
	cfg       config.Config
	store     *store.Store
	log       *slog.Logger
	resellers *reseller.Service
	metrics   *metrics.Metrics
	accounts  *account.Service
	handler   http.Handler
	live      *live.Hub
	// stopReplicas ends the replicas' health checks.
	stopReplicas context.CancelFunc
}

// replicaCheck is how often each server checks its replicas' replay
// position: how soon a session's reads return to a replica after a write,
// and how soon a lagging one leaves the rotation.
const replicaCheck = 500 * time.Millisecond

// New builds the server and its routes. Rate-limit buckets live in Redis
// when REDIS_URL is set, else in PostgreSQL; automatic persisted queries
// in Redis too, else in this process. Every line logged with a
// request's context names the request's id (reqctx.LogHandler).
func New(cfg config.Config, st *store.Store, log *slog.Logger) (*Server, error) {
	log = slog.New(reqctx.LogHandler(log.Handler()))
	var buckets ratelimit.Store = ratelimit.Postgres{Store: st}
	var persisted graphql.Cache[string] // this process's own, unless in Redis
	if cfg.RedisURL != "" {
		r, err := ratelimit.NewRedis(context.Background(), cfg.RedisURL)
		if err != nil {
			return nil, err
		}
		buckets, persisted = r, apq.NewRedis(r.Client())
	}
	s := &Server{cfg: cfg, store: st, log: log, resellers: reseller.NewService(st, ratelimit.New(buckets), log),
		metrics: metrics.New(st.DB().Primary().DB)}
	accounts, err := account.NewService(st, account.Options{SessionTTL: cfg.SessionTTL, PublicURL: cfg.PublicURL, Observer: s.metrics})
	if err != nil {
		return nil, err
	}
	s.accounts = accounts
	listenURL := cfg.DatabaseListenURL
	if listenURL == "" {
		listenURL = cfg.DatabaseURL
	}
	s.live = live.NewHub(listenURL, live.DefaultLimits, log, s.metrics)
	trusted, err := trustedDocuments(cfg)
	if err != nil {
		return nil, err
	}
	provider := NewProvider(cfg)
	shop := orders.NewService(st, NewLedger(cfg, st),
		orders.Options{Provider: provider, ShopURL: cfg.ShopURL, Limiter: ratelimit.New(buckets), Log: log})
	gql := graph.NewHandler(&graph.Resolver{Store: st, Accounts: accounts, Addresses: address.NewService(st),
		SIMs: simcards.NewService(st), Resellers: s.resellers, Orders: shop, Live: s.live,
		PublicURL: strings.TrimRight(cfg.PublicURL, "/"), UsageRetentionMonths: cfg.UsageRetentionMonths}, graph.Options{
		Introspection:    cfg.Introspection,
		HideSuggestions:  cfg.Production(),
		MaxComplexity:    cfg.MaxComplexity,
		Trusted:          trusted,
		StandardExecutor: cfg.StandardExecutor,
		Metrics:          s.metrics,
		Shape:            graph.ShapeLimits{MaxTokens: cfg.MaxTokens, MaxFields: cfg.MaxFields, MaxDepth: cfg.MaxDepth, MaxAliases: cfg.MaxAliases, MaxRootFields: cfg.MaxRootFields},
		Logger:           log,
		LiveInit:         s.liveInit,
		LiveClose:        liveClose,
		APQ:              persisted,
	})

	var api http.Handler = graph.WithLoaders(st, s.metrics, gql)
	if trusted != nil {
		api = graph.AcceptDocumentID(api)
	}
	mux := http.NewServeMux()
	api = apiHeaders(limitBody(api))
	mux.Handle("/graphql", s.withStreams(api, s.withDeadline(api)))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", s.metrics.Handler())
	}
	s.paymentRoutes(mux, provider, shop)
	s.exportRoutes(mux)
	site := &pages.Pages{Accounts: accounts, Orders: shop, Store: st, ShopURL: cfg.ShopURL, PublicURL: cfg.PublicURL, Log: log}
	site.Routes(mux)
	web.New(s.signedIn, site.GuestOrder()).Routes(mux)
	s.sessionRoutes(mux)
	if cfg.Playground {
		ide := graphiql.New("TEZ account API", "/graphql")
		mux.Handle("GET /{$}", ide)
		mux.Handle("GET "+graphiql.Prefix, ide)
	}

	corsPolicy := cors.New(cors.Options{
		AllowedOrigins: cfg.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: append(slices.Clone(corsHeaders), cfg.CORSHeaders...),
		ExposedHeaders: []string{"X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"},
		MaxAge:         600,
	})
	s.handler = s.withRequestID(s.withAccessLog(s.withViewer(corsPolicy.Handler(mux))))
	s.metrics.Replicas(st.DB())
	var watch context.Context
	watch, s.stopReplicas = context.WithCancel(context.Background())
	go st.DB().WatchReplicas(watch, replicaCheck, s.replicaChanged)
	return s, nil
}

// trustedDocuments is the allowlist of TEZ_TRUSTED_DOCUMENTS=only: the
// shipped documents and the manifests of TEZ_TRUSTED_MANIFESTS; nil when
// any document may run.
func trustedDocuments(cfg config.Config) (*graph.TrustedDocuments, error) {
	if !cfg.TrustedDocumentsOnly {
		if len(cfg.TrustedManifests) > 0 {
			return nil, errors.New("TEZ_TRUSTED_MANIFESTS is set but TEZ_TRUSTED_DOCUMENTS is not only: set both, or neither")
		}
		return nil, nil
	}
	manifests := make([]map[string]string, 0, len(cfg.TrustedManifests))
	for _, path := range cfg.TrustedManifests {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("TEZ_TRUSTED_MANIFESTS: %w", err)
		}
		m, err := documents.ParseManifest(data)
		if err != nil {
			return nil, fmt.Errorf("TEZ_TRUSTED_MANIFESTS %s: %w", path, err)
		}
		manifests = append(manifests, m)
	}
	// The web account's operations are trusted by default: it is served by this binary.
	account, err := web.Manifest()
	if err != nil {
		return nil, fmt.Errorf("the web account's manifest: %w", err)
	}
	return graph.NewTrustedDocuments(documents.Shipped(), append(manifests, account)...)
}

// MailWorker makes the outbox worker of this server's database, sending
// through mailer; the account service writes the messages of jobs (a
// password reset asked for an address).
func (s *Server) MailWorker(mailer mail.Mailer) *mail.Worker {
	return mail.NewWorker(s.store, mailer, s.accounts, s.log)
}

// Close ends the live connections, stops listening to the database and
// checking its replicas.
func (s *Server) Close() { s.live.Close(); s.stopReplicas() }

// Handler is the whole HTTP handler, middlewares included.
func (s *Server) Handler() http.Handler { return s.handler }

// MetricsHandler serves the metrics on a listener of their own, when
// TEZ_METRICS_ADDR (production's default) keeps them off the API's.
func (s *Server) MetricsHandler() http.Handler { return s.metrics.Handler() }

// ListenAndServe serves on addr until ctx ends, then shuts down gracefully:
// it stops accepting and lets in-flight requests finish (up to 30 s).
// ready, if not nil, receives the bound address once listening.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return s.Serve(ctx, ln, ready)
}

// Serve is ListenAndServe on a listener the caller opened (and Serve closes).
func (s *Server) Serve(ctx context.Context, ln net.Listener, ready func(net.Addr)) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.cfg.RequestTimeout + 15*time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing in-flight requests")
	// Streams last as long as their clients want: end them first.
	s.live.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 503 while the database cannot be reached.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.store.DB().PingContext(ctx); err != nil {
		s.log.WarnContext(r.Context(), "not ready: database unreachable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unreachable\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
	// A replica out of rotation leaves the server ready: the primary reads.
	for _, r := range s.store.DB().Replicas() {
		_, _ = fmt.Fprintln(w, replicaLine(r))
	}
}

// replicaLine is a replica's line on /readyz. It names no host: the
// reason's detail goes to the log (replicaChanged).
func replicaLine(r store.ReplicaStatus) string {
	if r.InRotation {
		return fmt.Sprintf("%s: in rotation, lag %s, replayed %s", r.Name, r.Lag.Round(time.Millisecond), r.Replayed)
	}
	return fmt.Sprintf("%s: out of rotation (%s): reads go to the primary", r.Name, r.Problem)
}

// replicaChanged logs a replica entering or leaving the rotation.
func (s *Server) replicaChanged(r store.ReplicaStatus) {
	if r.InRotation {
		s.log.Info("replica in rotation", "replica", r.Name, "lag", r.Lag.String(), "replayed", r.Replayed.String())
		return
	}
	s.log.Warn("replica out of rotation: its reads go to the primary", "replica", r.Name, "problem", r.Problem, "err", r.Detail)
}
