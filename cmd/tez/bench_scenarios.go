package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/bench"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/pgdriver"
	"github.com/teztelecom/tez/internal/reqctx"
	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/server"
	"github.com/teztelecom/tez/internal/store"
)

func numCPU() int { return runtime.NumCPU() }

func scenarioNames() []string {
	return []string{"dashboard", "dashboard-heavy", "history", "reseller-500", "login"}
}

// benchReseller holds the SIMs the reseller-500 scenario asks about.
const benchReseller = "bench reseller"

// ensureBenchData seeds the benchmark database once: the generated
// customers and a reseller holding 5,000 of their SIMs.
func ensureBenchData(ctx context.Context, env *environment, st *store.Store, scale int) error {
	fmt.Fprintf(env.stderr, "preparing %d customers (seeded once; the first time takes a minute or two)\n", scale)
	rep, err := seed.Scale(ctx, st, scale)
	if err != nil {
		return err
	}
	if rep.Customers > 0 {
		fmt.Fprintf(env.stderr, "generated %s\n", rep)
	}
	res, err := st.DB().ExecContext(ctx, `
		WITH r AS (
			INSERT INTO resellers (name, rate_per_second, burst) VALUES ($1, 1000000, 1000000)
			ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id)
		UPDATE sim_cards SET reseller_id = (SELECT id FROM r)
		WHERE iccid IN (SELECT iccid FROM sim_cards ORDER BY iccid LIMIT 5000) AND reseller_id IS NULL`, benchReseller)
	if err != nil {
		return err
	}
	// The seed analysed sim_cards before the reseller held any: until
	// autovacuum comes round, reseller-500 would run on a plan made for
	// none.
	if n, _ := res.RowsAffected(); n > 0 {
		_, err = st.DB().ExecContext(ctx, `ANALYZE sim_cards`)
	}
	return err
}

// fixtures are what the scenarios pick from.
type fixtures struct {
	st           *store.Store
	users        []int64  // random customers
	tokens       []string // their sessions, in the same order
	heavy        []string // sessions of customers with 50 SIMs
	history      []historyPick
	resellerKey  string
	resellerSIMs []string
	emails       []string
}

type historyPick struct{ token, iccid string }

// loadFixtures opens bench sessions straight in the database: the read
// scenarios measure reads, not sign-in (that is the login scenario).
func loadFixtures(ctx context.Context, st *store.Store) (*fixtures, error) {
	f, db := &fixtures{st: st}, st.DB()
	var ids []int64
	// The customers and their SIMs are drawn in a fixed pseudo-random order
	// (by hash), so that every run, of any build, reads the same ones: runs
	// before and after a change compare on the same rows, and -explain
	// explains the same customer's dashboard.
	if err := db.SelectContext(ctx, &ids, `SELECT id FROM users WHERE email LIKE 'customer-%@seed.tez.example' ORDER BY md5(id::text) LIMIT 1000`); err != nil {
		return nil, fmt.Errorf("pick customers: %w", err)
	}
	var heavy []int64
	if err := db.SelectContext(ctx, &heavy, `SELECT user_id FROM sim_cards WHERE user_id IS NOT NULL GROUP BY user_id HAVING count(*) = 50 LIMIT 100`); err != nil {
		return nil, fmt.Errorf("pick heavy customers: %w", err)
	}
	var err error
	f.users = ids
	if f.tokens, err = openSessions(ctx, db, ids); err != nil {
		return nil, err
	}
	if f.heavy, err = openSessions(ctx, db, heavy); err != nil {
		return nil, err
	}
	for i, id := range ids[:min(len(ids), 200)] {
		var iccid string
		if err := db.GetContext(ctx, &iccid, `SELECT iccid FROM sim_cards WHERE user_id = $1 ORDER BY md5(iccid) LIMIT 1`, id); err != nil {
			return nil, fmt.Errorf("pick a SIM: %w", err)
		}
		f.history = append(f.history, historyPick{f.tokens[i], iccid})
	}
	if err := db.SelectContext(ctx, &f.resellerSIMs, `
		SELECT s.iccid FROM sim_cards s JOIN resellers r ON r.id = s.reseller_id WHERE r.name = $1`, benchReseller); err != nil {
		return nil, err
	}
	k, _, err := reseller.NewService(st, nil, slog.Default()).CreateKey(ctx, benchReseller, 24*time.Hour)
	if err != nil {
		return nil, fmt.Errorf("bench reseller key: %w", err)
	}
	f.resellerKey = k.Full
	for n := 1; n <= 1000; n++ {
		f.emails = append(f.emails, seed.ScaleEmail(n))
	}
	return f, nil
}

