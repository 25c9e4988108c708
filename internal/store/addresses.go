package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// Address is a customer's delivery address.
type Address struct {
	ID            int64      `db:"id"`
	UserID        int64      `db:"user_id"`
	RecipientName string     `db:"recipient_name"`
	Line1         string     `db:"line1"`
	Line2         string     `db:"line2"`
	City          string     `db:"city"`
	Region        string     `db:"region"`
	PostalCode    string     `db:"postal_code"`
	CountryCode   string     `db:"country_code"`
	Phone         *string    `db:"phone"`
	DeliveryNote  string     `db:"delivery_note"`
	IsDefault     bool       `db:"is_default"`
	LastUsedAt    *time.Time `db:"last_used_at"`
	CreatedAt     time.Time  `db:"created_at"`
}

const addressColumns = `id, user_id, recipient_name, line1, line2, city, region, postal_code, country_code, phone,
delivery_note, is_default, last_used_at, created_at`

const addressesOfUsers = `
SELECT ` + addressColumns + ` FROM addresses
WHERE user_id = ANY($1)
ORDER BY user_id, is_default DESC, last_used_at DESC NULLS LAST, id DESC`

// AddressesByUserID lists each user's addresses, the default first.
func (s *Store) AddressesByUserID(ctx context.Context, userIDs []int64) (map[int64][]Address, error) {
	var rows []Address
	if err := s.db.SelectContext(ctx, &rows, addressesOfUsers, pq.Array(userIDs)); err != nil {
		return nil, mapError(err, "addresses")
	}
	out := make(map[int64][]Address, len(userIDs))
	for _, id := range userIDs {
		out[id] = nil
	}
	for _, a := range rows {
		out[a.UserID] = append(out[a.UserID], a)
	}
	return out, nil
}

const addressesOfOwner = `SELECT ` + addressColumns + ` FROM addresses WHERE id = ANY($1) AND user_id = $2`

// AddressesByID loads the owner's addresses among ids; others' are absent.
func (s *Store) AddressesByID(ctx context.Context, owner int64, ids []int64) (map[int64]Address, error) {
	var rows []Address
	if err := s.db.SelectContext(ctx, &rows, addressesOfOwner, pq.Array(ids), owner); err != nil {
		return nil, mapError(err, "addresses")
	}
	out := make(map[int64]Address, len(rows))
	for _, a := range rows {
		out[a.ID] = a
	}
	return out, nil
}
