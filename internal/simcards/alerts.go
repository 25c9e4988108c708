package simcards

import (
	"context"
	"strings"

	"github.com/teztelecom/tez/internal/alerts"
	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// AlertsUpdate is a change of a SIM's alerts: a field not Set stays as it
// is; Set with nil turns the alert off.
type AlertsUpdate struct {
	Threshold    *string // a decimal in the SIM's currency
	ThresholdSet bool
	Days         *int
	DaysSet      bool
}

// notYours is the one answer for a SIM that is missing or someone else's.
var notYours = apperr.OnField("id", apperr.FieldNotFound, "No such SIM card in your account.")

// SetAlerts changes the owner's alerts of a SIM (internal/alerts sends them).
func (s *Service) SetAlerts(ctx context.Context, userID int64, iccid string, u AlertsUpdate) (*store.SimCard, []apperr.FieldError, error) {
	sims, err := s.store.SimCardsByICCID(ctx, s.store.DB(), userID, []string{iccid})
	if err != nil {
		return nil, nil, err
	}
	sim, ok := sims[iccid]
	if !ok {
		return nil, []apperr.FieldError{notYours}, nil
	}
	set := store.SIMAlerts{LowBalanceThreshold: sim.LowBalanceThresholdMinor, RunOutWarningDays: sim.RunOutWarningDays}
	var problems []apperr.FieldError
	if u.ThresholdSet {
		set.LowBalanceThreshold = nil
		if u.Threshold != nil {
			m, bad := parseThreshold(*u.Threshold, sim.Currency)
			if bad != nil {
				problems = append(problems, *bad)
			} else {
				set.LowBalanceThreshold = &m.Amount
			}
		}
	}
	if u.DaysSet {
		set.RunOutWarningDays = u.Days
		if d := u.Days; d != nil && (*d < alerts.MinRunOutDays || *d > alerts.MaxRunOutDays) {
			problems = append(problems, apperr.OnField("runOutWarningDays", apperr.FieldInvalid,
				"Choose between %d and %d days, or null to turn the warning off.", alerts.MinRunOutDays, alerts.MaxRunOutDays))
		}
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	sim, err = s.store.SetSIMAlerts(ctx, s.store.DB(), userID, iccid, set)
	if apperr.Is(err, apperr.NotFound) { // removed meanwhile
		return nil, []apperr.FieldError{notYours}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return &sim, nil, nil
}

// parseThreshold reads a low-balance threshold in the SIM's currency: zero
// up to alerts.MaxThreshold.
func parseThreshold(s, currency string) (money.Money, *apperr.FieldError) {
	limit := money.New(alerts.MaxThreshold, currency)
	for range money.Exponent(currency) {
		limit.Amount *= 10
	}
	m, err := money.Parse(strings.TrimSpace(s), currency)
	switch {
	case err != nil:
		e := apperr.OnField("lowBalanceThreshold", apperr.FieldInvalid, "%s.", upperFirst(err.Error()))
		return m, &e
	case m.Amount < 0:
		e := apperr.OnField("lowBalanceThreshold", apperr.FieldInvalid, "The threshold cannot be negative: choose 0 or more, or null to turn the alert off.")
		return m, &e
	case m.Amount > limit.Amount:
		e := apperr.OnField("lowBalanceThreshold", apperr.FieldInvalid, "Choose a threshold of at most %s.", limit)
		return m, &e
	}
	return m, nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
