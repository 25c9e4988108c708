package postgraphile

import (
	"strings"
	"testing"
)

func TestNodeMajor(t *testing.T) {
	for version, want := range map[string]int{"v20.20.2\n": 20, "v22.1.0": 22, "v8.0.0": 8} {
		if got, err := nodeMajor(version); err != nil || got != want {
			t.Errorf("nodeMajor(%q) = %d, %v; want %d", version, got, err, want)
		}
	}
	if _, err := nodeMajor("command not found"); err == nil {
		t.Error("a line that is no version was read as one")
	}
}

// The embedded project is what npm ci needs and what the bench runs; the
// document asks for the computed columns setup.sql makes.
func TestProjectIsEmbedded(t *testing.T) {
	for _, name := range []string{"package.json", "package-lock.json", "server.mjs", "graphile.config.mjs"} {
		if data, err := project.ReadFile(name); err != nil || len(data) == 0 {
			t.Errorf("%s not embedded: %v", name, err)
		}
	}
	for _, fn := range []string{"sim_cards_usage", "sim_cards_recent_usage_sessions"} {
		if !strings.Contains(Setup, "CREATE OR REPLACE FUNCTION "+fn+"(") {
			t.Errorf("setup.sql lacks %s", fn)
		}
	}
	for _, field := range []string{"usage(from: $from, to: $to) { nodes", "recentUsageSessions(n: 3)"} {
		if !strings.Contains(Dashboard, field) {
			t.Errorf("dashboard.graphql lacks %s", field)
		}
	}
}
