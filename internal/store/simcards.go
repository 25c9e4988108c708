package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// SimCard is a SIM card with its balance.
type SimCard struct {
	ICCID        string     `db:"iccid"`
	MSISDN       *string    `db:"msisdn"`
	Status       SIMStatus  `db:"status"`
	UserID       *int64     `db:"user_id"`
	OwnedSince   *time.Time `db:"owned_since"`
	ResellerID   *int64     `db:"reseller_id"`
	LabelText    string     `db:"label"`
	BalanceMinor int64      `db:"balance"`
	Currency     string     `db:"currency"`
	LastUsageAt  *time.Time `db:"last_usage_at"`
	// OverdraftMinor is usage the balance did not cover, still owed: the
	// next top-up pays it off first.
	OverdraftMinor int64 `db:"overdraft"`
	// BalanceAsOf is when the balance was last brought up to date: the
	// newest ledger entry or the end of the newest session rated.
	BalanceAsOf time.Time `db:"balance_as_of"`
	// LowBalanceThresholdMinor and RunOutWarningDays are the owner's alerts
	// (nil: off).
	LowBalanceThresholdMinor *int64 `db:"low_balance_threshold"`
	RunOutWarningDays        *int   `db:"runout_warning_days"`
}

// LastUsage is when the SIM last used data while its current owner held
// it: nil when never, or when that was before they got it (an earlier
// owner's trips are not theirs to see).
func (s SimCard) LastUsage() *time.Time {
	if s.LastUsageAt == nil || s.OwnedSince == nil || s.LastUsageAt.Before(*s.OwnedSince) {
		return nil
	}
	return s.LastUsageAt
}

// balanceAsOfColumn is read with the SIM in the statement that reads it (no
// statement of its own): the newest session counts only since the current
// owner got the SIM, as lastUsageAt does.
const balanceAsOfColumn = `greatest(balance_changed_at, CASE WHEN last_usage_at >= owned_since THEN last_usage_at END) AS balance_as_of`

// simCols are the columns of a positional read of a SimCard, each beside its
// scan target (see queryRows).
var simCols = columns[SimCard]{
	{"iccid", func(sc *SimCard) any { return &sc.ICCID }},
	{"msisdn", func(sc *SimCard) any { return &sc.MSISDN }},
	{"status", func(sc *SimCard) any { return &sc.Status }},
	{"user_id", func(sc *SimCard) any { return &sc.UserID }},
	{"owned_since", func(sc *SimCard) any { return &sc.OwnedSince }},
	{"reseller_id", func(sc *SimCard) any { return &sc.ResellerID }},
	{"label", func(sc *SimCard) any { return &sc.LabelText }},
	{"balance", func(sc *SimCard) any { return &sc.BalanceMinor }},
	{"currency", func(sc *SimCard) any { return &sc.Currency }},
	{"last_usage_at", func(sc *SimCard) any { return &sc.LastUsageAt }},
	{"overdraft", func(sc *SimCard) any { return &sc.OverdraftMinor }},
	{"low_balance_threshold", func(sc *SimCard) any { return &sc.LowBalanceThresholdMinor }},
	{"runout_warning_days", func(sc *SimCard) any { return &sc.RunOutWarningDays }},
	{balanceAsOfColumn, func(sc *SimCard) any { return &sc.BalanceAsOf }},
}

var simColumns = simCols.list()

var simCardsOfUsers = `SELECT ` + simColumns + ` FROM sim_cards WHERE user_id = ANY($1) ORDER BY user_id, iccid`

// SimCardsByUserID lists each user's SIM cards in ICCID order.
func (s *Store) SimCardsByUserID(ctx context.Context, q Querier, userIDs []int64) (map[int64][]SimCard, error) {
	rows, err := queryRows(ctx, q, simCols.targets, simCardsOfUsers, pq.Array(userIDs))
	if err != nil {
		return nil, mapError(err, "sim cards")
	}
	return groupBy(userIDs, rows, func(sc SimCard) int64 { return *sc.UserID }), nil
}

var simCardsOfOwner = `SELECT ` + simColumns + ` FROM sim_cards WHERE iccid = ANY($1) AND user_id = $2`

// SimCardsByICCID loads the owner's SIM cards among iccids; others' are absent.
func (s *Store) SimCardsByICCID(ctx context.Context, q Querier, owner int64, iccids []string) (map[string]SimCard, error) {
	out, err := selectKeyed(ctx, q, func(sc SimCard) string { return sc.ICCID }, simCardsOfOwner, pq.Array(iccids), owner)
	return out, mapError(err, "sim cards")
}
