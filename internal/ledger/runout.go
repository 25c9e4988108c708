package ledger

import (
	"math"
	"time"
)

// SpendWindow is how far back the run-out projection looks at spending; the
// store sums the USAGE entries of this window (store.SpentByICCID says 14
// days in SQL).
const SpendWindow = 14 * 24 * time.Hour

// maxRunOut bounds a projection: a SIM that spends a cent a fortnight does
// not run out in the year 30000.
const maxRunOut = 100 * 365 * 24 * time.Hour

// RunOut projects when a balance runs out if the SIM keeps spending at the
// pace it spent over the last SpendWindow (spent, minor units), from asOf,
// when the balance was last brought up to date: nil with no spend, asOf for
// a balance already gone, at most maxRunOut ahead.
func RunOut(asOf time.Time, balance, spent int64) *time.Time {
	if spent <= 0 {
		return nil
	}
	if balance <= 0 {
		return &asOf
	}
	ahead := time.Duration(math.Min(float64(balance)/float64(spent)*float64(SpendWindow), float64(maxRunOut)))
	at := asOf.Add(ahead).Truncate(time.Second)
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
