package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/bench"
	"github.com/teztelecom/tez/internal/bench/postgraphile"
	"github.com/teztelecom/tez/internal/store"
)

// againstPostGraphile is -against's one value.
const againstPostGraphile = "postgraphile"

// postgraphileStart bounds PostGraphile's start: it introspects the
// database and builds its schema before it answers.
const postgraphileStart = 2 * time.Minute

// postgraphileVariants are the two PostGraphiles measured: as it comes, and
// at its strongest here, with one plan per prepared statement (it prepares
// its statements), the setting the tez server runs with.
var postgraphileVariants = []struct {
	name     string
	settings map[string]string
}{
	{"postgraphile", nil},
	{"postgraphile-generic", store.GenericPlans},
}

// preparePostGraphile installs PostGraphile into the data directory and
// gives the bench database its computed columns (before PostGraphile
// introspects it), before anything is measured: a machine without Node
// fails at once. It returns the project's directory.
func preparePostGraphile(ctx context.Context, env *environment, d *database) (string, error) {
	dir, err := filepath.Abs(filepath.Join(env.cfg.DataDir, "postgraphile"))
	if err != nil {
		return "", err
	}
	if err := postgraphile.Install(ctx, dir, env.stderr); err != nil {
		return "", fmt.Errorf("-against postgraphile: %w", err)
	}
	if _, err := d.st.DB().ExecContext(ctx, postgraphile.Setup); err != nil {
		return "", fmt.Errorf("PostGraphile's computed columns (internal/bench/postgraphile/setup.sql): %w", err)
	}
	return dir, nil
}

// measurePostGraphile runs the dashboard on PostGraphile v5, installed in
// dir, beside the tez server (docs/benchmarks.md, "Against PostGraphile"):
// on the same database, for the same customers as the dashboard scenario,
// at the same connections, with the same load generator, once per
// variant. Before measuring a variant it checks that PostGraphile answers
// each customer's dashboard as the tez server (srv) does, value for value;
// a difference stops the bench. The results compare with the dashboard's
// (Against).
func measurePostGraphile(ctx context.Context, env *environment, f benchFlags, d *database, dir string, srv *benchServer, fx *fixtures, m *meter) ([]bench.Result, error) {
	conn, err := bench.ConnEnv(d.dsn)
	if err != nil {
		return nil, err
	}
	n := min(ceilingCustomers, len(fx.users))
	users, tokens := fx.users[:n], fx.tokens[:n]
	vars := dashboardVars()
	var results []bench.Result
	for _, v := range postgraphileVariants {
		// PGOPTIONS is set even when empty: one inherited must not apply.
		childEnv := slices.Concat(conn, []string{"PGOPTIONS=" + bench.PGOptions(v.settings), fmt.Sprintf("PGL_POOL_MAX=%d", env.cfg.DBMaxConns)})
		p, err := startPostGraphile(ctx, dir, childEnv)
		if err != nil {
			return results, err
		}
		if err := checkPostGraphile(ctx, srv.url, p.url, users, tokens, vars); err != nil {
			p.stop()
			return results, err
		}
		fmt.Fprintf(m.env.stderr, "%s (%s): its answers agree with the tez server's for all %d customers, value for value\n", v.name, p.logPath, n)
		sc := postgraphileScenario(v.name, users, vars)
		for _, conns := range connectionCounts("dashboard", f.connections) {
			r := m.measure(ctx, p.url+"/graphql", p.pid, sc, conns, nil)
			r.Against = "dashboard"
			results = append(results, r)
			if ctx.Err() != nil {
				p.stop()
				return results, ctx.Err()
			}
		}
		p.stop()
	}
	return results, nil
}

// postgraphileServer is PostGraphile run as a child process.
type postgraphileServer struct {
	url     string
	pid     int
	logPath string // its output: its schema warnings are long
	stop    func()
}

// startPostGraphile starts the project in dir on a free port with env
// added to its environment, and waits until it answers a query.
func startPostGraphile(ctx context.Context, dir string, env []string) (*postgraphileServer, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	_, portText, _ := strings.Cut(addr, ":")
	port, _ := strconv.Atoi(portText)
	logPath := filepath.Join(dir, "postgraphile.log")
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer log.Close() // the child holds its own descriptor
	cmd := postgraphile.Command(dir, port, env)
	cmd.Stdout, cmd.Stderr = log, log
	url := "http://" + addr
	ping := graphqlBody(`{ __typename }`, nil)
	pid, stop, err := startChild(ctx, cmd, "PostGraphile", postgraphileStart, func() bool {
		_, err := post(ctx, url+"/graphql", ping, nil)
		return err == nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w; its output: %s", err, tail(logPath, 2000))
	}
	return &postgraphileServer{url: url, pid: pid, logPath: logPath, stop: stop}, nil
}

// checkPostGraphile asks both servers for each customer's dashboard and
// fails on the first whose answers differ (bench.SameDashboard).
func checkPostGraphile(ctx context.Context, tezURL, pglURL string, users []int64, tokens []string, vars map[string]any) error {
	tezBody := graphqlBody(documents.Get("dashboard.graphql"), vars)
	for i, id := range users {
		ours, err := post(ctx, tezURL+"/graphql", tezBody, bearer(tokens[i]))
		if err != nil {
			return fmt.Errorf("the tez dashboard of user %d: %w", id, err)
		}
		theirs, err := post(ctx, pglURL+"/graphql", postgraphileBody(id, vars), nil)
		if err != nil {
			return fmt.Errorf("PostGraphile's dashboard of user %d: %w", id, err)
		}
		if err := bench.SameDashboard(ours, theirs); err != nil {
			return fmt.Errorf("PostGraphile does not answer user %d's dashboard as tez does: %w", id, err)
		}
	}
	return nil
}

// postgraphileBody asks PostGraphile for user id's dashboard over the
// dashboard's range (vars' from and to).
func postgraphileBody(id int64, vars map[string]any) []byte {
	return graphqlBody(postgraphile.Dashboard, map[string]any{"id": strconv.FormatInt(id, 10), "from": vars["from"], "to": vars["to"]})
}

// postgraphileScenario asks for the users' dashboards at random, as the
// dashboard scenario asks for theirs.
func postgraphileScenario(name string, users []int64, vars map[string]any) bench.Scenario {
	bodies := make([][]byte, len(users))
	for i, id := range users {
		bodies[i] = postgraphileBody(id, vars)
	}
	return bench.Scenario{Name: name, Next: func(rng *rand.Rand) bench.Request {
		return bench.Request{Body: bodies[rng.IntN(len(bodies))]}
	}}
}

// checkClient sends the requests that check answers: bounded, so that a
// server that hangs fails the bench instead of stalling it.
var checkClient = &http.Client{Timeout: 30 * time.Second}

// post sends a GraphQL request and returns the answer if bench.Check
// accepts it (a 200 with data and no errors).
func post(ctx context.Context, url string, body []byte, header map[string]string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := checkClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	return out, bench.Check(res.StatusCode, out)
}

// tail is the last n bytes of a file, for an error.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(data) > n {
		data = data[len(data)-n:]
	}
	return string(data)
}
