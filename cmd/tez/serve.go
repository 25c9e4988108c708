package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/teztelecom/tez/internal/mail"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/server"
	cdrs "github.com/teztelecom/tez/internal/usage" // main.go has a func usage
	"github.com/teztelecom/tez/internal/webhooks"
)

// mailPoll is how often the outbox worker looks for mail to deliver.
const mailPoll = 5 * time.Second

// partitionPass is how often the usage partition keeper runs: months ahead
// are made three months early, so an hour is plenty.
const partitionPass = time.Hour

// webhookPoll is how often the webhook worker looks for events to post.
const webhookPoll = time.Second

func runServe(ctx context.Context, env *environment, args []string) error {
	if err := newFlags(env, "serve", "tez [serve]   (configured by environment variables: see README.md)").parse(args, 0, 0); err != nil {
		return err
	}
	tuneGC()
	// The port first: a port in use is told at once, not after the
	// database has started.
	ln, err := listen(env.cfg.HTTPAddr)
	if err != nil {
		return err
	}
	defer ln.Close()
	var metricsLn net.Listener
	if env.cfg.MetricsAddr != "" {
		if metricsLn, err = listenNamed("TEZ_METRICS_ADDR", env.cfg.MetricsAddr); err != nil {
			return err
		}
		defer metricsLn.Close()
	}
	return withDatabase(ctx, env, dbOptions{}, func(dbase *database) error { return serveOn(ctx, env, dbase, ln, metricsLn) })
}

// serveOn serves the API on ln (and the metrics on metricsLn, when not nil)
// until ctx ends.
func serveOn(ctx context.Context, env *environment, dbase *database, ln, metricsLn net.Listener) error {
	if dbase.embedded {
		// The embedded database is for trying the API: it always has the demo.
		if err := seed.Demo(ctx, dbase.st); err != nil {
			return err
		}
	}

	if env.cfg.PprofAddr != "" {
		go servePprof(env)
	}
	st := dbase.st
	cfg := env.cfg
	if cfg.DatabaseListenURL == "" {
		// Live updates LISTEN on a connection of their own to the same database.
		cfg.DatabaseListenURL = dbase.dsn
	}
	srv, err := server.New(cfg, st, env.log)
	if err != nil {
		return err
	}
	defer srv.Close()
	env.log.Info("security settings", env.cfg.SecuritySettings()...)
	if metricsLn != nil {
		env.log.Info("metrics listening, apart from the API", "addr", metricsLn.Addr().String())
		go serveMetrics(ctx, env, metricsLn, srv.MetricsHandler())
	}
	mailer, err := mail.New(env.cfg.SMTPURL, env.cfg.MailFrom, env.log)
	if err != nil {
		return err
	}
	// The outbox worker stops with the server; undelivered mail waits in
	// the outbox for the next start (or another replica).
	workerCtx, stopWorker := context.WithCancel(ctx)
	defer stopWorker()
	go srv.MailWorker(mailer).Run(workerCtx, mailPoll)
	keeper := &cdrs.Keeper{Store: st, Retention: env.cfg.UsageRetentionMonths, ArchiveDir: env.cfg.ArchiveDir, Log: env.log, Now: time.Now}
	go keeper.Run(workerCtx, partitionPass)
	if hooks, err := srv.WebhookWorker(webhooks.WorkerOptions{}); err != nil {
		env.log.Warn("partner webhooks are not delivered", "err", err)
	} else {
		go hooks.Run(workerCtx, webhookPoll)
	}
	return srv.Serve(ctx, ln, func(addr net.Addr) {
		line := fmt.Sprintf("TEZ account API listening: GraphQL at http://%[1]s/graphql, the web account at http://%[1]s/account/", addr)
		if env.cfg.Playground {
			line = fmt.Sprintf("TEZ account API: GraphiQL at http://%[1]s/, the web account at http://%[1]s/account/", addr)
		}
		if dbase.embedded {
			line += fmt.Sprintf(" (demo sign-in: %s / %s)", seed.DemoEmail, seed.DemoPassword)
		}
		fmt.Fprintln(env.stdout, line)
	})
}

// listen opens the API's address, naming the variable that sets it when
// the port is taken (another tez, or another program).
func listen(addr string) (net.Listener, error) {
	return listenNamed("TEZ_HTTP_ADDR", addr)
}

// listenNamed opens addr, which the variable name sets.
func listenNamed(name, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("%s=%s: the address is already in use (another tez or another program listens there): "+
			"stop that one or set %s to a free address, e.g. %s=127.0.0.1:8081", name, addr, name, name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s=%s: %w", name, addr, err)
	}
	return ln, nil
}

// serveMetrics serves /metrics on its own listener until ctx ends.
func serveMetrics(ctx context.Context, env *environment, ln net.Listener, metrics http.Handler) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		env.log.Error("metrics listener stopped", "addr", ln.Addr().String(), "err", err)
	}
}

// servePprof serves Go's profiles on their own listener, never on the API's.
func servePprof(env *environment) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	srv := &http.Server{Addr: env.cfg.PprofAddr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		env.log.Error("pprof listener stopped", "addr", env.cfg.PprofAddr, "err", err)
	}
}

// serveMemoryLimit makes the collector work harder as the heap nears it,
// which bounds the server's memory under load while leaving room for
// sign-ins: each argon2 hash holds 19 MiB, one per core at a time, and a
// limit below that working set leaves the collector running without pause
// (docs/benchmarks.md has the measurements).
const serveMemoryLimit = 96 << 20

// serveGCPercent lets the heap grow to three times what is live between
// collections instead of Go's twice: a dashboard's live heap is small, so
// Go's default collects often for little, and the CPU it saves costs a few
// MiB of memory (docs/benchmarks.md has the measurements).
const serveGCPercent = 200

// tuneGC sets both unless GOMEMLIMIT or GOGC are in the environment.
func tuneGC() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
}
