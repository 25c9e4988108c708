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

func TestContiguousTail(t *testing.T) {
	m := func(month int) time.Time { return time.Date(2026, time.Month(month), 1, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		spans  []partSpan
		want   partSpan
		wantOK bool
	}{
		{"none", nil, partSpan{}, false},
		{"one", []partSpan{{m(3), m(4)}}, partSpan{m(3), m(4)}, true},
		{"contiguous", []partSpan{{m(3), m(4)}, {m(4), m(5)}, {m(5), m(6)}}, partSpan{m(3), m(6)}, true},
		{"a gap starts over", []partSpan{{m(1), m(2)}, {m(3), m(4)}, {m(4), m(5)}}, partSpan{m(3), m(5)}, true},
	}
	for _, tt := range tests {
		got, ok := contiguousTail(tt.spans)
		if ok != tt.wantOK || !got.Lo.Equal(tt.want.Lo) || !got.Hi.Equal(tt.want.Hi) {
			t.Errorf("%s: contiguousTail = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}
