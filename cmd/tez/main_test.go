package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// tez runs a subcommand in-process and returns its stdout and stderr.
func tez(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

// onTestDB points tez at a database of the test's own and quiets its logs;
// it returns the database's DSN.
func onTestDB(t *testing.T) string {
	t.Helper()
	dsn := testdb.DSN(t)
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("TEZ_LOG_LEVEL", "error")
	return dsn
}
