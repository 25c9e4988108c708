// Command tez is the TEZ Telecom customer account API server and its
// operator tools. Run `tez help` for the subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/config"
)

// command is one subcommand: a name, a one-line summary and its runner.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the GraphQL API (the default when no subcommand is given)", runServe},
		{"migrate", "apply or inspect database migrations: migrate up|down|status", runMigrate},
		{"seed", "load the demo data (idempotent); --scale N also generates N customers", runSeed},
		{"reseller", "manage resellers: create, key create|list|revoke, assign", runReseller},
		{"bench", "benchmark the API over HTTP against its database's ceiling", runBench},
		{"usage", "import CDRs, list usage partitions, benchmark the import: usage import|partitions|bench", runUsage},
		{"legacy", "import the accounts of the old account system: legacy import FILE (JSON Lines or CSV)", runLegacy},
		{"mail", "show the email outbox with its links: mail outbox [-n 10]", runMail},
		{"ledger", "check balances against the ledger, adjust a balance: ledger check|adjust", runLedger},
		{"orders", "fulfil, ship, deliver and refund orders: orders fulfil|ship|delivered|refund", runOrders},
		{"stock", "add SIM cards to stock from a CSV file, then fulfil waiting orders: stock add FILE", runStock},
	}
}

// environment is what every subcommand gets: configuration, logger, output.
type environment struct {
	cfg    config.Config
	log    *slog.Logger
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := exitCode(run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr)
	stop()
	os.Exit(code)
}

// exitCode reports err on w and says how tez exits: 0 for success and for
// help asked for, 2 for a command line it cannot read (as Go's flag package
// does), 1 for anything else. A domain error (no such reseller, key, event)
// is its sentence alone, without its code.
func exitCode(err error, w io.Writer) int {
	var bad *usageError
	var coded *apperr.Error
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &bad):
		fmt.Fprintln(w, bad)
		return 2
	case errors.As(err, &coded) && coded.Code != apperr.Internal:
		fmt.Fprintln(w, "tez:", coded.Message)
		return 1
	}
	fmt.Fprintln(w, "tez:", err)
	return 1
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := config.FromEnv()
	if err != nil {
		if !asksHelp(args) {
			return err
		}
		cfg = config.Defaults() // help reads no configuration: a bad variable must not hide it
	}
	env := &environment{cfg: cfg, log: newLogger(cfg.LogLevel, stderr), stdin: os.Stdin, stdout: stdout, stderr: stderr}
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		usage(stdout)
		return nil
	}
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, env, args)
		}
	}
	var b strings.Builder
	usage(&b)
	return &usageError{reason: fmt.Sprintf("tez: unknown command %q", name), usage: strings.TrimRight(b.String(), "\n")}
}

// asksHelp reports whether a command line asks for help anywhere before a
// "--" (tez help, tez reseller create -h).
func asksHelp(args []string) bool {
	for i, a := range args {
		switch {
		case a == "--":
			return false
		case a == "-h", a == "-help", a == "--help", a == "help" && i == 0:
			return true
		}
	}
	return false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: tez [command] [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from environment variables: see README.md.")
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// openInput opens the named file, or standard input for "-"; close when done.
func openInput(env *environment, name string) (io.Reader, func(), error) {
	if name == "-" {
		return env.stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}
