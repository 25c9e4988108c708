package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/testdb"
)

// TestLegacyImportCommand runs `tez legacy import` on the demo data as an
// operator would: a good line and a bad one, then the same file again.
func TestLegacyImportCommand(t *testing.T) {
	t.Setenv("DATABASE_URL", testdb.DSN(t))
	if _, _, err := tez(t, "seed"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "old.jsonl")
	write(t, file, `{"email":"old-cli@x.example","fullName":"Old Customer","orders":[{"number":"OLD-CLI-1","placedAt":"2019-03-01T10:00:00Z",`+
		`"status":"FULFILLED","currency":"USD","total":"10.00","items":[{"sku":"TOPUP-10","name":"Top-up 10","quantity":1,"unitPrice":"10.00"}]}]}`+"\n"+
		`{"email":"old-cli@x.example","simCards":[{"iccid":"8900000000000000001"}]}`+"\n")

	out, errOut, err := tez(t, "legacy", "import", file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "jsonl: 2 lines, 1 skipped; new or changed: 1 accounts, 0 SIM cards, 1 orders (1 lines);") || !strings.Contains(out, "lines/s") {
		t.Errorf("summary = %q", out)
	}
	if !strings.HasPrefix(errOut, "line 2: ") || !strings.Contains(errOut, "(skipped)") {
		t.Errorf("stderr = %q, want line 2 reported", errOut)
	}
	out, _, err = tez(t, "legacy", "import", file)
	if err != nil || !strings.Contains(out, "new or changed: 0 accounts, 0 SIM cards, 0 orders (0 lines)") {
		t.Errorf("second import: %q, %v", out, err)
	}
	if _, _, err := tez(t, "legacy", "import"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("no file: %v, want the usage", err)
	}
}
