package model

import (
	"time"

	"github.com/teztelecom/tez/internal/lang"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
)

// User is a customer account as its owner sees it: no password hash, no
// terms bookkeeping.
type User struct {
	ID            string
	Email         string
	EmailVerified bool
	FullName      *string
	Phone         *string
	CreatedAt     time.Time
	TimeZone      string
	Language      lang.Language
	// RowID is the account's key, which its lists are read by.
	RowID int64
}

// NewUser converts an account; nil stays nil.
func NewUser(u *store.User) *User { return one(u, newUser) }

func newUser(u *store.User) User {
	return User{
		ID: rowGlobalID(relay.TypeUser, u.ID), Email: u.Email, EmailVerified: u.EmailVerified(),
		FullName: nonEmpty(u.FullName), Phone: u.Phone, CreatedAt: u.CreatedAt, TimeZone: u.TimeZone, Language: u.Language.Or(), RowID: u.ID,
	}
}
