package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The table in docs/benchmarks.md is rendered from a -json file, with no
// database: a garbled file answers a sentence naming it.
func TestBenchMarkdownRendersJSON(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "run.json")
	if err := os.WriteFile(good, []byte(`{"machine":{"cpus":2},"results":[
		{"scenario":"dashboard","connections":16,"requests":100,"requests_per_second":650,"statements_per_request":7,
		 "plans_per_request":5,"plan_ms":0.7,"exec_ms":0.5,"planning_tracked":true,"server_cpu_ms":1.2,"db_cpu_ms":2.1,
		 "statements":[{"query":"SELECT 1","calls":100,"plans":100,"calls_per_request":1,"plan_ms_per_call":0.1,"exec_ms_per_call":0.05}]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := tez(t, "bench", "-markdown", good)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| dashboard | 16 | 650 |", "| 7.0 | 5.0 | 0.700 | 0.500 |", "| `SELECT 1` | 1.00 | 1.00 | 0.100 | 0.050 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	if strings.Contains(out, "-pin") {
		t.Errorf("an unpinned run's table mentions -pin:\n%s", out)
	}
	pinned := filepath.Join(dir, "pinned.json")
	if err := os.WriteFile(pinned, []byte(`{"machine":{"cpus":2,"pinned":"PostgreSQL on CPU 1, the rest on CPU 0"},"results":[
		{"scenario":"dashboard","connections":16,"requests":100,"requests_per_second":780,"pgbench_ceiling_per_second":905}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err = tez(t, "bench", "-markdown", pinned)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "Measured with `-pin`: PostgreSQL on CPU 1, the rest on CPU 0.\n") || !strings.Contains(out, "| 86% |") {
		t.Errorf("a pinned run's table should say so first, then its ratio:\n%s", out)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tez(t, "bench", "-markdown", bad); err == nil || !strings.Contains(err.Error(), "not a tez bench -json file") {
		t.Errorf("garbled file: err %v, want it named", err)
	}
}

// -against names the one server the bench compares with; anything else is
// refused before any database is opened.
func TestBenchAgainstOnlyPostGraphile(t *testing.T) {
	_, _, err := tez(t, "bench", "-against", "hasura")
	var usage *usageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), `-against "hasura"`) || !strings.Contains(err.Error(), "postgraphile") {
		t.Errorf("got %v, want a usage error naming -against and postgraphile", err)
	}
}

// -pin splits the CPUs for the scenarios; a soak, whose servers run on the
// whole machine, refuses it before any database is opened.
func TestBenchPinIsNotForASoak(t *testing.T) {
	_, _, err := tez(t, "bench", "-pin", "-soak", "1m")
	var usage *usageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "-pin") || !strings.Contains(err.Error(), "soak") {
		t.Errorf("got %v, want a usage error naming -pin and the soak", err)
	}
}
