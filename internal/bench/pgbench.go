package bench

import (
	"context"
	"encoding/hex"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
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

// PGScript is a pgbench script and the values of its variables.
type PGScript struct {
	Text string
	Vars map[string]string // passed as pgbench -D name=value
}

// Script renders statements as a pgbench script, one line each. Values
// are variables (:prefix_s_n), which pgbench's prepared mode binds as
// parameters of a prepared statement: the statements run exactly as the
// server runs them, on the same plans. (Values written in as literals
// would be planned for those very values, a plan no server runs, and the
// ceiling would be too high.) NULL, which a pgbench variable cannot hold,
// is written as a literal.
func Script(stmts []Statement, prefix string) (PGScript, error) {
	out := PGScript{Vars: map[string]string{}}
	var b strings.Builder
	for i, st := range stmts {
		line, err := rewrite(st, func(n int, v any) (string, error) {
			if v == nil {
				return "NULL", nil
			}
			text, err := param(v)
			if err != nil {
				return "", err
			}
			name := fmt.Sprintf("%s_%d_%d", prefix, i, n)
			out.Vars[name] = text
			return ":" + name, nil
		})
		if err != nil {
			return PGScript{}, err
		}
		b.WriteString(line)
		b.WriteString(";\n")
	}
	out.Text = b.String()
	return out, nil
}

var sqlComment = regexp.MustCompile(`--[^\n]*`)

// Prepared writes a statement as SQL that prepares it under name and
// executes it with its values, as the driver's prepared-statement cache
// runs it: the values are bound as parameters (untyped literals, which
// take the parameters' types), so EXPLAIN of the EXECUTE shows the plan a
// server's connection runs, generic or custom.
func Prepared(name string, s Statement) (prepare, execute string, err error) {
	vals := make([]string, len(s.Args))
	for i, v := range s.Args {
		if v == nil {
			vals[i] = "NULL"
			continue
		}
		text, err := param(v)
		if err != nil {
			return "", "", err
		}
		vals[i] = quote(text)
	}
	prepare = "PREPARE " + name + " AS " + strings.Join(strings.Fields(sqlComment.ReplaceAllString(s.Query, "")), " ")
	if len(vals) == 0 {
		return prepare, "EXECUTE " + name, nil
	}
	return prepare, "EXECUTE " + name + "(" + strings.Join(vals, ", ") + ")", nil
}

// rewrite puts sub's text for each placeholder $n (value v) into the
// statement, on one line (comments dropped: on one line they would swallow
// the rest).
func rewrite(s Statement, sub func(n int, v any) (string, error)) (string, error) {
	var bad error
	line := placeholder.ReplaceAllStringFunc(sqlComment.ReplaceAllString(s.Query, ""), func(m string) string {
		n, _ := strconv.Atoi(m[1:])
		if n < 1 || n > len(s.Args) {
			bad = fmt.Errorf("statement uses %s but has %d values", m, len(s.Args))
			return m
		}
		text, err := sub(n, s.Args[n-1])
		if err != nil {
			bad = err
		}
		return text
	})
	return strings.Join(strings.Fields(line), " "), bad
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// param is v in PostgreSQL's text format, as a driver sends a parameter.
func param(v any) (string, error) {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	case string:
		return v, nil
	case []byte:
		return `\x` + hex.EncodeToString(v), nil
	case time.Time:
		return v.Format(time.RFC3339Nano), nil
	}
	return "", fmt.Errorf("no text form for %T", v)
}

// PGBench replays scripts with pgbench in prepared mode, each transaction
// one of them at random, and returns the transactions (script runs) per
// second after warmup, measured for d: the ceiling the database sets for
// the same work without the server in between. pgbench's connections are
// new, so each first prepares every statement of every script (and,
// without the server's settings, plans it for its values five times before
// PostgreSQL weighs a generic plan): the warm-up leaves that out, as the
// server's connections are long past it. PostgreSQL's CPU per replayed
// request is measured over the same window.
// settings are the session settings the server's connections have (its
// plan_cache_mode), given to pgbench's through PGOPTIONS; dbCPU reads
// PostgreSQL's CPU time (ClusterCPU).
func PGBench(ctx context.Context, dsn string, settings map[string]string, dbCPU func() time.Duration, scripts []PGScript, conns int, warmup, d time.Duration) (Ceiling, error) {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		return Ceiling{}, fmt.Errorf("pgbench not found (Debian: apt-get install postgresql-client-15): %w", err)
	}
	var files []string
	for _, script := range scripts {
		f, err := os.CreateTemp("", "tez-pgbench-*.sql")
		if err != nil {
			return Ceiling{}, err
		}
		defer os.Remove(f.Name())
		_, err = f.WriteString(script.Text)
		f.Close()
		if err != nil {
			return Ceiling{}, err
		}
		// pgbench picks one of the scripts at random for each transaction.
		files = append(files, "-f", f.Name())
		for name, value := range script.Vars {
			files = append(files, "-D", name+"="+value)
		}
	}
	conn, err := connArgs(dsn)
	if err != nil {
		return Ceiling{}, err
	}
	args := append(conn, "-n", "-M", "prepared", "-c", strconv.Itoa(conns), "-j", strconv.Itoa(min(conns, 2)),
		"--progress=1", "-T", strconv.Itoa(max(1, int((warmup+d).Seconds()))))
	args = append(args, files...)
	// PostgreSQL's CPU is read at the warm-up's end and a second before
	// pgbench's: its connections' processes take their CPU time with them
	// when they exit.
	window := d - time.Second
	snaps := make(chan time.Duration, 2)
	first := time.AfterFunc(warmup, func() { snaps <- dbCPU() })
	last := time.AfterFunc(warmup+window, func() { snaps <- dbCPU() })
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "PGOPTIONS="+PGOptions(settings))
	out, err := cmd.CombinedOutput()
	first.Stop()
	last.Stop()
	if err != nil {
		return Ceiling{}, fmt.Errorf("pgbench: %v: %s", err, out)
	}
	tps, err := steadyTPS(out, warmup)
	if err != nil {
		return Ceiling{}, err
	}
	c := Ceiling{PerSecond: tps}
	if len(snaps) == 2 && window > 0 {
		db0, db1 := <-snaps, <-snaps
		c.DBCPUms = PerRequestMs(db1-db0, int(tps*window.Seconds()))
	}
	return c, nil
}

