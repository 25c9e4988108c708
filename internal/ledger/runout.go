package ledger

import (
	"math"
	"time"
)

// SpendWindow is how far back the run-out projection looks at spending.
const SpendWindow = 14 * 24 * time.Hour

// RunOut projects when a balance runs out if the SIM keeps spending at the
// pace it spent over the last SpendWindow (spent, minor units): nil with
// no spend. A balance already gone runs out now.
func RunOut(balance, spent int64, now time.Time) *time.Time {
	if spent <= 0 {
		return nil
	}
	if balance <= 0 {
		return &now
	}
	left := float64(balance) / float64(spent) * float64(SpendWindow)
	if left > float64(math.MaxInt64)/2 {
		return nil // centuries away: no run-out to speak of
	}
	at := now.Add(time.Duration(left)).Truncate(time.Second)
	return &at
}

// RunsOutWithin says whether the balance is projected (RunOut) to run out
// within days, in integers so that the decision never wobbles on rounding.
func RunsOutWithin(balance, spent int64, days int) bool {
	if spent <= 0 {
		return false
	}
	window := int64(SpendWindow / (24 * time.Hour))
	return balance*window <= spent*int64(days)
}
