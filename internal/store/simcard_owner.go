package store

import (
	"context"
)

// SIMClaim is what deciding whether a customer may add a SIM needs to know,
// read under the SIM's row lock.
type SIMClaim struct {
	ICCID          string `db:"iccid"`
	UserID         *int64 `db:"user_id"`
	CodeHash       []byte `db:"activation_code_hash"`
	CodeRequired   bool   `db:"code_required"`
	BoughtByViewer bool   `db:"bought_by_viewer"`
}

// The SIM's order counts for the viewer when the order is theirs; its
// guest email counts only when the viewer's email is verified.
const simClaimForUpdate = `
SELECT s.iccid, s.user_id, s.activation_code_hash, s.code_required,
       (EXISTS (SELECT 1 FROM orders o WHERE o.id = s.sold_order_id AND o.user_id = $2)
        OR EXISTS (SELECT 1 FROM users u WHERE u.id = $2 AND u.email_verified_at IS NOT NULL AND u.email = s.sold_to_email)
       ) AS bought_by_viewer
FROM sim_cards s WHERE s.iccid = $1
FOR UPDATE OF s`

// SIMClaimForUpdate locks a SIM and reads what adding it needs.
func (s *Store) SIMClaimForUpdate(ctx context.Context, q Querier, iccid string, viewer int64) (SIMClaim, error) {
	var c SIMClaim
	err := q.GetContext(ctx, &c, simClaimForUpdate, iccid, viewer)
	return c, mapError(err, "sim card")
}

// AttachSIM gives a SIM to the customer from now on; a stock SIM becomes active.
func (s *Store) AttachSIM(ctx context.Context, q Querier, iccid string, userID int64) (SimCard, error) {
	var sc SimCard
	err := q.GetContext(ctx, &sc, `
		UPDATE sim_cards SET user_id = $2, owned_since = now(), code_required = false, updated_at = now(), `+noAlerts+`,
		    status = CASE WHEN status = 'IN_STOCK' THEN 'ACTIVE'::sim_status ELSE status END
		WHERE iccid = $1 RETURNING `+simColumns, iccid, userID)
	return sc, mapError(err, "sim card")
}

// SetSIMLabel renames one of the customer's SIMs; another's is NotFound.
func (s *Store) SetSIMLabel(ctx context.Context, q Querier, userID int64, iccid, label string) (SimCard, error) {
	var sc SimCard
	err := q.GetContext(ctx, &sc, `UPDATE sim_cards SET label = $3, updated_at = now()
		WHERE iccid = $2 AND user_id = $1 RETURNING `+simColumns, userID, iccid, label)
	return sc, mapError(err, "sim card")
}

// DetachSIM takes a SIM out of the customer's account; its balance and
// ledger stay with the SIM, and adding it again needs its code.
func (s *Store) DetachSIM(ctx context.Context, q Querier, userID int64, iccid string) error {
	var got string
	err := q.GetContext(ctx, &got, `UPDATE sim_cards SET user_id = NULL, owned_since = NULL, label = '', code_required = true, updated_at = now(), `+noAlerts+`
		WHERE iccid = $2 AND user_id = $1 RETURNING iccid`, userID, iccid)
	return mapError(err, "sim card")
}

// noAlerts clears a SIM's alerts: a new owner starts without the last one's.
const noAlerts = `low_balance_threshold = NULL, runout_warning_days = NULL, runout_alerted = false`

// SIMAlerts are the owner's alert settings of a SIM; nil turns one off.
type SIMAlerts struct {
	LowBalanceThreshold *int64
	RunOutWarningDays   *int
}

// SetSIMAlerts sets the alerts of one of the customer's SIMs (another's is
// NotFound). Changing the run-out days re-arms that alert.
func (s *Store) SetSIMAlerts(ctx context.Context, q Querier, userID int64, iccid string, a SIMAlerts) (SimCard, error) {
	var sc SimCard
	err := q.GetContext(ctx, &sc, `UPDATE sim_cards SET low_balance_threshold = $3, runout_warning_days = $4,
		    runout_alerted = runout_alerted AND runout_warning_days IS NOT DISTINCT FROM $4, updated_at = now()
		WHERE iccid = $2 AND user_id = $1 RETURNING `+simColumns, userID, iccid, a.LowBalanceThreshold, a.RunOutWarningDays)
	return sc, mapError(err, "sim card")
}