// PGOptions writes settings as libpq's PGOPTIONS (node-postgres reads it
// too), in a stable order.
func PGOptions(settings map[string]string) string {
	var opts []string
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		opts = append(opts, "-c "+k+"="+settings[k])
	}
	return strings.Join(opts, " ")
}

// Ceiling is what pgbench measured: requests replayed per second, and
// PostgreSQL's CPU per replayed request (0 when it runs elsewhere).
type Ceiling struct {
	PerSecond float64
	DBCPUms   float64
}

var progress = regexp.MustCompile(`(?m)^progress: ([0-9.]+) s, ([0-9.]+) tps`)

// steadyTPS averages the per-second rates pgbench --progress printed after
// the warm-up.
func steadyTPS(out []byte, warmup time.Duration) (float64, error) {
	var sum float64
	var n int
	for _, m := range progress.FindAllSubmatch(out, -1) {
		at, _ := strconv.ParseFloat(string(m[1]), 64)
		tps, _ := strconv.ParseFloat(string(m[2]), 64)
		if at > warmup.Seconds() {
			sum += tps
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("pgbench printed no progress after the %s warm-up: %s", warmup, out)
	}
	return sum / float64(n), nil
}

// connArgs turns a lib/pq DSN (URL or key=value) into pgbench's flags.
func connArgs(dsn string) ([]string, error) {
	kv, err := connParams(dsn)
	if err != nil {
		return nil, err
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

// ConnEnv turns a lib/pq DSN (URL or key=value) into the libpq environment
// variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE), as
// NAME=value, for a client that reads them (node-postgres does): a
// key=value DSN, the embedded cluster's, is no URL such a client parses.
func ConnEnv(dsn string) ([]string, error) {
	kv, err := connParams(dsn)
	if err != nil {
		return nil, err
	}
	var env []string
	for _, key := range []string{"host", "port", "user", "password", "dbname", "sslmode"} {
		if v := kv[key]; v != "" {
			name := "PG" + strings.ToUpper(key)
			if key == "dbname" {
				name = "PGDATABASE"
			}
			env = append(env, name+"="+v)
		}
	}
	return env, nil
}

// connParams reads a lib/pq DSN (URL or key=value) into its keys.
func connParams(dsn string) (map[string]string, error) {
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
		return kv, nil
	}
	for _, f := range strings.Fields(dsn) {
		if k, v, ok := strings.Cut(f, "="); ok {
			kv[k] = v
		}
	}
	return kv, nil
}
