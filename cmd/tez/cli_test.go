package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apperr"
)

// cliCases is every subcommand and action, with the flags its help must
// name. TestEveryCommandHasACase keeps it complete.
var cliCases = []struct {
	args  []string
	flags []string
}{
	{[]string{"serve"}, nil},
	{[]string{"migrate", "up"}, nil},
	{[]string{"migrate", "down"}, nil},
	{[]string{"migrate", "status"}, nil},
	{[]string{"seed"}, []string{"-scale"}},
	{[]string{"reseller", "create"}, []string{"-name", "-rate", "-burst"}},
	{[]string{"reseller", "key", "create"}, []string{"-reseller", "-expires"}},
	{[]string{"reseller", "key", "list"}, []string{"-reseller"}},
	{[]string{"reseller", "key", "revoke"}, nil},
	{[]string{"reseller", "assign"}, []string{"-reseller"}},
	{[]string{"reseller", "webhook", "add"}, []string{"-reseller", "-url", "-events", "-low-balance"}},
	{[]string{"reseller", "webhook", "list"}, []string{"-reseller"}},
	{[]string{"reseller", "webhook", "remove"}, nil},
	{[]string{"reseller", "webhook", "deliveries"}, []string{"-reseller", "-failed", "-n"}},
	{[]string{"reseller", "webhook", "redeliver"}, nil},
	{[]string{"bench"}, []string{"-connections", "-duration", "-warmup", "-scale", "-scenarios", "-json", "-markdown", "-explain", "-loadgen", "-profile", "-soak", "-servers", "-fault"}},
	{[]string{"usage", "import"}, []string{"-rejects", "-batch", "-workers"}},
	{[]string{"usage", "partitions", "list"}, nil},
	{[]string{"usage", "partitions", "archive"}, []string{"-before", "-dir", "-discard"}},
	{[]string{"usage", "bench"}, []string{"-rows", "-sims", "-batch", "-workers", "-alerts", "-use-database-url"}},
	{[]string{"legacy", "import"}, nil},
	{[]string{"mail", "outbox"}, []string{"-n"}},
	{[]string{"ledger", "check"}, nil},
	{[]string{"ledger", "adjust"}, []string{"-iccid", "-amount", "-reason", "-key"}},
	{[]string{"orders", "fulfil"}, nil},
	{[]string{"stock", "add"}, nil},
	{[]string{"orders", "ship"}, []string{"-order", "-carrier", "-tracking", "-url"}},
	{[]string{"orders", "delivered"}, []string{"-order"}},
	{[]string{"orders", "refund"}, []string{"-order", "-reason", "-amount"}},
}

// noDatabase points tez at a database that cannot answer and at an empty
// data directory, and returns a check that the directory stayed empty: a
// command that reached for either fails (or leaves a cluster behind).
func noDatabase(t *testing.T) func() {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("TEZ_DATA_DIR", dir)
	t.Setenv("TEZ_LOG_LEVEL", "error")
	return func() {
		t.Helper()
		if entries, err := os.ReadDir(dir); err != nil || len(entries) > 0 {
			t.Errorf("TEZ_DATA_DIR holds %d entries (%v): the embedded cluster was started", len(entries), err)
		}
	}
}

// tezExit runs tez in-process as main does and returns its exit code.
func tezExit(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = exitCode(run(context.Background(), args, &out, &errOut), &errOut)
	return code, out.String(), errOut.String()
}

// databases are the two ways tez finds a database: DATABASE_URL (here one
// that refuses connections) or the embedded cluster.
var databases = map[string]string{
	"DATABASE_URL unreachable": "postgres://tez:tez@127.0.0.1:1/tez?sslmode=disable&connect_timeout=2",
	"embedded cluster":         "",
}

func TestHelpTouchesNoDatabase(t *testing.T) {
	for where, url := range databases {
		for _, c := range cliCases {
			for _, help := range []string{"-h", "-help", "--help"} {
				args := append(append([]string{}, c.args...), help)
				t.Run(where+"/"+strings.Join(args, " "), func(t *testing.T) {
					t.Setenv("DATABASE_URL", url)
					if where == "embedded cluster" {
						// Help reads no configuration: a malformed variable
						// (or production without a database) does not hide it.
						t.Setenv("TEZ_DB_MAX_CONNS", "many")
						t.Setenv("TEZ_ENV", "production")
					}
					untouched := noDatabase(t)
					code, out, errOut := tezExit(args...)
					if code != 0 {
						t.Fatalf("exit %d, want 0; stderr %q", code, errOut)
					}
					if want := "usage: tez "; !strings.HasPrefix(out, want) {
						t.Errorf("help = %q, want it on stdout starting %q", out, want)
					}
					if c.args[0] != "serve" && !strings.Contains(out, strings.Join(c.args, " ")) {
						t.Errorf("help = %q, want it to name %q", out, strings.Join(c.args, " "))
					}
					for _, f := range c.flags {
						if !strings.Contains(out, "  "+f+" ") && !strings.Contains(out, "  "+f+"\n") {
							t.Errorf("help = %q, want it to describe %s", out, f)
						}
					}
					untouched()
				})
			}
		}
	}
}

