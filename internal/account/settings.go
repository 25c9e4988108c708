package account

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/lang"
	"github.com/teztelecom/tez/internal/phone"
	"github.com/teztelecom/tez/internal/store"
)

// ChangePassword replaces the password of a signed-in customer who proves
// they know the current one, and evicts whoever else knew the old one:
// every other session ends (the device making the change stays signed in)
// and every link mailed before stops working. The account's address is
// told.
func (s *Service) ChangePassword(ctx context.Context, userID, sessionID int64, current, next string) (*store.User, []apperr.FieldError, error) {
	u, err := s.store.UserByID(ctx, s.store.DB(), userID)
	if err != nil {
		return nil, nil, err
	}
	if bad, err := s.checkCurrentPassword(ctx, u, current); bad != nil || err != nil {
		return nil, problems(bad), err
	}
	if bad := CheckPassword("newPassword", next); bad != nil {
		return nil, []apperr.FieldError{*bad}, nil
	}
	hash, err := s.hash(ctx, next)
	if err != nil {
		return nil, nil, err
	}
	err = s.store.InTx(ctx, func(tx store.Querier) error {
		if err := s.store.UpdatePassword(ctx, tx, userID, hash); err != nil {
			return err
		}
		if _, err := s.evict(ctx, tx, userID, sessionID); err != nil {
			return err
		}
		return s.send(ctx, tx, u, passwordNotice, letterData{})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("change password: %w", err)
	}
	return &u, nil, nil
}

// checkCurrentPassword is the proof asked before a sensitive change: the
// current password, on input.currentPassword. Attempts are throttled per
// account like sign-ins, taken before hashing, so a stolen session cannot
// be used to guess it, not even with concurrent guesses.
func (s *Service) checkCurrentPassword(ctx context.Context, u store.User, plain string) (*apperr.FieldError, error) {
	return s.checkPassword(ctx, u, plain, "currentPassword")
}

// checkPassword is checkCurrentPassword for the password on input.field.
func (s *Service) checkPassword(ctx context.Context, u store.User, plain, field string) (*apperr.FieldError, error) {
	key := "password:" + strconv.FormatInt(u.ID, 10)
	allowed, until, err := s.store.ThrottleAttempt(ctx, s.store.DB(), key, LoginWindow, LoginLimit)
	if err != nil {
		return nil, err
	}
	if !allowed {
		e := tooMany(*until, "wrong passwords")
		return &e, nil
	}
	ok, err := s.verify(ctx, u.PasswordHash, plain)
	if err != nil {
		return nil, err
	}
	if ok {
		return nil, s.store.ThrottleClear(ctx, s.store.DB(), key)
	}
	e := apperr.OnField(field, apperr.FieldInvalidCredentials, "The password is wrong.")
	return &e, nil
}

// ProfileInput is what profileUpdate changes; a nil field stays as it is,
// an empty one is cleared (the time zone goes back to UTC).
type ProfileInput struct {
	FullName, Phone, TimeZone *string
	// Language, when not nil, is the account's new language.
	Language *lang.Language
}

// UpdateProfile sets the customer's full name, phone, time zone and
// language; the phone is stored in E.164, the time zone must be an IANA
// name.
func (s *Service) UpdateProfile(ctx context.Context, userID int64, in ProfileInput) (*store.User, []apperr.FieldError, error) {
	u, err := s.store.UserByID(ctx, s.store.DB(), userID)
	if err != nil {
		return nil, nil, err
	}
	var problems []apperr.FieldError
	name, tel := u.FullName, u.Phone
	if in.FullName != nil {
		n, bad := NormalizeFullName("fullName", *in.FullName)
		if bad != nil {
			problems = append(problems, *bad)
		}
		name = n
	}
	if in.Phone != nil {
		tel = nil
		if raw := strings.TrimSpace(*in.Phone); raw != "" {
			e164, err := phone.E164(raw)
			if err != nil {
				problems = append(problems, apperr.OnField("phone", apperr.FieldInvalid,
					"%q is not a phone number we can reach: write it in international format with the country code, e.g. +7 701 123 45 67.", raw))
			}
			tel = &e164
		}
	}
	zone := u.TimeZone
	if in.TimeZone != nil {
		z, bad := NormalizeTimeZone("timeZone", *in.TimeZone)
		if bad != nil {
			problems = append(problems, *bad)
		}
		zone = z
	}
	language := u.Language
	if in.Language != nil {
		language = *in.Language
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	updated, err := s.store.UpdateProfile(ctx, s.store.DB(), userID, store.Profile{FullName: name, Phone: tel, TimeZone: zone, Language: language})
	if err != nil {
		return nil, nil, fmt.Errorf("update profile: %w", err)
	}
	return &updated, nil, nil
}
