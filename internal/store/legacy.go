package store

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// LegacyOwner says who owned a SIM card in the old account system.
type LegacyOwner struct {
	Email, ICCID, Label string
}

// KnownICCIDs answers which of iccids are SIM cards here.
func (s *Store) KnownICCIDs(ctx context.Context, iccids []string) (map[string]bool, error) {
	var found []string
	if err := s.db.SelectContext(ctx, &found, `SELECT iccid FROM sim_cards WHERE iccid = ANY($1::text[])`, pq.Array(iccids)); err != nil {
		return nil, mapError(err, "known iccids")
	}
	out := make(map[string]bool, len(found))
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// Importing again changes nothing but a label not yet claimed.
const upsertLegacyOwners = `
INSERT INTO legacy_sim_owners AS l (email, iccid, label)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
ON CONFLICT (email, iccid) DO UPDATE SET label = EXCLUDED.label
WHERE l.claimed_at IS NULL AND l.label <> EXCLUDED.label`

// Rows whose email is verified here already attach at once, like at
// verification (claimLegacySIMs), never taking a SIM someone owns.
const attachLegacyOfVerified = `
WITH attached AS (
    UPDATE sim_cards s SET user_id = u.id, owned_since = now(), label = l.label, updated_at = now()
    FROM legacy_sim_owners l JOIN users u ON u.email = l.email AND u.email_verified_at IS NOT NULL
    WHERE l.claimed_at IS NULL AND l.email = ANY($1::text[]) AND s.iccid = l.iccid AND s.user_id IS NULL
    RETURNING s.iccid, u.email)
UPDATE legacy_sim_owners l SET claimed_at = now()
FROM attached a WHERE l.iccid = a.iccid AND l.email = a.email`

// ImportLegacyOwners stores rows (unique by email and ICCID) in one
// transaction and attaches the SIMs of emails verified here already. It
// answers how many rows were new or changed and how many SIMs attached.
func (s *Store) ImportLegacyOwners(ctx context.Context, rows []LegacyOwner) (stored, attached int64, err error) {
	emails, iccids, labels := make([]string, len(rows)), make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		emails[i], iccids[i], labels[i] = r.Email, r.ICCID, r.Label
	}
	err = s.InTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, upsertLegacyOwners, pq.Array(emails), pq.Array(iccids), pq.Array(labels))
		if err != nil {
			return err
		}
		stored, _ = res.RowsAffected()
		res, err = tx.ExecContext(ctx, attachLegacyOfVerified, pq.Array(emails))
		if err != nil {
			return err
		}
		attached, _ = res.RowsAffected()
		return nil
	})
	return stored, attached, mapError(err, "import legacy owners")
}
