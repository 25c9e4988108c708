package usage

import (
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/store"
)

// Range checks a range of a SIM's history as My history, its totals and
// its download take it: both ends optional, but when both are given, from
// must be before to.
func Range(iccid string, from, to *time.Time) (store.UsageRange, error) {
	r := store.UsageRange{ICCID: iccid}
	if from != nil {
		r.From = from.UTC()
	}
	if to != nil {
		r.To = to.UTC()
	}
	if from != nil && to != nil && !r.From.Before(r.To) {
		return r, apperr.New(apperr.Invalid, "the date range is empty: from (%s) must be before to (%s)",
			r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))
	}
	return r, nil
}
