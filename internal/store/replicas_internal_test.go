package store

import (
	"testing"
	"time"
)

func TestParseLSN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want LSN
		ok   bool
	}{
		{"0/0", 0, true},
		{"16/B374D848", 0x16_B374D848, true},
		{"FFFFFFFF/FFFFFFFF", unsettledFence, true},
		{"", 0, false},
		{"16", 0, false},
		{"/1", 0, false},
		{"1/", 0, false},
		{"G/1", 0, false},
		{"1/-1", 0, false},
		{"100000000/0", 0, false},
		{"1/2/3", 0, false},
	} {
		got, err := ParseLSN(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseLSN(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
		if c.ok && got.String() != c.in && c.in != "0/0" {
			t.Errorf("LSN(%q).String() = %q", c.in, got.String())
		}
	}
}

// Only plain reads may go to a replica; a statement that writes or locks
// stays on the primary however it is spelled.
func TestReadOnlyStatements(t *testing.T) {
	d := newDB(nil, nil, time.Second)
	for q, want := range map[string]bool{
		"SELECT 1": true,
		"\n  -- a comment\n  select id FROM users":       true,
		"WITH x AS (SELECT 1) SELECT * FROM x":           true,
		"(SELECT 1) UNION (SELECT 2)":                    true,
		"SELECT updated_at FROM addresses":               true,
		"INSERT INTO t VALUES (1) RETURNING id":          false,
		"WITH x AS (DELETE FROM t RETURNING *) SELECT 1": false,
		"SELECT * FROM t FOR UPDATE":                     false,
		"SELECT pg_advisory_xact_lock(1)":                false,
		"SELECT nextval('s')":                            false,
		"SELECT usage_ensure_partitions(now())":          false,
		"UPDATE t SET a = 1":                             false,
		"-- only a comment":                              false,
		"":                                               false,
	} {
		if got := d.readOnly(q); got != want {
			t.Errorf("readOnly(%q) = %v, want %v", q, got, want)
		}
	}
	d.writes.Store("SELECT refused()", struct{}{})
	if d.readOnly("SELECT refused()") {
		t.Error("a statement a replica refused as a write still goes to replicas")
	}
}

// A replica's lag is how long the primary has had WAL it has not
// replayed, however long the primary was idle before.
func TestReplicaLag(t *testing.T) {
	h := newHealth(5 * time.Second)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h.saw(t0, 100)
	if got := h.lag(t0.Add(time.Hour), 100); got != 0 {
		t.Errorf("caught up with an idle primary: lag %v, want 0", got)
	}
	h.saw(t0.Add(time.Hour), 100) // idle: the first sighting stays
	h.saw(t0.Add(time.Hour+time.Second), 200)
	h.saw(t0.Add(time.Hour+2*time.Second), 300)
	now := t0.Add(time.Hour + 4*time.Second)
	for replayed, want := range map[LSN]time.Duration{300: 0, 250: 2 * time.Second, 100: 3 * time.Second, 50: time.Hour + 4*time.Second} {
		if got := h.lag(now, replayed); got != want {
			t.Errorf("replayed %d: lag %v, want %v", replayed, got, want)
		}
	}
	// Far past the window only the newest position is remembered, and a
	// replica short of it is at least that far behind.
	later := now.Add(time.Minute)
	h.saw(later, 300)
	if got := h.lag(later, 250); got < 10*time.Second {
		t.Errorf("a replica short of a position a minute old: lag %v", got)
	}
}
