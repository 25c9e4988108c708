package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/bench"
	"github.com/teztelecom/tez/internal/shardplan"
	"github.com/teztelecom/tez/internal/store"
)

// benchDatabase is the embedded cluster's database for benchmarks, apart
// from the demo database.
const benchDatabase = "tez_bench"

type benchFlags struct {
	connections int
	duration    time.Duration
	warmup      time.Duration
	scale       int
	scenarios   string
	jsonOut     string
	markdown    string
	explain     bool
	profile     string
	loadgen     string
	shards      int
	soak        time.Duration
	servers     int
	fault       bool
	sampleEvery time.Duration
	against     string
	pin         bool
}

// ceilingCustomers is how many customers' dashboards the pgbench ceiling
// replays, and the dashboard scenario asks for: the same customers on both
// sides, so that both work on the same rows (more customers on one side
// make PostgreSQL's work per dashboard dearer there, and the ratio unfair).
// One customer's would hide the spread between small and large accounts.
const ceilingCustomers = 16

// pgbenchWarmup is how long pgbench runs before its rate counts: its new
// connections first prepare every statement, and the rate settles only
// after some seconds.
const pgbenchWarmup = 10 * time.Second

func runBench(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "bench", "tez bench [flags]   benchmarks the API over HTTP against its database's ceiling")
	var f benchFlags
	fs.IntVar(&f.connections, "connections", 16, "concurrent connections of the load generator")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "measured time per scenario")
	fs.DurationVar(&f.warmup, "warmup", 3*time.Second, "unmeasured time before each scenario")
	fs.IntVar(&f.scale, "scale", 10000, "customers in the benchmark database (seeded once)")
	fs.StringVar(&f.scenarios, "scenarios", strings.Join(scenarioNames(), ","), "comma-separated scenarios to run")
	fs.StringVar(&f.jsonOut, "json", "", "also write the results as JSON to this file")
	fs.StringVar(&f.markdown, "markdown", "", "print the results of an earlier -json file as the Markdown tables of docs/benchmarks.md and stop (no database)")
	fs.BoolVar(&f.explain, "explain", false, "print EXPLAIN ANALYZE of each statement of one dashboard request, prepared as the server runs it, and stop")
	fs.StringVar(&f.loadgen, "loadgen", "auto", "load generator: wrk, builtin, or auto (wrk when installed)")
	fs.IntVar(&f.shards, "shards", 0, "print how this many Citus shards would split the benchmark data under two schemes (docs/scaling.md) and stop")
	fs.DurationVar(&f.soak, "soak", 0, "instead of the scenarios, soak: the mixed load at half the measured capacity (-connections for -duration) for this long (docs/benchmarks.md)")
	fs.IntVar(&f.servers, "servers", 1, "with -soak, this many servers behind HAProxy")
	fs.BoolVar(&f.fault, "fault", false, "with -soak, kill a server behind HAProxy at a third and restart PostgreSQL at two thirds")
	fs.DurationVar(&f.sampleEvery, "sample", soakSampleEvery, "with -soak, how often the servers' memory and connections are read")
	fs.StringVar(&f.profile, "profile", "", "write the server's CPU and allocation profiles of each measured run into this directory")
	fs.StringVar(&f.against, "against", "", "also measure the dashboard on another server, side by side: postgraphile (PostGraphile v5 on the same database, with default settings and with generic plans; needs Node.js and npm)")
	fs.BoolVar(&f.pin, "pin", false, "split the CPUs: PostgreSQL (a cluster on this machine) on the upper half, everything else the bench runs on the rest, as when the database has a host of its own (docs/benchmarks.md)")
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	if f.against != "" && f.against != againstPostGraphile {
		return fs.fail(fmt.Sprintf("-against %q: the one server to compare with is %s", f.against, againstPostGraphile))
	}
	if f.pin && f.soak > 0 {
		return fs.fail("-pin measures the scenarios; a soak runs its servers on the whole machine")
	}
	if f.markdown != "" {
		return renderMarkdown(env.stdout, f.markdown)
	}
	return withDatabase(ctx, env, dbOptions{embeddedName: benchDatabase}, func(d *database) error { return runBenchOn(ctx, env, f, d) })
}

