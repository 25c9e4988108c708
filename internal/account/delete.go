package account

import (
	"context"
	"fmt"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/store"
)

// deletedNotice is the last email of an account: it names nobody (the
// name is erased with the rest) and carries no link.
var deletedNotice = newLetter("", 0, "", "Your TEZ Telecom account was deleted",
	`Hello!

The TEZ Telecom account of this email address was deleted, as asked: its profile, addresses, sessions and SIM card labels are erased, and its SIM cards left the account (adding one again needs the activation code printed with it). Orders and payments are kept for accounting, without your name, email or address.

This address can register again at any time; a new account starts empty.

If you did not ask for this, reply to this email or contact support at once.`)

// exportedNotice tells the customer their data was downloaded: a stolen
// session should not carry everything away unnoticed.
var exportedNotice = newLetter("", 0, "", "Your TEZ Telecom data was downloaded",
	`Hello{{with .Name}}, {{.}}{{end}}!

All the data of your TEZ Telecom account (profile, addresses, SIM cards with their history, orders and payments, sessions and emails) was downloaded on {{.When}} UTC.

If it was not you, change your password at once: that also signs out every other device.`)

// NotifyDataExport mails the customer that their data export was
// downloaded at when.
func (s *Service) NotifyDataExport(ctx context.Context, userID int64, when time.Time) error {
	u, err := s.store.UserByID(ctx, s.store.DB(), userID)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx store.Querier) error {
		return s.send(ctx, tx, u, exportedNotice, letterData{When: when.UTC().Format("2 January 2006 15:04")})
	})
}

// DeleteAccount erases the signed-in customer's account once they prove
// they know the password (wrong ones are throttled like sign-ins), in one
// transaction with its last email (docs/privacy.md).
func (s *Service) DeleteAccount(ctx context.Context, userID int64, password string) ([]apperr.FieldError, error) {
	u, err := s.store.UserByID(ctx, s.store.DB(), userID)
	if err != nil {
		return nil, err
	}
	if bad, err := s.checkPassword(ctx, u, password, "password"); bad != nil || err != nil {
		return problems(bad), err
	}
	err = s.store.InTx(ctx, func(tx store.Querier) error {
		if err := s.store.EraseAccount(ctx, tx, u.ID, u.Email); err != nil {
			return err
		}
		u.FullName = ""
		return s.send(ctx, tx, u, deletedNotice, letterData{})
	})
	if err != nil {
		return nil, fmt.Errorf("delete account: %w", err)
	}
	return nil, nil
}
