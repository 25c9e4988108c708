package account

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// LinkStatus is where a mailed link stands, for the page it opens.
type LinkStatus string

// A link is open, used (or replaced by a newer one, or voided by a
// recovery), expired, or unknown (garbled, or a link of another kind).
const (
	LinkOpen    LinkStatus = "open"
	LinkUsed    LinkStatus = "used"
	LinkExpired LinkStatus = "expired"
	LinkUnknown LinkStatus = "unknown"
)

// Link kinds, by the page that spends them.
var (
	// ConfirmLinks are spent by VerifyEmail: a new account's email or a
	// changed one.
	ConfirmLinks = []string{store.PurposeVerifyEmail, store.PurposeEmailChange}
	// ResetLinks are spent by ResetPassword.
	ResetLinks = []string{store.PurposePasswordReset}
)

// LinkState says where the link with token stands without spending it,
// and which address it was mailed to (empty unless open): pages read it
// on GET, which mail scanners send before the customer clicks.
func (s *Service) LinkState(ctx context.Context, token string, kinds []string) (LinkStatus, string, error) {
	st, err := s.store.EmailTokenStateByHash(ctx, s.store.DB(), secret.TokenHash(strings.TrimSpace(token)))
	switch {
	case apperr.Is(err, apperr.NotFound), err == nil && !slices.Contains(kinds, st.Purpose):
		return LinkUnknown, "", nil
	case err != nil:
		return "", "", err
	case st.Used:
		return LinkUsed, "", nil
	case st.Expired:
		return LinkExpired, "", nil
	}
	return LinkOpen, st.Email, nil
}

// PasswordRule is the password policy (CheckPassword) in one sentence, for
// the forms that ask for a new password.
var PasswordRule = fmt.Sprintf("Use %d to %d characters; the most common passwords are refused.", minPassword, maxPassword)