func TestBadCommandLinesExit2(t *testing.T) {
	var lines [][]string
	for _, c := range cliCases {
		lines = append(lines, append(append([]string{}, c.args...), "--bogus-flag"))
	}
	lines = append(lines,
		[]string{"--bogus-flag"}, // tez with no subcommand serves: its flags too
		[]string{"nosuch"},
		[]string{"migrate"}, []string{"migrate", "sideways"},
		[]string{"reseller"}, []string{"reseller", "key"}, []string{"reseller", "key", "burn"},
		[]string{"reseller", "key", "revoke"}, []string{"reseller", "key", "create"}, []string{"reseller", "assign", "--reseller", "x"},
		[]string{"reseller", "webhook"}, []string{"reseller", "webhook", "add", "--reseller", "x"}, []string{"reseller", "webhook", "remove"},
		[]string{"reseller", "webhook", "remove", "x"}, []string{"reseller", "webhook", "redeliver"},
		[]string{"usage", "nosuch"}, []string{"usage", "import"}, []string{"usage", "partitions", "extra"},
		[]string{"legacy"}, []string{"legacy", "import"}, []string{"legacy", "export", "f"},
		[]string{"mail"}, []string{"mail", "inbox"},
		[]string{"ledger", "audit"}, []string{"ledger", "adjust", "--iccid", "1"},
		[]string{"orders", "cancel"}, []string{"seed", "extra"},
		[]string{"orders", "ship", "--order", "TEZ-1"}, []string{"orders", "delivered"}, []string{"orders", "refund", "--amount", "5"},
		[]string{"stock"}, []string{"stock", "add"}, []string{"stock", "add", "a.csv", "b.csv"},
	)
	t.Setenv("DATABASE_URL", databases["DATABASE_URL unreachable"])
	for _, args := range lines {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			untouched := noDatabase(t)
			code, out, errOut := tezExit(args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, errOut)
			}
			lines := strings.Split(errOut, "\n")
			if len(lines) < 2 || !strings.HasPrefix(lines[0], "tez") || !strings.HasPrefix(lines[1], "usage:") {
				t.Errorf("stderr = %q, want a one-line reason, then the usage", errOut)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			untouched()
		})
	}
}

// helpPaths are the subcommand paths a help text names, as its usage
// lines start: "tez reseller key create --reseller …" names
// "reseller key create".
var helpPaths = regexp.MustCompile(`(?m)^(?:usage:)?[ \t]*tez ([a-z]+(?: [a-z]+)*)`)

// TestEveryActionHasACase walks the help of every subcommand down to its
// actions (tez reseller --help, tez reseller webhook --help, …): each
// action a help names runs in cliCases, so its -h is checked above, and
// each case is an action some help names.
func TestEveryActionHasACase(t *testing.T) {
	actions := map[string]bool{"serve": true} // tez [serve]
	seen := map[string]bool{}
	var walk func(path string)
	walk = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		code, out, errOut := tezExit(append(strings.Fields(path), "--help")...)
		if code != 0 {
			t.Errorf("tez %s --help exited %d: %s", path, code, errOut)
			return
		}
		deeper := false
		for _, m := range helpPaths.FindAllStringSubmatch(out, -1) {
			words := strings.Fields(m[1])
			for n := range words {
				if sub := strings.Join(words[:n+1], " "); strings.HasPrefix(sub, path+" ") {
					deeper = true
					walk(sub)
				}
			}
		}
		if !deeper {
			actions[path] = true
		}
	}
	for _, cmd := range commands() {
		if cmd.name != "serve" {
			walk(cmd.name)
		}
	}
	cases := map[string]bool{}
	for _, c := range cliCases {
		cases[strings.Join(c.args, " ")] = true
	}
	for path := range actions {
		if !cases[path] {
			t.Errorf("help names tez %s, which no case of cliCases runs", path)
		}
	}
	for path := range cases {
		if !actions[path] {
			t.Errorf("cliCases runs tez %s, which no help names", path)
		}
	}
}

// TestEveryCommandHasACase fails when `tez help` lists a subcommand that
// cliCases does not run.
func TestEveryCommandHasACase(t *testing.T) {
	code, out, _ := tezExit("help")
	if code != 0 {
		t.Fatalf("tez help exited %d", code)
	}
	for _, cmd := range commands() {
		if !strings.Contains(out, "  "+cmd.name+" ") {
			t.Errorf("tez help does not list %s", cmd.name)
		}
		found := false
		for _, c := range cliCases {
			found = found || c.args[0] == cmd.name
		}
		if !found {
			t.Errorf("no case runs tez %s -h", cmd.name)
		}
	}
	for _, help := range []string{"-h", "--help"} {
		if code, top, _ := tezExit(help); code != 0 || top != out {
			t.Errorf("tez %s exited %d with %q, want tez help's text", help, code, top)
		}
	}
}

// What tez prints when a command fails: a domain error is its sentence,
// without its code or the cause behind it (a constraint's name); an
// unexpected error is printed whole.
func TestFailuresReadAsSentences(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{apperr.New(apperr.NotFound, "no webhook event has the id %q", "7"), "tez: no webhook event has the id \"7\"\n"},
		{fmt.Errorf("create reseller: %w", apperr.Wrap(errors.New("pq: duplicate key"), apperr.Conflict, "reseller already exists")), "tez: reseller already exists\n"},
		{apperr.Wrap(errors.New("connection refused"), apperr.Internal, "internal error"), "tez: INTERNAL: internal error: connection refused\n"},
		{errors.New("embedded database: no initdb"), "tez: embedded database: no initdb\n"},
	} {
		var out bytes.Buffer
		if code := exitCode(c.err, &out); code != 1 || out.String() != c.want {
			t.Errorf("exitCode(%v) = %d, printed %q; want 1, %q", c.err, code, out.String(), c.want)
		}
	}
}
