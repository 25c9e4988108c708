package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// The newest-sessions statement's bound on now() is MaxSessionLead.
func TestNewestBoundIsTheSessionLead(t *testing.T) {
	if want := fmt.Sprintf("now() + interval '%d hours'", int(store.MaxSessionLead.Hours())); !strings.Contains(store.NewestWhere, want) {
		t.Fatalf("newestWhere does not bound started_at by %s", want)
	}
}

// The dashboard's newest sessions read no partition made ahead: the months
// after now are removed as the statement starts ("Subplans Removed"), so a
// SIM's read begins at the current month instead of probing empty ones.
func TestNewestSessionsSkipMonthsAhead(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	s := store.New(db)
	// Months well ahead, as the partition keeper makes them.
	if _, err := db.ExecContext(ctx, `SELECT usage_ensure_partitions(date_trunc('month', now())::date, 6)`); err != nil {
		t.Fatal(err)
	}
	var owner int64
	if err := db.GetContext(ctx, &owner, `INSERT INTO users (email, password_hash, terms_accepted_at, terms_version) VALUES ('ahead@x.example', 'h', now(), 'v') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	const sim = "8999701000000000019"
	db.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since) VALUES ($1, 'ACTIVE', $2, '2000-01-01')`, sim, owner)

	query := store.NewestSessionsQuery(s)
	if query == store.NewestSessionsPlain {
		t.Fatal("the partitions' span was not read: the bounded statement is not in use")
	}
	var plan []byte
	args := []any{pq.Array([]string{sim}), pq.Array([]string{"-infinity"}), pq.Array([]string{"infinity"}), pq.Array([]int64{3}), owner, "-infinity", "infinity"}
	if err := db.QueryRowContext(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+query, args...).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	var scanned []string
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if rel, ok := n["Relation Name"].(string); ok {
			scanned = append(scanned, rel)
		}
		for _, c := range asNodes(n["Plans"]) {
			walk(c)
		}
	}
	var doc []map[string]any
	if err := json.Unmarshal(plan, &doc); err != nil {
		t.Fatal(err)
	}
	walk(doc[0]["Plan"].(map[string]any))

	lead := time.Now().UTC().Add(store.MaxSessionLead)
	limit := fmt.Sprintf("usage_sessions_y%04dm%02d", lead.Year(), int(lead.Month()))
	sawCurrent := false
	for _, rel := range scanned {
		if strings.HasPrefix(rel, "usage_sessions_y") && rel > limit {
			t.Errorf("the statement reads %s, a month after now + %s", rel, store.MaxSessionLead)
		}
		if rel == fmt.Sprintf("usage_sessions_y%04dm%02d", time.Now().UTC().Year(), int(time.Now().UTC().Month())) {
			sawCurrent = true
		}
	}
	if !sawCurrent {
		t.Errorf("the current month is not read: %v", scanned)
	}
}

func asNodes(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
