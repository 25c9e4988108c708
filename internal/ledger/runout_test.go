package ledger

import (
	"testing"
	"time"
)

func TestRunOut(t *testing.T) {
	asOf := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name           string
		balance, spent int64
		want           *time.Time
	}{
		{"no spend", 1000, 0, nil},
		{"spent as much as is left: one window", 1000, 1000, ptrTime(asOf.Add(SpendWindow))},
		{"half of what was spent: half a window", 500, 1000, ptrTime(asOf.Add(SpendWindow / 2))},
		{"nothing left: ran out at asOf", 0, 1000, &asOf},
		{"a cent a fortnight: capped at 100 years", 1 << 50, 1, ptrTime(asOf.Add(maxRunOut).Truncate(time.Second))},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := RunOut(asOf, c.balance, c.spent)
			if (got == nil) != (c.want == nil) || got != nil && !got.Equal(*c.want) {
				t.Errorf("RunOut(%d, %d) = %v, want %v", c.balance, c.spent, got, c.want)
			}
		})
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