// runBenchOn runs the scenarios against a server on d and prints the results.
func runBenchOn(ctx context.Context, env *environment, f benchFlags, d *database) error {
	st, dsn := d.st, d.dsn
	db := st.DB()
	if err := ensureBenchData(ctx, env, st, f.scale); err != nil {
		return err
	}
	if f.shards > 0 {
		o := shardplan.Options{Shards: f.shards, ResellerBatch: 500, CDRBatch: 1000}
		rows, err := shardplan.Measure(ctx, db.Primary(), o)
		if err != nil {
			return err
		}
		return shardplan.Print(env.stdout, o, rows)
	}
	if f.soak > 0 {
		return runSoak(ctx, env, f, d)
	}
	stats := newStatementStats(ctx, env, db)
	var backend int
	if err := db.GetContext(ctx, &backend, `SELECT pg_backend_pid()`); err != nil {
		return err
	}
	// PostgreSQL's CPU is the bench cluster's alone: a shared machine runs
	// other clusters (test suites') beside it.
	dbCPU := bench.ClusterCPU(backend)
	var pinned string
	if f.pin {
		split, restore, err := pinBench(backend)
		if err != nil {
			return err
		}
		defer restore()
		pinned = split.String()
		fmt.Fprintf(env.stderr, "pinned: %s\n", pinned)
	}

	gen, err := loadGenerator(f.loadgen)
	if err != nil {
		return err
	}
	var pglDir string
	if f.against == againstPostGraphile && !f.explain {
		if pglDir, err = preparePostGraphile(ctx, env, d); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.stderr, "load generator: %s\n", gen)
	srv, err := startBenchServer(ctx, env, dsn, f.profile != "")
	if err != nil {
		return err
	}
	defer srv.stop()

	fixtures, err := loadFixtures(ctx, st)
	if err != nil {
		return err
	}
	var scripts []bench.PGScript
	if strings.Contains(f.scenarios, "dashboard") {
		recorded, err := fixtures.dashboardStatements(ctx, ceilingCustomers)
		if err != nil {
			return err
		}
		if f.explain {
			return explain(ctx, env, db.Primary(), recorded[0])
		}
		for i, stmts := range recorded {
			script, err := bench.Script(stmts, fmt.Sprintf("c%d", i))
			if err != nil {
				return err
			}
			scripts = append(scripts, script)
		}
		fmt.Fprintf(env.stderr, "one dashboard request sends %d statements; pgbench replays those of %d customers as the ceiling\n",
			len(recorded[0]), len(recorded))
	}
	m := &meter{env: env, gen: gen, warmup: f.warmup, duration: f.duration, stats: stats, dbCPU: dbCPU}
	var results []bench.Result
	for _, name := range strings.Split(f.scenarios, ",") {
		sc, err := fixtures.scenario(strings.TrimSpace(name))
		if err != nil {
			return err
		}
		for _, conns := range connectionCounts(sc.Name, f.connections) {
			r := m.measure(ctx, srv.url+"/graphql", srv.pid, sc, conns, func() <-chan error {
				return srv.profile(f.profile, fmt.Sprintf("%s-%d", sc.Name, conns), f.duration)
			})
			if sc.Name == "dashboard" && len(scripts) > 0 {
				ceiling, err := bench.PGBench(ctx, dsn, pgbenchSettings(env), dbCPU, scripts, conns, pgbenchWarmup, f.duration)
				if err != nil {
					env.log.Warn("no pgbench ceiling", "err", err)
				}
				r.CeilingPerSecond, r.CeilingDBCPUms = ceiling.PerSecond, ceiling.DBCPUms
			}
			results = append(results, r)
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	if f.against == againstPostGraphile {
		rows, err := measurePostGraphile(ctx, env, f, d, pglDir, srv, fixtures, m)
		results = append(results, rows...)
		if err != nil {
			return err
		}
	}
	if pinned != "" {
		fmt.Fprintf(env.stdout, "measured with -pin: %s\n", pinned)
	}
	if err := bench.PrintTable(env.stdout, results); err != nil {
		return err
	}
	if f.jsonOut != "" {
		data, err := json.MarshalIndent(benchFile{Machine: machine(pinned), Results: results}, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(f.jsonOut, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// pgbenchSettings are the server's planning settings, for pgbench's
// connections: the ceiling runs the same plans.
func pgbenchSettings(env *environment) map[string]string {
	if env.cfg.DBPrepared {
		return store.GenericPlans
	}
	return nil
}

// meter measures one run of a scenario against a server the bench started.
type meter struct {
	env              *environment
	gen              generator
	warmup, duration time.Duration
	stats            *statementStats
	dbCPU            func() time.Duration
}

// measure warms up, then runs sc against url at conns for the duration
// and measures it: the load generator's figures, the memory and CPU of the
// server process pid, PostgreSQL's CPU, and the statements the run sent.
// during, when not nil, starts with the measured run (the profile) and
// ends with its channel.
func (m *meter) measure(ctx context.Context, url string, pid int, sc bench.Scenario, conns int, during func() <-chan error) bench.Result {
	fmt.Fprintf(m.env.stderr, "%s at %d connections: warm-up %s, measuring %s\n", sc.Name, conns, m.warmup, m.duration)
	m.gen.load(url, conns, m.warmup).Run(ctx, sc)
	m.stats.reset(ctx)
	probe := &bench.Probe{PID: pid}
	probe.Start()
	var done <-chan error
	if during != nil {
		done = during()
	}
	db0 := m.dbCPU()
	r := m.gen.load(url, conns, m.duration).Run(ctx, sc)
	db1 := m.dbCPU()
	r.ServerRSSMiB, r.ServerCPUShare = probe.Stop()
	r.ServerCPUms = bench.PerRequestMs(time.Duration(r.ServerCPUShare*r.Seconds*float64(time.Second)), r.Requests)
	r.DBCPUms = bench.PerRequestMs(db1-db0, r.Requests)
	if done != nil {
		if err := <-done; err != nil {
			m.env.log.Warn("no profile", "err", err)
		}
	}
	m.stats.fill(ctx, &r)
	return r
}

// generator is the load generator: wrk when wrkBin is set, else the
// built-in one.
type generator struct{ wrkBin string }

func loadGenerator(choice string) (generator, error) {
	bin, err := exec.LookPath("wrk")
	switch choice {
	case "builtin":
		return generator{}, nil
	case "auto":
		return generator{wrkBin: bin}, nil // "" when wrk is not installed
	case "wrk":
		if err != nil {
			return generator{}, fmt.Errorf("-loadgen wrk: wrk not found (Debian: apt-get install wrk): %w", err)
		}
		return generator{wrkBin: bin}, nil
	}
	return generator{}, fmt.Errorf("-loadgen %q: want wrk, builtin or auto", choice)
}

func (g generator) String() string {
	if g.wrkBin != "" {
		return "wrk (" + g.wrkBin + ")"
	}
	return "built-in"
}

type loadRunner interface {
	Run(ctx context.Context, sc bench.Scenario) bench.Result
}

func (g generator) load(url string, conns int, d time.Duration) loadRunner {
	if g.wrkBin != "" {
		return bench.WRK{Bin: g.wrkBin, URL: url, Connections: conns, Duration: d}
	}
	return bench.Load{URL: url, Connections: conns, Duration: d}
}

// connectionCounts runs the dashboard at one connection too: its latency
// there is the figure a single customer feels.
func connectionCounts(scenario string, conns int) []int {
	if scenario == "dashboard" && conns != 1 {
		return []int{1, conns}
	}
	return []int{conns}
}

// benchServer is `tez serve` run as a child process, so that its memory and
// CPU are measured apart from the load generator's.
type benchServer struct {
	url      string
	pprofURL string // empty unless profiled
	pid      int
	stop     func()
}

// profile records the server's CPU profile over the next d, then its
// allocation profile (allocations since start, which pprof's -diff_base
// between two runs narrows), into dir as name.cpu.pprof and
// name.allocs.pprof. The channel gives the outcome once both are written;
// with no directory it is closed at once.
func (s *benchServer) profile(dir, name string, d time.Duration) <-chan error {
	done := make(chan error, 1)
	if dir == "" || s.pprofURL == "" {
		close(done)
		return done
	}
	go func() {
		seconds := max(1, int(d.Round(time.Second)/time.Second))
		err := fetchTo(fmt.Sprintf("%sprofile?seconds=%d", s.pprofURL, seconds), filepath.Join(dir, name+".cpu.pprof"))
		if err == nil {
			err = fetchTo(s.pprofURL+"allocs", filepath.Join(dir, name+".allocs.pprof"))
		}
		done <- err
	}()
	return done
}

func fetchTo(url, path string) error {
	res, err := http.Get(url)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("fetch %s: %s", url, res.Status)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func startBenchServer(ctx context.Context, env *environment, dsn string, profiled bool) (*benchServer, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dsn, "TEZ_HTTP_ADDR="+addr, "TEZ_LOG_LEVEL=warn",
		fmt.Sprintf("TEZ_DB_MAX_CONNS=%d", env.cfg.DBMaxConns))
	var pprofURL string
	if profiled {
		pprofAddr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		pprofURL = "http://" + pprofAddr + "/debug/pprof/"
		cmd.Env = append(cmd.Env, "TEZ_PPROF_ADDR="+pprofAddr)
	}
	cmd.Stdout, cmd.Stderr = env.stderr, env.stderr
	url := "http://" + addr
	pid, stop, err := startChild(ctx, cmd, "server", 60*time.Second, func() bool {
		res, err := http.Get(url + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
	if err != nil {
		return nil, err
	}
	return &benchServer{url: url, pprofURL: pprofURL, pid: pid, stop: stop}, nil
}

// startChild starts cmd, a server the bench measures (what names it in
// errors), and polls ready until it answers true, for at most within.
// stop interrupts it and waits for it to exit (killing it after 30 s).
func startChild(ctx context.Context, cmd *exec.Cmd, what string, within time.Duration, ready func() bool) (pid int, stop func(), err error) {
	if err := cmd.Start(); err != nil {
		return 0, nil, fmt.Errorf("start %s: %w", what, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
		}
	}
	for deadline := time.Now().Add(within); ; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-exited:
			return 0, nil, fmt.Errorf("%s exited at start: %v", what, err)
		default:
		}
		if ready() {
			return cmd.Process.Pid, stop, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			stop()
			return 0, nil, fmt.Errorf("%s did not become ready within %s", what, within)
		}
	}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// statementStats reads what the server's statements cost PostgreSQL from
// pg_stat_statements (preloaded by the embedded cluster): how many, and
// their planning and execution time. Planning is tracked because a
// statement planned anew on every call can cost more to plan than to run;
// the bench turns pg_stat_statements.track_planning on for its database, so
// connections opened after it (the server's, pgbench's) are measured.
type statementStats struct {
	db       store.Querier
	enabled  bool
	planning bool
}

func newStatementStats(ctx context.Context, env *environment, db store.Querier) *statementStats {
	_, err := db.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`)
	if err != nil {
		env.log.Warn("SQL statements per request not measured: pg_stat_statements unavailable", "err", err)
		return &statementStats{db: db}
	}
	_, perr := db.ExecContext(ctx, `DO $$ BEGIN
		EXECUTE format('ALTER DATABASE %I SET pg_stat_statements.track_planning = on', current_database());
	END $$`)
	if perr != nil {
		env.log.Warn("planning time not measured: cannot turn pg_stat_statements.track_planning on", "err", perr)
	}
	return &statementStats{db: db, enabled: true, planning: perr == nil}
}

func (s *statementStats) reset(ctx context.Context) {
	if s.enabled {
		_, _ = s.db.ExecContext(ctx, `SELECT pg_stat_statements_reset()`)
	}
}

// fill divides the server's statements in this database since the last
// reset (the harness's own are left out) by the requests made, into r.
func (s *statementStats) fill(ctx context.Context, r *bench.Result) {
	if !s.enabled || r.Requests == 0 {
		return
	}
	var rows []bench.StatementCost
	err := s.db.SelectContext(ctx, &rows, `
		SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 400) AS query,
		       sum(calls) AS calls, sum(plans) AS plans,
		       sum(total_plan_time) AS plan_ms, sum(total_exec_time) AS exec_ms
		FROM pg_stat_statements
		WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND query NOT ILIKE '%pg_stat_statements%'
		GROUP BY 1
		ORDER BY sum(total_plan_time + total_exec_time) DESC`)
	if err != nil {
		return
	}
	bench.Attribute(r, rows, s.planning)
}

// benchFile is what -json writes and -markdown reads.
type benchFile struct {
	Machine map[string]any `json:"machine"`
	Results []bench.Result `json:"results"`
}

// renderMarkdown prints the results saved in path as Markdown tables, so
// the table in docs/benchmarks.md is generated, not typed.
func renderMarkdown(w io.Writer, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var f benchFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%s: not a tez bench -json file: %w", path, err)
	}
	// A table of a pinned run says so: its ratio reads differently.
	if pinned, ok := f.Machine["pinned"].(string); ok && pinned != "" {
		if _, err := fmt.Fprintf(w, "Measured with `-pin`: %s.\n\n", pinned); err != nil {
			return err
		}
	}
	return bench.Markdown(w, f.Results)
}

// machine describes where the results were measured: pinned is how -pin
// split the CPUs ("" without it).
func machine(pinned string) map[string]any {
	host, _ := os.Hostname()
	m := map[string]any{"host": host, "cpus": numCPU(), "at": time.Now().UTC().Format(time.RFC3339)}
	if pinned != "" {
		m["pinned"] = pinned
	}
	return m
}

// pinBench splits the CPUs between the bench's PostgreSQL cluster (backend
// is one of its processes) and this process, whose children (the server,
// the load generator, pgbench, PostGraphile) inherit its share. restore
// gives both the machine back.
func pinBench(backend int) (bench.CPUSplit, func(), error) {
	cpus, err := bench.AllowedCPUs()
	if err != nil {
		return bench.CPUSplit{}, nil, err
	}
	split, err := bench.SplitCPUs(cpus)
	if err != nil {
		return bench.CPUSplit{}, nil, fmt.Errorf("-pin: %w", err)
	}
	unpinDB, err := bench.PinCluster(backend, split.DB)
	if err != nil {
		return bench.CPUSplit{}, nil, fmt.Errorf("-pin: %w", err)
	}
	unpinSelf, err := bench.PinSelf(split.Rest)
	if err != nil {
		unpinDB()
		return bench.CPUSplit{}, nil, fmt.Errorf("-pin: %w", err)
	}
	return split, func() { unpinSelf(); unpinDB() }, nil
}

// explainRuns is the execution of a prepared statement that explain
// explains: PostgreSQL plans a prepared statement for its values on its
// first five executions, builds and weighs a generic plan on the sixth,
// and from then on either reuses it or plans anew each time: the tenth
// shows which, with the planning time it costs.
const explainRuns = 10

// explain prints the plan and timing of each statement one dashboard
// request sends, as a server's connection runs it on the benchmark data:
// prepared, past its first executions (see explainRuns), on one connection
// opened like the server's (so with its settings).
func explain(ctx context.Context, env *environment, db *sqlx.DB, stmts []bench.Statement) error {
	conn, err := db.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for i, st := range stmts {
		if st.Query == "BEGIN" || st.Query == "COMMIT" {
			continue
		}
		name := fmt.Sprintf("tez_explain_%d", i+1)
		prepare, execute, err := bench.Prepared(name, st)
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, prepare); err != nil {
			return fmt.Errorf("prepare statement %d: %w", i+1, err)
		}
		for range explainRuns - 1 {
			if _, err := conn.ExecContext(ctx, execute); err != nil {
				return fmt.Errorf("execute statement %d: %w", i+1, err)
			}
		}
		var plan []string
		if err := conn.SelectContext(ctx, &plan, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+execute); err != nil {
			return fmt.Errorf("explain statement %d: %w", i+1, err)
		}
		if _, err := conn.ExecContext(ctx, "DEALLOCATE "+name); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "-- statement %d, execution %d of the prepared statement\n%s;\n%s;\n%s\n\n", i+1, explainRuns, prepare, execute, strings.Join(plan, "\n"))
	}
	return nil
}
