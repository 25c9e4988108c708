package store

import (
	"testing"
	"time"
)

func TestSpan(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 5, day, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		ranges []UsageRange
		lo, hi string
	}{
		{"one range", []UsageRange{{From: d(2), To: d(9)}}, "2026-05-02T00:00:00Z", "2026-05-09T00:00:00Z"},
		{"union", []UsageRange{{From: d(5), To: d(9)}, {From: d(2), To: d(6)}}, "2026-05-02T00:00:00Z", "2026-05-09T00:00:00Z"},
		{"an open end opens the span", []UsageRange{{From: d(5), To: d(9)}, {To: d(6)}}, "-infinity", "2026-05-09T00:00:00Z"},
		{"all open", []UsageRange{{}}, "-infinity", "infinity"},
	}
	for _, tt := range tests {
		if lo, hi := span(tt.ranges); lo != tt.lo || hi != tt.hi {
			t.Errorf("%s: span = %s, %s; want %s, %s", tt.name, lo, hi, tt.lo, tt.hi)
		}
	}
}
