package store_test

import (
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// Deleting an account deletes its users row; every foreign key to users
// then runs its ON DELETE action as "… WHERE <column> = $1". Each such
// column, read from the catalogue (a table added later included), must
// have an index that query can use: with sequential scans priced out, the
// plan of that lookup must not scan the table.
func TestForeignKeysToUsersAreIndexed(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	var fks []struct {
		Table  string `db:"tbl"`
		Column string `db:"col"`
		Action string `db:"action"`
	}
	if err := db.Select(&fks, `
		SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, c.confdeltype::text AS action
		FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
		WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass
		ORDER BY 1, 2`); err != nil {
		t.Fatal(err)
	}
	if len(fks) < 5 {
		t.Fatalf("found %d foreign keys to users, want at least sessions, tokens, addresses, orders, SIMs", len(fks))
	}
	tx := db.MustBegin()
	defer tx.Rollback()
	tx.MustExec(`SET LOCAL enable_seqscan = off`)
	for _, fk := range fks {
		var plan []string
		if err := tx.Select(&plan, `EXPLAIN SELECT 1 FROM ONLY `+fk.Table+` WHERE `+fk.Column+` = 42`); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s.%s (ON DELETE %s):\n%s", fk.Table, fk.Column, fk.Action, strings.Join(plan, "\n"))
		if p := strings.Join(plan, "\n"); strings.Contains(p, "Seq Scan") {
			t.Errorf("deleting a user scans %s for %s: no usable index\n%s", fk.Table, fk.Column, p)
		}
	}
}

// The data export must hold everything kept about a customer. The tables
// that do are found in the catalogue: those with a foreign key to users or
// to such a table (their SIMs' ledger, their orders' payments, …), and
// those keyed by an email (citext, the type of every email column). A new
// table among them fails here until an export section reads it, or
// store.NotExported says why not.
func TestDataExportCoversEveryTableWithAUserReference(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	var tables []string
	if err := db.Select(&tables, `
		WITH RECURSIVE linked(tbl) AS (
		    SELECT 'users'::regclass
		    UNION
		    SELECT c.conrelid::regclass FROM pg_constraint c JOIN linked l ON c.confrelid = l.tbl WHERE c.contype = 'f')
		SELECT tbl::text FROM linked
		UNION
		SELECT a.attrelid::regclass::text FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid
		WHERE a.atttypid = 'citext'::regtype AND r.relkind IN ('r', 'p') AND r.relnamespace = 'public'::regnamespace AND NOT a.attisdropped
		  AND NOT r.relispartition
		ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, s := range store.ExportSections() {
		for _, tbl := range s.Tables {
			covered[tbl] = true
		}
	}
	for _, tbl := range tables {
		if !covered[tbl] && store.NotExported[tbl] == "" {
			t.Errorf("table %s holds customer data but GET /export/account.json does not read it: add it to an export section (internal/store/account_export.go) or say in store.NotExported why not", tbl)
		}
	}
	if len(tables) < 10 {
		t.Errorf("found %d tables with a user reference (%v), want the whole account", len(tables), tables)
	}
}
