// Package simcards holds the rules of "My numbers": who may add which SIM
// to an account. A SIM's usage shows where a person travelled and ICCIDs are
// sequential, so a stranger's SIM must never attach, and guessing is
// throttled.
package simcards

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/reqctx"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// Failed additions allowed per customer and per client address.
const (
	AttemptWindow = time.Hour
	AttemptLimit  = 10
	maxLabel      = 40
)

// Service adds, renames and removes a customer's SIM cards.
type Service struct {
	store *store.Store
}

// NewService makes the service.
func NewService(st *store.Store) *Service { return &Service{store: st} }

// uniform is the one answer for a missing SIM, a wrong code and someone
// else's SIM: the three must not be told apart.
var uniform = apperr.FieldError{Field: []string{"input"}, Code: apperr.FieldSIMNotFoundOrCodeInvalid,
	Message: "No SIM card with this ICCID and activation code can be added: check both against the card holder."}

// Add attaches a SIM to the customer. A SIM already theirs is answered as
// added (idempotent); one bought by them (their order, or their verified
// email) needs no code; any other needs the code printed on its holder.
func (s *Service) Add(ctx context.Context, userID int64, iccid, code string) (*store.SimCard, []apperr.FieldError, error) {
	// The attempt is taken before the code is checked, in one statement per
	// key, so that concurrent guesses cannot slip past the limit.
	keys := []string{fmt.Sprintf("simadd:user:%d", userID), "simadd:ip:" + reqctx.ClientFrom(ctx).IP}
	for _, k := range keys {
		allowed, until, err := s.store.ThrottleAttempt(ctx, s.store.DB(), k, AttemptWindow, AttemptLimit)
		if err != nil {
			return nil, nil, err
		}
		if !allowed {
			return nil, []apperr.FieldError{{Field: []string{"input"}, Code: apperr.FieldTooManyAttempts,
				Message: fmt.Sprintf("Too many failed attempts to add a SIM: try again after %s UTC.", until.UTC().Format("15:04"))}}, nil
		}
	}
	var sim store.SimCard
	var refused bool
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		c, err := s.store.SIMClaimForUpdate(ctx, tx, iccid, userID)
		switch {
		case apperr.Is(err, apperr.NotFound):
			refused = true
			return nil
		case err != nil:
			return err
		case c.UserID != nil && *c.UserID == userID:
			sims, err := s.store.SimCardsByICCID(ctx, s.store.DB(), userID, []string{iccid})
			sim = sims[iccid]
			return err
		case c.UserID != nil || !mayAttach(c, code):
			refused = true
			return nil
		}
		sim, err = s.store.AttachSIM(ctx, tx, iccid, userID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if refused {
		return nil, []apperr.FieldError{uniform}, nil
	}
	// A SIM that attached gives its attempt back, and only its own: adding
	// one's own SIM again must not wipe out the failed guesses.
	for _, k := range keys {
		if err := s.store.ThrottleRefund(ctx, s.store.DB(), k, AttemptLimit); err != nil {
			return nil, nil, err
		}
	}
	return &sim, nil, nil
}

// mayAttach says whether a SIM nobody owns may join the viewer's account.
func mayAttach(c store.SIMClaim, code string) bool {
	if c.BoughtByViewer && !c.CodeRequired {
		return true
	}
	code = strings.TrimSpace(code)
	return code != "" && c.CodeHash != nil && subtle.ConstantTimeCompare(secret.ActivationCodeHash(code), c.CodeHash) == 1
}

// Rename sets the label the owner gives a SIM (at most 40 characters).
func (s *Service) Rename(ctx context.Context, userID int64, iccid, label string) (*store.SimCard, []apperr.FieldError, error) {
	label = strings.TrimSpace(label)
	if utf8.RuneCountInString(label) > maxLabel {
		return nil, []apperr.FieldError{apperr.OnField("label", apperr.FieldTooLong, "Use at most %d characters.", maxLabel)}, nil
	}
	// The label goes into alert emails' subjects and onto pages.
	if e := account.CheckVisible("label", label); e != nil {
		return nil, []apperr.FieldError{*e}, nil
	}
	sim, err := s.store.SetSIMLabel(ctx, s.store.DB(), userID, iccid, label)
	if apperr.Is(err, apperr.NotFound) {
		return nil, []apperr.FieldError{notYours}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return &sim, nil, nil
}

// Remove takes a SIM out of the account; its balance stays with the SIM.
func (s *Service) Remove(ctx context.Context, userID int64, iccid string) ([]apperr.FieldError, error) {
	err := s.store.DetachSIM(ctx, s.store.DB(), userID, iccid)
	if apperr.Is(err, apperr.NotFound) {
		return []apperr.FieldError{{Field: []string{"id"}, Code: notYours.Code, Message: notYours.Message}}, nil
	}
	return nil, err
}
