package store_test

import (
	"strings"
	"testing"

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
