package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestMigrationsDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	p, err := store.Migrations(db.DB)
	if err != nil {
		t.Fatal(err)
	}
	tables := func() int {
		var n int
		if err := db.Get(&n, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('goose_db_version', 'goose_lock')`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	migrated := tables()
	if migrated < 15 {
		t.Fatalf("migrated schema has %d tables, want the whole data model", migrated)
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("down to 0: %v", err)
	}
	if n := tables(); n != 0 {
		t.Errorf("after down to 0, %d tables remain", n)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if n := tables(); n != migrated {
		t.Errorf("after up again, %d tables, want %d", n, migrated)
	}
}

// Three servers deployed at once on a database with migrations pending
// each run them at start: one migrates, the others wait and find nothing
// left, and all three start (before the lock, two failed on a column the
// other had just added).
func TestServersStartingAtOnceMigrateOneAfterAnother(t *testing.T) {
	t.Parallel()
	dsn := testdb.EmptyDSN(t)
	errs := make(chan error, 3)
	for range 3 {
		db := testdb.Open(t, dsn)
		go func() { errs <- store.Migrate(context.Background(), db.DB) }()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Errorf("a server's migration: %v", err)
		}
	}
	p, err := store.Migrations(testdb.Open(t, dsn).DB)
	if err != nil {
		t.Fatal(err)
	}
	if pending, err := p.HasPending(context.Background()); err != nil || pending {
		t.Errorf("migrations still pending after all three: %v %v", pending, err)
	}
}

func TestUsagePartitions(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	// A session in a month with no partition lands in the default partition,
	// and moves to its month's partition once that is created.
	db.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, cost, currency)
		VALUES ('far-future', '8999701000000000019', '2035-03-10T10:00:00Z', '2035-03-10T11:00:00Z', 1, 2, 'DE', 0, 'USD')`)
	where := func() string {
		var rel string
		if err := db.Get(&rel, `SELECT tableoid::regclass::text FROM usage_sessions WHERE cdr_id = 'far-future'`); err != nil {
			t.Fatal(err)
		}
		return rel
	}
	if got := where(); got != "usage_sessions_default" {
		t.Fatalf("row is in %s, want usage_sessions_default", got)
	}
	var created int
	if err := db.Get(&created, `SELECT usage_ensure_partitions('2035-02-01', 3)`); err != nil || created != 3 {
		t.Fatalf("usage_ensure_partitions = %d, %v; want 3 created", created, err)
	}
	if got := where(); got != "usage_sessions_y2035m03" {
		t.Errorf("row is in %s, want usage_sessions_y2035m03", got)
	}
	if err := db.Get(&created, `SELECT usage_ensure_partitions('2035-02-01', 3)`); err != nil || created != 0 {
		t.Errorf("second call created %d, %v; want 0", created, err)
	}
}

func TestOneDefaultAddressPerCustomer(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	db.MustExec(`INSERT INTO users (email, password_hash, terms_accepted_at, terms_version) VALUES ('a@x.example', 'h', now(), 'v')`)
	insert := `INSERT INTO addresses (user_id, recipient_name, line1, city, postal_code, country_code, is_default)
		SELECT id, 'A', 'L', 'C', '1', 'DE', true FROM users`
	db.MustExec(insert)
	if _, err := db.Exec(insert); err == nil {
		t.Error("a second default address was accepted")
	}
}

// Every ICCID column, of every table and every monthly partition, the ones
// created after the migrations included, compares bytes (collation "C"):
// a column left under the database's collation would make each index
// descent a strcoll() call again, and a join of two ICCID columns of
// different collations an error. A partition made later also gets the
// index the newest-first reads walk without sorting.
func TestICCIDColumnsCompareBytes(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	var created int
	if err := db.Get(&created, `SELECT usage_ensure_partitions('2090-01-01', 1)`); err != nil {
		t.Fatal(err)
	}
	if created != 1 {
		t.Fatalf("usage_ensure_partitions created %d partitions for January 2090, want 1", created)
	}
	var cols []struct {
		Table     string `db:"tbl"`
		Column    string `db:"col"`
		Collation string `db:"coll"`
	}
	if err := db.Select(&cols, `
SELECT c.relname AS tbl, a.attname AS col, coalesce(co.collname, '') AS coll
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
LEFT JOIN pg_collation co ON co.oid = a.attcollation
WHERE a.attname LIKE '%iccid%' AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
ORDER BY 1, 2`); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range cols {
		seen[c.Table] = true
		if c.Collation != "C" {
			t.Errorf("%s.%s has collation %q, want \"C\"", c.Table, c.Column, c.Collation)
		}
	}
	for _, table := range []string{"sim_cards", "usage_sessions", "usage_sessions_y2090m01", "usage_sessions_default", "balance_entries", "order_items"} {
		if !seen[table] {
			t.Errorf("no ICCID column found in %s (of %d columns found)", table, len(cols))
		}
	}
	var defs []string
	if err := db.Select(&defs, `SELECT indexdef FROM pg_indexes WHERE tablename = 'usage_sessions_y2090m01'`); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(defs, func(d string) bool { return strings.HasSuffix(d, "(iccid, started_at DESC, id DESC)") }) {
		t.Errorf("the partition made later has no (iccid, started_at DESC, id DESC) index: %q", defs)
	}
}
