package bench

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Statement is one SQL statement with the values it was run with.
type Statement struct {
	Query string
	Args  []any
}

var placeholder = regexp.MustCompile(`\$(\d+)`)

// Script renders statements as a pgbench script: one line each, with the
// recorded values written in as literals.
func Script(stmts []Statement) (string, error) {
	var b strings.Builder
	for _, s := range stmts {
		line, err := Inline(s)
		if err != nil {
			return "", err
		}
		b.WriteString(line)
		b.WriteString(";\n")
	}
	return b.String(), nil
}

var sqlComment = regexp.MustCompile(`--[^\n]*`)

// Inline writes a statement's values into it as literals, on one line
// (comments dropped: on one line they would swallow the rest).
func Inline(s Statement) (string, error) {
	var bad error
	line := placeholder.ReplaceAllStringFunc(sqlComment.ReplaceAllString(s.Query, ""), func(m string) string {
		n, _ := strconv.Atoi(m[1:])
		if n < 1 || n > len(s.Args) {
			bad = fmt.Errorf("statement uses %s but has %d values", m, len(s.Args))
			return m
		}
		lit, err := literal(s.Args[n-1])
		if err != nil {
			bad = err
		}
		return lit
	})
	return strings.Join(strings.Fields(line), " "), bad
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func literal(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "NULL", nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	case string:
		return quote(v), nil
	case []byte:
		return quote(`\x` + hex.EncodeToString(v)), nil
	case time.Time:
		return quote(v.Format(time.RFC3339Nano)) + "::timestamptz", nil
	}
	return "", fmt.Errorf("no literal for %T", v)
}

// PGBench replays scripts with pgbench in prepared mode, each transaction
// one of them at random, and returns the transactions (script runs) per
// second: the ceiling the database sets for the same work without the
// server in between.
func PGBench(ctx context.Context, dsn string, scripts []string, conns int, d time.Duration) (float64, error) {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		return 0, fmt.Errorf("pgbench not found (Debian: apt-get install postgresql-client-15): %w", err)
	}
	var files []string
	for _, script := range scripts {
		f, err := os.CreateTemp("", "tez-pgbench-*.sql")
		if err != nil {
			return 0, err
		}
		defer os.Remove(f.Name())
		_, err = f.WriteString(script)
		f.Close()
		if err != nil {
			return 0, err
		}
		// pgbench picks one of the scripts at random for each transaction.
		files = append(files, "-f", f.Name())
	}
	conn, err := connArgs(dsn)
	if err != nil {
		return 0, err
	}
	args := append(conn, "-n", "-M", "prepared", "-c", strconv.Itoa(conns), "-j", strconv.Itoa(min(conns, 2)),
		"-T", strconv.Itoa(max(1, int(d.Seconds()))))
	args = append(args, files...)
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %v: %s", err, out)
	}
	m := regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`).FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no tps: %s", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// connArgs turns a lib/pq DSN (URL or key=value) into pgbench's flags.
func connArgs(dsn string) ([]string, error) {
	kv := map[string]string{}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return nil, err
		}
		kv["host"], kv["port"], kv["user"], kv["dbname"] = u.Hostname(), u.Port(), u.User.Username(), strings.TrimPrefix(u.Path, "/")
		if p, ok := u.User.Password(); ok {
			kv["password"] = p
		}
		for k, v := range u.Query() {
			kv[k] = v[0]
		}
	} else {
		for _, f := range strings.Fields(dsn) {
			if k, v, ok := strings.Cut(f, "="); ok {
				kv[k] = v
			}
		}
	}
	var args []string
	for flag, key := range map[string]string{"-h": "host", "-p": "port", "-U": "user"} {
		if v := kv[key]; v != "" {
			args = append(args, flag, v)
		}
	}
	if kv["password"] != "" {
		os.Setenv("PGPASSWORD", kv["password"])
	}
	return append(args, kv["dbname"]), nil
}