func openSessions(ctx context.Context, db store.Querier, users []int64) ([]string, error) {
	var tokens []string
	for _, id := range users {
		token := reqctx.NewRequestID() + reqctx.NewRequestID()
		hash := sha256.Sum256([]byte(token))
		if _, err := db.ExecContext(ctx, `INSERT INTO auth_sessions (token_hash, user_id, expires_at, user_agent)
			VALUES ($1, $2, now() + interval '1 day', 'tez bench')`, hash[:], id); err != nil {
			return nil, fmt.Errorf("open bench session: %w", err)
		}
		tokens = append(tokens, token)
	}
	return tokens, nil
}

func graphqlBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars}) // plain maps always marshal
	return b
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

const historyQuery = `query History($iccid: ICCID!, $from: DateTime!, $to: DateTime!) {
  me { simCard(iccid: $iccid) { usageSessions(from: $from, to: $to, first: 50) {
    totalCount edges { node { id startedAt endedAt bytesUp bytesDown countryCode networkName cost { amount currencyCode } } } } } }
}`

const loginQuery = `mutation SignIn($email: String!, $password: String!) {
  login(input: { email: $email, password: $password }) { token user { id email } userErrors { field message code } }
}`

// dashboardVars is the dashboard's date range: the last 30 days.
func dashboardVars() map[string]any {
	now := time.Now().UTC()
	return map[string]any{"from": now.AddDate(0, 0, -30).Format(time.RFC3339), "to": now.Format(time.RFC3339)}
}

func (f *fixtures) scenario(name string) (bench.Scenario, error) {
	pick := func(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }
	dash := documents.Get("dashboard.graphql")
	switch name {
	case "dashboard", "dashboard-heavy":
		// The customers whose statements the ceiling replays (see
		// ceilingCustomers).
		tokens := f.tokens[:min(ceilingCustomers, len(f.tokens))]
		if name == "dashboard-heavy" {
			tokens = f.heavy
		}
		if len(tokens) == 0 {
			return bench.Scenario{}, fmt.Errorf("%s: no customers in the benchmark database", name)
		}
		body := graphqlBody(dash, dashboardVars())
		return bench.Scenario{Name: name, Next: func(rng *rand.Rand) bench.Request {
			return bench.Request{Body: body, Header: bearer(pick(rng, tokens))}
		}}, nil
	case "history":
		now := time.Now().UTC()
		vars := map[string]any{"from": now.AddDate(0, 0, -30).Format(time.RFC3339), "to": now.Format(time.RFC3339)}
		return bench.Scenario{Name: name, Next: func(rng *rand.Rand) bench.Request {
			p := f.history[rng.IntN(len(f.history))]
			v := map[string]any{"iccid": p.iccid, "from": vars["from"], "to": vars["to"]}
			return bench.Request{Body: graphqlBody(historyQuery, v), Header: bearer(p.token)}
		}}, nil
	case "reseller-500":
		doc := documents.Get("reseller-balances.graphql")
		key := map[string]string{"X-API-Key": f.resellerKey}
		return bench.Scenario{Name: name, Next: func(rng *rand.Rand) bench.Request {
			start := rng.IntN(len(f.resellerSIMs) - 500)
			return bench.Request{Body: graphqlBody(doc, map[string]any{"iccids": f.resellerSIMs[start : start+500]}), Header: key}
		}}, nil
	case "login":
		return bench.Scenario{Name: name, Next: func(rng *rand.Rand) bench.Request {
			return bench.Request{Body: graphqlBody(loginQuery, map[string]any{"email": pick(rng, f.emails), "password": seed.ScalePassword})}
		}}, nil
	}
	return bench.Scenario{}, fmt.Errorf("unknown scenario %q: choose from %s", name, strings.Join(scenarioNames(), ", "))
}

// dashboardStatements records the SQL one dashboard request sends, by
// serving one in-process on the benchmark database.
// dashboardStatements records the statements of one dashboard request for
// each of the first n customers (their SIMs, orders and sessions differ).
func (f *fixtures) dashboardStatements(ctx context.Context, n int) ([][]bench.Statement, error) {
	srv, err := server.New(config.Defaults(), f.st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	var out [][]bench.Statement
	for _, token := range f.tokens[:min(n, len(f.tokens))] {
		ctx, rec := pgdriver.WithRecorder(ctx)
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", strings.NewReader(string(graphqlBody(documents.Get("dashboard.graphql"), dashboardVars()))))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, req)
		if err := bench.Check(w.Code, w.Body.Bytes()); err != nil {
			return nil, fmt.Errorf("record the dashboard's statements: %w", err)
		}
		var stmts []bench.Statement
		for _, s := range rec.Statements() {
			stmts = append(stmts, bench.Statement{Query: s.Query, Args: s.Args})
		}
		out = append(out, stmts)
	}
	return out, nil
}
