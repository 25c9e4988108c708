package ledger

import (
	"math"
	"time"
)

// SpendWindow is how far back the run-out projection looks for spend; the
// store reads the USAGE entries of this window with each SIM
// (store.freshnessColumns says 14 days in SQL).
const SpendWindow = 14 * 24 * time.Hour

// maxRunOut bounds a projection: a SIM that spends a cent a fortnight does
// not run out in the year 30000.
const maxRunOut = 100 * 365 * 24 * time.Hour

// RunOut projects when a balance runs out if it keeps being spent at the
// rate of the last SpendWindow: spent (minor units, over the window) from
// asOf, when the balance was last brought up to date. Nil without spend; a
// balance already at or below zero ran out at asOf.
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
