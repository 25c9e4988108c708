package store

import (
	"context"
	"database/sql"
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

// addressCols are the columns of a positional read of a Address, each beside its
// scan target (see queryRows).
var addressCols = columns[Address]{
	{"id", func(a *Address) any { return &a.ID }},
	{"user_id", func(a *Address) any { return &a.UserID }},
	{"recipient_name", func(a *Address) any { return &a.RecipientName }},
	{"line1", func(a *Address) any { return &a.Line1 }},
	{"line2", func(a *Address) any { return &a.Line2 }},
	{"city", func(a *Address) any { return &a.City }},
	{"region", func(a *Address) any { return &a.Region }},
	{"postal_code", func(a *Address) any { return &a.PostalCode }},
	{"country_code", func(a *Address) any { return &a.CountryCode }},
	{"phone", func(a *Address) any { return &a.Phone }},
	{"delivery_note", func(a *Address) any { return &a.DeliveryNote }},
	{"is_default", func(a *Address) any { return &a.IsDefault }},
	{"last_used_at", func(a *Address) any { return &a.LastUsedAt }},
	{"created_at", func(a *Address) any { return &a.CreatedAt }},
}

var addressColumns = addressCols.list()

var addressesOfUsers = `
SELECT ` + addressColumns + ` FROM addresses
WHERE user_id = ANY($1)
ORDER BY user_id, is_default DESC, last_used_at DESC NULLS LAST, id DESC`

// AddressesByUserID lists each user's addresses, the default first.
func (s *Store) AddressesByUserID(ctx context.Context, q Querier, userIDs []int64) (map[int64][]Address, error) {
	rows, err := queryRows(ctx, q, addressCols.targets, addressesOfUsers, pq.Array(userIDs))
	if err != nil {
		return nil, mapError(err, "addresses")
	}
	return groupBy(userIDs, rows, func(a Address) int64 { return a.UserID }), nil
}

var addressesOfOwner = `SELECT ` + addressColumns + ` FROM addresses WHERE id = ANY($1) AND user_id = $2`

// AddressesByID loads the owner's addresses among ids; others' are absent.
func (s *Store) AddressesByID(ctx context.Context, q Querier, owner int64, ids []int64) (map[int64]Address, error) {
	out, err := selectKeyed(ctx, q, func(a Address) int64 { return a.ID }, addressesOfOwner, pq.Array(ids), owner)
	return out, mapError(err, "addresses")
}

// AddressWrite is a validated address to store.
type AddressWrite struct {
	RecipientName, Line1, Line2, City, Region, PostalCode, CountryCode, Phone, DeliveryNote string
}

// LockAddressBook serialises writes to one customer's addresses (the first
// one becomes the default, one default at a time) by locking the user row.
func (s *Store) LockAddressBook(ctx context.Context, q Querier, userID int64) (count int, err error) {
	var id int64
	if err := q.GetContext(ctx, &id, `SELECT id FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
		return 0, mapError(err, "user")
	}
	err = q.GetContext(ctx, &count, `SELECT count(*) FROM addresses WHERE user_id = $1`, userID)
	return count, mapError(err, "count addresses")
}

var insertAddress = `
INSERT INTO addresses (user_id, recipient_name, line1, line2, city, region, postal_code, country_code, phone, delivery_note, is_default)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, nullif($9, ''), $10, $11)
RETURNING ` + addressColumns

// InsertAddress adds an address to the customer's book.
func (s *Store) InsertAddress(ctx context.Context, q Querier, userID int64, a AddressWrite, isDefault bool) (Address, error) {
	var out Address
	err := q.GetContext(ctx, &out, insertAddress, userID, a.RecipientName, a.Line1, a.Line2, a.City, a.Region,
		a.PostalCode, a.CountryCode, a.Phone, a.DeliveryNote, isDefault)
	return out, mapError(err, "address")
}

// AddressOfOwner reads one of the customer's addresses inside a write;
// another's is NotFound.
func (s *Store) AddressOfOwner(ctx context.Context, q Querier, userID, id int64) (Address, error) {
	var out Address
	err := q.GetContext(ctx, &out, `SELECT `+addressColumns+` FROM addresses WHERE id = $2 AND user_id = $1`, userID, id)
	return out, mapError(err, "address")
}

var updateAddress = `
UPDATE addresses SET recipient_name = $3, line1 = $4, line2 = $5, city = $6, region = $7, postal_code = $8,
    country_code = $9, phone = nullif($10, ''), delivery_note = $11, updated_at = now()
WHERE id = $2 AND user_id = $1
RETURNING ` + addressColumns

// UpdateAddress rewrites one of the customer's addresses; another's is NotFound.
func (s *Store) UpdateAddress(ctx context.Context, q Querier, userID, id int64, a AddressWrite) (Address, error) {
	var out Address
	err := q.GetContext(ctx, &out, updateAddress, userID, id, a.RecipientName, a.Line1, a.Line2, a.City, a.Region,
		a.PostalCode, a.CountryCode, a.Phone, a.DeliveryNote)
	return out, mapError(err, "address")
}

// DeleteAddress removes one of the customer's addresses and says whether
// it was the default; another's is NotFound.
func (s *Store) DeleteAddress(ctx context.Context, q Querier, userID, id int64) (wasDefault bool, err error) {
	err = q.GetContext(ctx, &wasDefault, `DELETE FROM addresses WHERE id = $2 AND user_id = $1 RETURNING is_default`, userID, id)
	return wasDefault, mapError(err, "address")
}

// PromoteDefaultAddress makes the most recently used remaining address the
// default (none when the book is empty).
func (s *Store) PromoteDefaultAddress(ctx context.Context, q Querier, userID int64) error {
	_, err := q.ExecContext(ctx, `
		UPDATE addresses SET is_default = true, updated_at = now()
		WHERE id = (SELECT id FROM addresses WHERE user_id = $1 ORDER BY last_used_at DESC NULLS LAST, id DESC LIMIT 1)`, userID)
	return mapError(err, "promote default address")
}

// SetDefaultAddress makes one of the customer's addresses the default: the
// old default is cleared first, as the one-default index checks each row.
// It answers the new default and the previous one (nil when there was
// none, or it is the same address).
func (s *Store) SetDefaultAddress(ctx context.Context, q Querier, userID, id int64) (Address, *Address, error) {
	var exists bool
	if err := q.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM addresses WHERE id = $2 AND user_id = $1)`, userID, id); err != nil {
		return Address{}, nil, mapError(err, "address")
	}
	if !exists {
		return Address{}, nil, mapError(sql.ErrNoRows, "address")
	}
	var cleared []Address
	if err := q.SelectContext(ctx, &cleared, `UPDATE addresses SET is_default = false, updated_at = now()
		WHERE user_id = $1 AND is_default AND id <> $2 RETURNING `+addressColumns, userID, id); err != nil {
		return Address{}, nil, mapError(err, "clear default address")
	}
	var out Address
	err := q.GetContext(ctx, &out, `UPDATE addresses SET is_default = true, updated_at = now() WHERE id = $2 AND user_id = $1 RETURNING `+addressColumns, userID, id)
	if err != nil || len(cleared) == 0 {
		return out, nil, mapError(err, "set default address")
	}
	return out, &cleared[0], nil
}
