package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/iccid"
)

func TestResellerCommands(t *testing.T) {
	dsn := onTestDB(t)

	id, _, err := tez(t, "reseller", "create", "--name", "Acme Travel")
	if err != nil || !regexp.MustCompile(`^\d+\n$`).MatchString(id) {
		t.Fatalf("reseller create printed %q, %v; want the id alone", id, err)
	}
	if _, _, err := tez(t, "reseller", "create", "--name", "Acme Travel"); err == nil {
		t.Error("a second reseller with the same name was created")
	}

	key, msg, err := tez(t, "reseller", "key", "create", "--reseller", strings.TrimSpace(id))
	if err != nil || !regexp.MustCompile(`^tez_[0-9a-f]{8}_[0-9a-f]{48}\n$`).MatchString(key) {
		t.Fatalf("key create printed %q (stderr %q), %v; want the key alone on stdout", key, msg, err)
	}
	prefix := strings.Split(key, "_")[1]
	list, _, err := tez(t, "reseller", "key", "list", "--reseller", "Acme Travel")
	if err != nil || !strings.Contains(list, prefix) || strings.Contains(list, strings.TrimSpace(key)) {
		t.Errorf("key list = %q, %v; want the prefix and never the secret", list, err)
	}
	if _, _, err := tez(t, "reseller", "key", "revoke", prefix); err != nil {
		t.Errorf("revoke: %v", err)
	}

	t.Run("an unknown reseller or key is answered with a sentence", func(t *testing.T) {
		empty := filepath.Join(t.TempDir(), "none.txt")
		os.WriteFile(empty, nil, 0o644)
		for _, args := range [][]string{
			{"reseller", "key", "create", "--reseller", "nosuch"},
			{"reseller", "key", "list", "--reseller", "nosuch"},
			{"reseller", "assign", "--reseller", "nosuch", empty},
		} {
			_, _, err := tez(t, args...)
			if err == nil || err.Error() != `no reseller has the id or name "nosuch" (tez reseller create --name NAME makes one)` {
				t.Errorf("%v: %v, want the sentence alone", args, err)
			}
		}
		_, _, err := tez(t, "reseller", "key", "revoke", "deadbeef")
		if err == nil || err.Error() != `no key has the prefix "deadbeef" (tez reseller key list shows them)` {
			t.Errorf("revoke of an unknown prefix: %v, want the sentence alone", err)
		}
	})

	t.Run("assign reports problems by line", func(t *testing.T) {
		dbSIM := iccid.WithCheckDigit("899970100000009001")
		unknown := iccid.WithCheckDigit("899970100000009002")
		if out, _, err := tez(t, "reseller", "create", "--name", "Other"); err != nil {
			t.Fatal(out, err)
		}
		other := iccid.WithCheckDigit("899970100000009003")
		insertSIMs(t, dsn, dbSIM, other)
		otherFile := filepath.Join(t.TempDir(), "other.txt")
		os.WriteFile(otherFile, []byte(other+"\n"), 0o644)
		if _, _, err := tez(t, "reseller", "assign", "--reseller", "Other", otherFile); err != nil {
			t.Fatal(err)
		}

		file := filepath.Join(t.TempDir(), "sims.csv")
		body := "iccid,note\n" + dbSIM + ",box 1\n" + unknown + "\n8999701000000090011\n" + other + "\n" + dbSIM + "\n"
		os.WriteFile(file, []byte(body), 0o644)
		out, problems, err := tez(t, "reseller", "assign", "--reseller", "Acme Travel", file)
		if err != nil {
			t.Fatal(err)
		}
		if out != "assigned 1, already held 0, not assigned 4\n" {
			t.Errorf("summary = %q", out)
		}
		for _, want := range []string{"line 3: " + unknown + ": no such SIM card", "line 4:", "check digit", "line 5: " + other + ": already assigned to another reseller", "line 6: " + dbSIM + ": repeats line 2"} {
			if !strings.Contains(problems, want) {
				t.Errorf("problems %q lack %q", problems, want)
			}
		}
		again, _, _ := tez(t, "reseller", "assign", "--reseller", "Acme Travel", file)
		if !strings.HasPrefix(again, "assigned 0, already held 1") {
			t.Errorf("re-assign = %q, want it idempotent", again)
		}
	})
}

func insertSIMs(t *testing.T, dsn string, iccids ...string) {
	t.Helper()
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, id := range iccids {
		if _, err := db.Exec(`INSERT INTO sim_cards (iccid) VALUES ($1)`, id); err != nil {
			t.Fatal(err)
		}
	}
}
