package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// NewestSessions reads the monthly partitions in order and the default
// partition apart (see partitions.go): sessions of months without a
// partition, long ago or far ahead, still count, newest first, and the
// history still starts at owned_since.
func TestNewestSessionsAcrossPartitions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	st := store.New(db)
	var owner int64
	if err := db.Get(&owner, `INSERT INTO users (email, password_hash, terms_accepted_at, terms_version) VALUES ('p@x.example', 'h', now(), 'v') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	const sim = "8999701000000000019"
	db.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since) VALUES ($1, 'ACTIVE', $2, '2000-01-01')`, sim, owner)
	insert := func(cdr string, at time.Time) {
		t.Helper()
		db.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, cost, currency)
			VALUES ($1, $2, $3, $3::timestamptz + interval '1 minute', 1, 1, 'DE', 0, 'USD')`, cdr, sim, at)
	}
	now := time.Now().UTC().Truncate(time.Second)
	insert("before-owner", time.Date(1999, 6, 1, 0, 0, 0, 0, time.UTC)) // default partition, before owned_since
	insert("long-ago", time.Date(2001, 6, 1, 0, 0, 0, 0, time.UTC))     // default partition
	insert("last-month", now.AddDate(0, -1, 0))
	insert("this-month", now.Add(-time.Hour))
	insert("far-ahead", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)) // default partition
	var inDefault int
	if err := db.Get(&inDefault, `SELECT count(*) FROM usage_sessions_default`); err != nil || inDefault != 3 {
		t.Fatalf("default partition holds %d sessions (%v), want 3", inDefault, err)
	}

	scope := store.Scope{UserID: owner}
	for _, tt := range []struct {
		limit int
		want  []string
	}{
		{1, []string{"far-ahead"}},
		{3, []string{"far-ahead", "this-month", "last-month"}},
		{10, []string{"far-ahead", "this-month", "last-month", "long-ago"}},
	} {
		key := store.NewestKey{UsageRange: store.UsageRange{ICCID: sim}, Limit: tt.limit}
		got, err := st.NewestSessions(ctx, st.DB(), scope, []store.NewestKey{key})
		if err != nil {
			t.Fatal(err)
		}
		var cdrs []string
		for _, u := range got[key] {
			var cdr string
			if err := db.Get(&cdr, `SELECT cdr_id FROM usage_sessions WHERE id = $1`, u.ID); err != nil {
				t.Fatal(err)
			}
			cdrs = append(cdrs, cdr)
		}
		if !slices.Equal(cdrs, tt.want) {
			t.Errorf("limit %d: %v, want %v", tt.limit, cdrs, tt.want)
		}
	}
}
