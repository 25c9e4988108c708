package store

import (
	"context"
	"strconv"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/relay"
)

// ResellerSIMChange is a reseller's SIM in its change feed: its state now,
// and the position of its latest change.
type ResellerSIMChange struct {
	ResellerSIM
	// ChangeXID is the id of the transaction that made the change (a
	// 64-bit xid8, never reused), the feed's order with the ICCID.
	ChangeXID string `db:"change_xid"`
}

// ResellerSIMChangeCursor is a change's cursor in the feed.
func ResellerSIMChangeCursor(c ResellerSIMChange) string {
	return relay.EncodeCursor(c.ChangeXID, c.ICCID)
}

// FeedStart is the cursor before every change: where a feed read without a
// cursor starts.
var FeedStart = relay.EncodeCursor("0", "")

// The feed's rows are one per SIM (sim_changes, written by the sim_cards
// trigger in the changing transaction), so a SIM that changed several
// times since the cursor comes once, at its latest change, with its state
// now. Only rows of transactions older than every one still running are
// read: those can no longer be joined by a transaction that commits later
// with a smaller id, so a cursor handed out is never passed by a change.
// The price is that a long transaction holds the feed back until it ends.
var resellerSIMChanges = `
SELECT c.change_xid::text AS change_xid, ` + resellerSIMColumns + `
FROM sim_changes c JOIN sim_cards USING (iccid)
WHERE c.reseller_id = $1 AND sim_cards.reseller_id = $1
  AND c.change_xid < pg_snapshot_xmin(pg_current_snapshot())
  AND (c.change_xid, c.iccid) > ($2::text::xid8, $3::text)
ORDER BY c.change_xid, c.iccid
LIMIT $4`

// ResellerSIMChanges reads the page of the reseller's change feed after
// the cursor (relay.DecodeCursor's two parts; nil from the start) in one
// statement, fetching one row more than the page (see relay.Cut).
func (s *Store) ResellerSIMChanges(ctx context.Context, resellerID int64, page relay.Page) ([]ResellerSIMChange, error) {
	xid, iccid := "0", ""
	if page.After != nil {
		xid, iccid = page.After[0], page.After[1]
		if _, err := strconv.ParseUint(xid, 10, 64); err != nil {
			return nil, apperr.New(apperr.Invalid, "malformed cursor: pass a cursor returned by simCardChanges")
		}
	}
	var rows []ResellerSIMChange
	err := s.db.SelectContext(ctx, &rows, resellerSIMChanges, resellerID, xid, iccid, page.Fetch())
	return rows, mapError(err, "reseller SIM changes")
}
