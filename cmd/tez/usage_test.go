package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// TestUsageAndLedgerCommands drives the operator commands the way a shell
// script would, on a database of the test's own with the demo data.
func TestUsageAndLedgerCommands(t *testing.T) {
	dsn := testdb.DSN(t)
	t.Setenv("DATABASE_URL", dsn)
	if _, _, err := tez(t, "seed"); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), dsn, store.PoolOptions{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var sim string
	if err := db.Get(&sim, `SELECT iccid FROM sim_cards WHERE status = 'ACTIVE' AND user_id IS NOT NULL ORDER BY iccid LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cdrs := filepath.Join(dir, "cdrs.csv")
	write(t, cdrs, "cdr_id,iccid,started_at,ended_at,bytes_up,bytes_down,mcc,mnc,network_name,cost_minor,currency\n"+
		"cli-1,"+sim+",2026-10-02T10:00:00Z,2026-10-02T10:20:00Z,100,2000,286,01,Turkcell,12,USD\n"+
		"cli-2,"+sim+",2026-10-02T11:00:00Z,2026-10-02T10:20:00Z,100,2000,286,01,Turkcell,12,USD\n"+
		"cli-3,"+sim+",2026-10-02T12:00:00Z,2026-10-02T12:20:00Z,100,2000,286,01,Turkcell,30,USD\n")
	rejects := filepath.Join(dir, "rejects.csv")

	t.Run("usage import prints a summary and writes rejects", func(t *testing.T) {
		out, _, err := tez(t, "usage", "import", "--rejects", rejects, cdrs)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out, "read 3, imported 2, duplicates 0, rejected 1,") || !strings.Contains(out, "rows/s") {
			t.Errorf("summary = %q", out)
		}
		if got := read(t, rejects); !strings.Contains(got, "\n3,ended_at is before started_at,cli-2,") {
			t.Errorf("rejects file:\n%s", got)
		}
		out, _, err = tez(t, "usage", "import", cdrs)
		if err != nil || !strings.HasPrefix(out, "read 3, imported 0, duplicates 2, rejected 1,") {
			t.Errorf("second import: %q, %v", out, err)
		}
	})

	t.Run("usage import stops on a file without the header", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.csv")
		write(t, bad, "cli-9,"+sim+",2026-10-02T10:00:00Z\n")
		if _, _, err := tez(t, "usage", "import", bad); err == nil {
			t.Error("a file without the CDR header was accepted")
		}
	})

	t.Run("usage partitions lists row counts", func(t *testing.T) {
		out, _, err := tez(t, "usage", "partitions")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "usage_sessions_y2026m10") || !strings.Contains(out, "usage_sessions_default") {
			t.Errorf("partitions:\n%s", out)
		}
	})

	t.Run("ledger adjust records an adjustment", func(t *testing.T) {
		out, _, err := tez(t, "ledger", "adjust", "--iccid", sim, "--amount", "5.00", "--reason", "roaming outage", "--key", "ticket-1")
		if err != nil || !strings.Contains(out, "ADJUSTMENT 5.00 USD on "+sim) {
			t.Errorf("adjust: %q, %v", out, err)
		}
		if _, _, err := tez(t, "ledger", "adjust", "--iccid", sim, "--amount", "1.005", "--reason", "x"); err == nil {
			t.Error("an amount with three decimals in USD was accepted")
		}
	})

	t.Run("ledger check is clean, then names a tampered SIM", func(t *testing.T) {
		out, _, err := tez(t, "ledger", "check")
		if err != nil || !strings.HasPrefix(out, "ledger check: all ") {
			t.Fatalf("check: %q, %v", out, err)
		}
		tamper(t, db, sim)
		out, _, err = tez(t, "ledger", "check")
		if err == nil || !strings.Contains(err.Error(), sim) || !strings.HasPrefix(out, sim) {
			t.Errorf("check after tampering: %q, %v; want an error naming %s", out, err, sim)
		}
	})

	t.Run("usage bench needs consent to write to DATABASE_URL", func(t *testing.T) {
		if _, _, err := tez(t, "usage", "bench", "--rows", "100"); err == nil {
			t.Error("the benchmark ran in DATABASE_URL without --use-database-url")
		}
	})
}

func TestUsageBench(t *testing.T) {
	t.Setenv("DATABASE_URL", testdb.DSN(t))
	out, _, err := tez(t, "usage", "bench", "--rows", "3000", "--sims", "20", "--batch", "1000", "--use-database-url")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3000 CDRs", "import     read 3000, imported 3000,", "re-import  read 3000, imported 0, duplicates 3000,", "0 SIMs disagree"} {
		if !strings.Contains(out, want) {
			t.Errorf("bench output lacks %q:\n%s", want, out)
		}
	}
}

func tamper(t *testing.T, db *sqlx.DB, iccid string) {
	t.Helper()
	db.MustExec(`UPDATE sim_cards SET balance = balance + 1 WHERE iccid = $1`, iccid)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
