package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/teztelecom/tez/internal/lang"
)

// User is a customer account.
type User struct {
	ID              int64      `db:"id"`
	Email           string     `db:"email"`
	PasswordHash    string     `db:"password_hash"`
	FullName        string     `db:"full_name"`
	Phone           *string    `db:"phone"`
	TermsAcceptedAt time.Time  `db:"terms_accepted_at"`
	TermsVersion    string     `db:"terms_version"`
	EmailVerifiedAt *time.Time `db:"email_verified_at"`
	CreatedAt       time.Time  `db:"created_at"`
	UpdatedAt       time.Time  `db:"updated_at"`
	// TimeZone is the IANA name of the zone the customer's days are cut in.
	TimeZone string `db:"time_zone"`
	// Language is the language of the account's emails.
	Language lang.Language `db:"language"`
}

// EmailVerified reports whether the email has been confirmed.
func (u User) EmailVerified() bool { return u.EmailVerifiedAt != nil }

// userCols are the columns of a positional read of a User, each beside its
// scan target (see queryRows).
var userCols = columns[User]{
	{"id", func(u *User) any { return &u.ID }},
	{"email", func(u *User) any { return &u.Email }},
	{"password_hash", func(u *User) any { return &u.PasswordHash }},
	{"full_name", func(u *User) any { return &u.FullName }},
	{"phone", func(u *User) any { return &u.Phone }},
	{"terms_accepted_at", func(u *User) any { return &u.TermsAcceptedAt }},
	{"terms_version", func(u *User) any { return &u.TermsVersion }},
	{"email_verified_at", func(u *User) any { return &u.EmailVerifiedAt }},
	{"created_at", func(u *User) any { return &u.CreatedAt }},
	{"updated_at", func(u *User) any { return &u.UpdatedAt }},
	{"time_zone", func(u *User) any { return &u.TimeZone }},
	{"language", func(u *User) any { return &u.Language }},
}

var userColumns = userCols.list()

var userByID = `SELECT ` + userColumns + ` FROM users WHERE id = $1`

// UserByID loads one account.
func (s *Store) UserByID(ctx context.Context, q Querier, id int64) (User, error) {
	var u User
	err := q.GetContext(ctx, &u, userByID, id)
	return u, mapError(err, "user")
}

var insertUser = `
INSERT INTO users (email, password_hash, full_name, terms_accepted_at, terms_version, language)
VALUES ($1, $2, $3, now(), $4, $5)
RETURNING ` + userColumns

// CreateUser adds an account; a taken email (compared case-insensitively)
// is a Conflict.
func (s *Store) CreateUser(ctx context.Context, q Querier, email, passwordHash, fullName, termsVersion string, language lang.Language) (User, error) {
	var u User
	err := q.GetContext(ctx, &u, insertUser, email, passwordHash, fullName, termsVersion, language.Or())
	return u, mapError(err, "account "+email)
}

var userByEmail = `SELECT ` + userColumns + ` FROM users WHERE email = $1`

// UserByEmail finds an account by email, case-insensitively (citext).
func (s *Store) UserByEmail(ctx context.Context, q Querier, email string) (User, error) {
	var u User
	err := q.GetContext(ctx, &u, userByEmail, email)
	return u, mapError(err, "user")
}

const updatePassword = `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`

// UpdatePassword replaces the account's password hash.
func (s *Store) UpdatePassword(ctx context.Context, q Querier, id int64, passwordHash string) error {
	res, err := q.ExecContext(ctx, updatePassword, id, passwordHash)
	if err != nil {
		return mapError(err, "update password")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return mapError(sql.ErrNoRows, "user")
	}
	return nil
}

var updateProfile = `
UPDATE users SET full_name = $2, phone = $3, time_zone = $4, language = $5, updated_at = now()
WHERE id = $1
RETURNING ` + userColumns

// Profile is what a customer sets about their account: the full name, the
// phone (nil: none), the time zone and the language.
type Profile struct {
	FullName string
	Phone    *string
	TimeZone string
	Language lang.Language
}

// UpdateProfile sets the account's profile.
func (s *Store) UpdateProfile(ctx context.Context, q Querier, id int64, p Profile) (User, error) {
	var u User
	err := q.GetContext(ctx, &u, updateProfile, id, p.FullName, p.Phone, p.TimeZone, p.Language.Or())
	return u, mapError(err, "user")
}

// Locks the account row (FOR SHARE) so that a verification committing at
// the same time either comes first (and is seen) or waits for the order,
// which its claim of guest orders then finds: a guest order is never left
// outside an account verified meanwhile.
const verifiedAccountByEmail = `SELECT id, email_verified_at IS NOT NULL AS verified FROM users WHERE email = $1 FOR SHARE`

// VerifiedAccountID answers the account whose email this is, if that
// email is verified; ok is false when no account has it verified.
func (s *Store) VerifiedAccountID(ctx context.Context, q Querier, email string) (id int64, ok bool, err error) {
	var row struct {
		ID       int64 `db:"id"`
		Verified bool  `db:"verified"`
	}
	err = q.GetContext(ctx, &row, verifiedAccountByEmail, email)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, mapError(err, "account by email")
	}
	return row.ID, row.Verified, nil
}
