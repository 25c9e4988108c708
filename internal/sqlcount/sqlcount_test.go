package sqlcount_test

import (
	"context"
	"testing"

	"github.com/teztelecom/tez/internal/sqlcount"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestCountsStatementsPerContext(t *testing.T) {
	t.Parallel()
	db := testdb.New(t) // opened through store.Open, hence counted
	ctx, c := sqlcount.WithRecorder(context.Background())
	var n int
	if err := db.GetContext(ctx, &n, `SELECT $1::int + 1`, 41); err != nil || n != 42 {
		t.Fatalf("query through the wrapper = %d, %v", n, err)
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT 1`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// Work on another context is not counted here.
	if _, err := db.ExecContext(context.Background(), `SELECT 2`); err != nil {
		t.Fatal(err)
	}
	if got := c.Count(); got != 4 {
		t.Errorf("Count = %d, want 4 (query, BEGIN, statement, COMMIT)", got)
	}
	st := c.Statements()
	if len(st) != 4 || st[0].Query != `SELECT $1::int + 1` || len(st[0].Args) != 1 || st[0].Args[0] != int64(41) || st[3].Query != "COMMIT" {
		t.Errorf("recorded %+v", st)
	}
}
