package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/bench"
	"github.com/teztelecom/tez/internal/requestid"
	"github.com/teztelecom/tez/internal/seed"
)

func numCPU() int { return runtime.NumCPU() }

func scenarioNames() []string { return []string{"catalogue"} }

// ensureBenchData seeds the benchmark database once.
func ensureBenchData(ctx context.Context, env *environment, db *sqlx.DB, scale int) error {
	return seed.Demo(ctx, db)
}

// fixtures are what the scenarios pick from: signed-in customers and the like.
type fixtures struct {
	tokens []string
}

// loadFixtures opens bench sessions for seeded customers straight in the
// database: the scenarios measure reads, not sign-in (that is `login`).
func loadFixtures(ctx context.Context, db *sqlx.DB) (*fixtures, error) {
	var ids []int64
	if err := db.SelectContext(ctx, &ids, `SELECT id FROM users ORDER BY random() LIMIT 1000`); err != nil {
		return nil, fmt.Errorf("pick customers: %w", err)
	}
	f := &fixtures{}
	for _, id := range ids {
		token := requestid.New() + requestid.New()
		hash := sha256.Sum256([]byte(token))
		if _, err := db.ExecContext(ctx, `INSERT INTO auth_sessions (token_hash, user_id, expires_at, user_agent)
			VALUES ($1, $2, now() + interval '1 day', 'tez bench')`, hash[:], id); err != nil {
			return nil, fmt.Errorf("open bench session: %w", err)
		}
		f.tokens = append(f.tokens, token)
	}
	return f, nil
}

func graphqlBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars}) // plain maps always marshal
	return b
}

func (f *fixtures) scenario(name string) (bench.Scenario, error) {
	switch name {
	case "catalogue":
		body := graphqlBody(`{ products(first: 20) { edges { node { id sku name price { amount currencyCode } } } } }`, nil)
		return bench.Scenario{Name: name, Next: func(*rand.Rand) bench.Request { return bench.Request{Body: body} }}, nil
	}
	return bench.Scenario{}, fmt.Errorf("unknown scenario %q: choose from %v", name, scenarioNames())
}
