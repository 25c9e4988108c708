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
var deletedNotice = newLetter("", 0, "", "deleted", "hello.plain", "body", "again", "notYou")

// exportedNotice tells the customer their data was downloaded: a stolen
// session should not carry everything away unnoticed.
var exportedNotice = newLetter("", 0, "", "exported", "hello", "body", "notYou")

// NotifyDataExport mails the customer that their data export was
// downloaded at when.
func (s *Service) NotifyDataExport(ctx context.Context, userID int64, when time.Time) error {
	u, err := s.store.UserByID(ctx, s.store.DB(), userID)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx store.Querier) error {
		return s.send(ctx, tx, u, exportedNotice, letterData{When: when.UTC()})
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
