package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/lang"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// Email links: how long each lives.
const (
	verifyTTL = 72 * time.Hour
	resetTTL  = time.Hour
	changeTTL = 24 * time.Hour
)

// MailCap bounds the mail sent to an address someone typed (registration,
// password reset, email change, guest checkout): a form anyone can fill in
// must not be a way to flood a stranger's mailbox. It counts every kind
// together and is kept in PostgreSQL, so it holds across replicas. Notices
// of changes to an account (email changed, password changed) go to the
// account's own address and are never held back by it: a flood of requests
// must not hide them.
var MailCap = store.MailCap{Limit: 5, Window: time.Hour}

// errMailCapped says the address has had all the mail MailCap allows.
type errMailCapped struct{ next time.Time }

func (e *errMailCapped) Error() string {
	return "mail cap reached until " + e.next.UTC().Format(time.RFC3339)
}

// cappedProblems turns a reached mail cap into the user error saying when
// mail can go again; other errors pass.
func cappedProblems(err error) ([]apperr.FieldError, error) {
	var c *errMailCapped
	if errors.As(err, &c) {
		return []apperr.FieldError{tooMany(c.next, "emails to this address")}, nil
	}
	return nil, err
}

// letter is an email, most carrying a single-use link to a page of the site.
type letter struct {
	purpose string // email_tokens.purpose; "" for a notice without a link
	ttl     time.Duration
	path    string // the site's page the link opens; a notice's link carries no token
	lang.Letter
}

// letterData fills a letter's layout.
type letterData struct {
	Name, Link, NewEmail string
	When                 time.Time
	Hours                int
}

// newLetter lays out an account email: a greeting, then paragraphs of the
// wordings (internal/lang) under "<name>.<key>" for each key, "" standing
// for the link.
func newLetter(purpose string, ttl time.Duration, path, name, greeting string, keys ...string) letter {
	body := []string{`{{t "` + greeting + `" .}}`}
	for _, k := range keys {
		if k == "" {
			body = append(body, "{{.Link}}")
			continue
		}
		if !strings.Contains(k, ".") {
			k = name + "." + k
		}
		body = append(body, `{{t "`+k+`" .}}`)
	}
	return letter{purpose: purpose, ttl: ttl, path: path,
		Letter: lang.NewLetter(name, `{{t "`+name+`.subject" .}}`, strings.Join(body, "\n\n"), "")}
}

var (
	verifyLetter   = newLetter(store.PurposeVerifyEmail, verifyTTL, "/account/verify-email", "verify", "hello", "ask", "", "ttl", "notYou")
	resetLetter    = newLetter(store.PurposePasswordReset, resetTTL, "/account/reset-password", "reset", "hello", "ask", "", "ttl", "notYou")
	changeLetter   = newLetter(store.PurposeEmailChange, changeTTL, "/account/confirm-email", "change", "hello", "ask", "", "ttl", "notYou")
	changedNotice  = newLetter("", 0, "", "changed", "hello", "body", "notMe.support")
	passwordNotice = newLetter("", 0, "/account/forgot-password", "password", "hello", "body", "notYou", "")
)

// send writes the letter to u.Email into the outbox within tx. A letter
// with a link counts toward MailCap (errMailCapped when it is reached); a
// notice never does.
func (s *Service) send(ctx context.Context, tx store.Querier, u store.User, l letter, data letterData) error {
	subject, text, html, err := s.compose(ctx, tx, u, l, data)
	if err != nil {
		return err
	}
	if l.purpose == "" {
		return s.store.EnqueueEmail(ctx, tx, u.Email, subject, text, html)
	}
	next, err := s.store.EnqueueCappedEmail(ctx, tx, MailCap, u.Email, subject, text, html, "")
	if next != nil {
		return &errMailCapped{*next}
	}
	return err
}

// compose writes the letter for u, in u's language; a letter with a link
// gets a fresh token that voids u's earlier ones of the same purpose. The name is
// free text anyone registering can type: it greets only an address proven
// to be the account's, so that no one can put words of their choosing into
// mail to a stranger (html/template escapes it in the HTML body; subjects
// never carry it).
func (s *Service) compose(ctx context.Context, tx store.Querier, u store.User, l letter, data letterData) (subject, text, html string, err error) {
	data.Hours = int(l.ttl.Hours())
	if u.EmailVerified() {
		data.Name = u.FullName
	}
	if l.purpose != "" {
		token, hash := secret.NewToken(emailPrefix)
		if err := s.store.CreateEmailToken(ctx, tx, hash, u.ID, l.purpose, u.Email, l.ttl); err != nil {
			return "", "", "", err
		}
		data.Link = s.publicURL + l.path + "?token=" + token
	} else if l.path != "" {
		data.Link = s.publicURL + l.path
	}
	return l.Render(u.Language, data)
}

func (s *Service) sendVerification(ctx context.Context, tx store.Querier, u store.User) error {
	return s.send(ctx, tx, u, verifyLetter, letterData{})
}

// ResendVerification sends the signed-in customer a new verification link
// (the earlier ones stop working). Nothing is sent when the email is
// confirmed already.
func (s *Service) ResendVerification(ctx context.Context, userID int64) ([]apperr.FieldError, error) {
	u, err := s.store.UserByID(ctx, s.store.DB(), userID)
	if err != nil {
		return nil, err
	}
	if u.EmailVerified() {
		return nil, nil
	}
	return cappedProblems(s.store.InTx(ctx, func(tx store.Querier) error { return s.sendVerification(ctx, tx, u) }))
}

// badLink is the one answer for an unknown, used, replaced or expired link.
var badLink = apperr.OnField("token", apperr.FieldInvalid,
	"This link is no longer valid: it was used, replaced by a newer one, or it expired. Ask for a new one.")

// errBadLink rolls a transaction back when the link is not valid.
var errBadLink = errors.New("bad email link")

// VerifyEmail confirms the email a link was sent to: the account's email
// (a verification link) or its new one (an email change link, which also
// tells the old address). In the same transaction everything that belongs
// to that email joins the account: guest orders, the SIMs bought in them or
// sold to the email, and the old account system's SIMs, orders, profile
// and addresses (store.ClaimLegacy; no SIM owned by someone else).
func (s *Service) VerifyEmail(ctx context.Context, token string) (*store.User, []apperr.FieldError, error) {
	hash := secret.TokenHash(strings.TrimSpace(token))
	var u store.User
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		// Before any row lock: an old-account import batch may be writing.
		if err := s.store.WaitForLegacyImport(ctx, tx); err != nil {
			return err
		}
		t, err := s.store.UseEmailToken(ctx, tx, hash, store.PurposeVerifyEmail)
		if apperr.Is(err, apperr.NotFound) {
			u, err = s.confirmChange(ctx, tx, hash)
		} else if err == nil {
			// NotFound: the account's email is no longer the one verified.
			u, err = s.store.MarkEmailVerified(ctx, tx, t.UserID, t.Email)
		}
		if apperr.Is(err, apperr.NotFound) {
			return errBadLink
		}
		if err != nil {
			return err
		}
		return s.store.ClaimHistory(ctx, tx, u.ID, u.Email)
	})
	if errors.Is(err, errBadLink) {
		return nil, []apperr.FieldError{badLink}, nil
	}
	if errors.Is(err, errEmailTaken) {
		return nil, []apperr.FieldError{apperr.OnField("token", apperr.FieldTaken,
			"Another account has this email now: the change cannot be made.")}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("verify email: %w", err)
	}
	// The old account's profile may have filled the name and phone.
	if u, err = s.store.UserByID(ctx, s.store.DB(), u.ID); err != nil {
		return nil, nil, fmt.Errorf("verify email: %w", err)
	}
	return &u, nil, nil
}

// errEmailTaken rolls back an email change to an address taken meanwhile.
var errEmailTaken = errors.New("email taken")

// confirmChange spends an email change token, switches the account to the
// new email and tells the old address.
func (s *Service) confirmChange(ctx context.Context, tx store.Querier, hash []byte) (store.User, error) {
	t, err := s.store.UseEmailToken(ctx, tx, hash, store.PurposeEmailChange)
	if err != nil {
		return store.User{}, err
	}
	old, err := s.store.UserByID(ctx, s.store.DB(), t.UserID)
	if err != nil {
		return store.User{}, err
	}
	u, err := s.store.ChangeEmail(ctx, tx, t.UserID, t.Email)
	if apperr.Is(err, apperr.Conflict) {
		return store.User{}, errEmailTaken
	}
	if err != nil {
		return store.User{}, err
	}
	// The links mailed to the old address (a reset above all) stop working.
	if err := s.store.VoidEmailTokens(ctx, tx, u.ID); err != nil {
		return store.User{}, err
	}
	return u, s.send(ctx, tx, old, changedNotice, letterData{NewEmail: u.Email})
}

// ChangeEmail sends a confirmation link to the new address of a signed-in
// customer who proves they know the password; the email changes only when
// the link is followed (VerifyEmail).
func (s *Service) ChangeEmail(ctx context.Context, userID int64, newEmail, current string) ([]apperr.FieldError, error) {
	u, err := s.store.UserByID(ctx, s.store.DB(), userID)
	if err != nil {
		return nil, err
	}
	if bad, err := s.checkCurrentPassword(ctx, u, current); bad != nil || err != nil {
		return problems(bad), err
	}
	email, bad := NormalizeEmail("newEmail", newEmail)
	if bad != nil {
		return []apperr.FieldError{*bad}, nil
	}
	if strings.EqualFold(email, u.Email) {
		return []apperr.FieldError{apperr.OnField("newEmail", apperr.FieldInvalid, "This is your email already.")}, nil
	}
	switch _, err := s.store.UserByEmail(ctx, s.store.DB(), email); {
	case err == nil:
		return []apperr.FieldError{apperr.OnField("newEmail", apperr.FieldTaken, "Another account has this email.")}, nil
	case !apperr.Is(err, apperr.NotFound):
		return nil, err
	}
	to := u
	to.Email = email
	to.EmailVerifiedAt = nil // not proven yet
	return cappedProblems(s.store.InTx(ctx, func(tx store.Querier) error { return s.send(ctx, tx, to, changeLetter, letterData{}) }))
}

// RequestPasswordReset asks for a reset link to be mailed if the email has
// an account. It only writes a job to the outbox, the same for every
// address; the outbox worker looks the address up (PrepareEmail). So the
// answer, its time and its limits (MailCap, counted per address, account
// or not) are the same whether or not the address has an account.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) ([]apperr.FieldError, error) {
	email, bad := NormalizeEmail("email", email)
	if bad != nil {
		return []apperr.FieldError{*bad}, nil
	}
	return cappedProblems(s.store.InTx(ctx, func(tx store.Querier) error {
		next, err := s.store.EnqueueCappedEmail(ctx, tx, MailCap, email, "", "", "", store.JobPasswordReset)
		if next != nil {
			return &errMailCapped{*next}
		}
		return err
	}))
}

// PrepareEmail writes the message of an outbox job (mail.Preparer): for a
// reset asked for an address with an account, the link; for one without,
// nothing is sent.
func (s *Service) PrepareEmail(ctx context.Context, job store.OutboxEmail) (*store.OutboxEmail, error) {
	if job.Job == nil || *job.Job != store.JobPasswordReset {
		return nil, fmt.Errorf("outbox job %d: not a password reset", job.ID)
	}
	u, err := s.store.UserByEmail(ctx, s.store.DB(), job.To)
	if apperr.Is(err, apperr.NotFound) {
		return nil, s.store.DropJobEmail(ctx, s.store.DB(), job.ID, "Password reset asked for an address without an account: nothing sent")
	}
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx store.Querier) error {
		subject, text, html, err := s.compose(ctx, tx, u, resetLetter, letterData{})
		if err != nil {
			return err
		}
		job.Subject, job.Text, job.HTML, job.Job = subject, text, html, nil
		return s.store.WriteJobEmail(ctx, tx, job.ID, job.Subject, text, html)
	})
	if err != nil {
		return nil, fmt.Errorf("prepare password reset: %w", err)
	}
	return &job, nil
}

// ResetPassword sets a new password with a reset link and evicts whoever
// else got in: every session ends, and every link mailed before (an email
// change someone else asked for above all) stops working. The account's
// address is told.
func (s *Service) ResetPassword(ctx context.Context, token, next string) ([]apperr.FieldError, error) {
	if bad := CheckPassword("newPassword", next); bad != nil {
		return []apperr.FieldError{*bad}, nil
	}
	hash, err := s.hash(ctx, next)
	if err != nil {
		return nil, err
	}
	var email string
	err = s.store.InTx(ctx, func(tx store.Querier) error {
		t, err := s.store.UseEmailToken(ctx, tx, secret.TokenHash(strings.TrimSpace(token)), store.PurposePasswordReset)
		if apperr.Is(err, apperr.NotFound) {
			return errBadLink
		}
		if err != nil {
			return err
		}
		u, err := s.store.UserByID(ctx, s.store.DB(), t.UserID)
		if err != nil {
			return err
		}
		email = u.Email
		if err := s.store.UpdatePassword(ctx, tx, u.ID, hash); err != nil {
			return err
		}
		if _, err := s.evict(ctx, tx, u.ID, 0); err != nil {
			return err
		}
		return s.send(ctx, tx, u, passwordNotice, letterData{})
	})
	if errors.Is(err, errBadLink) {
		return []apperr.FieldError{badLink}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reset password: %w", err)
	}
	// The owner proved the mailbox: a lock others caused by guessing lifts.
	return nil, s.store.ThrottleClear(ctx, s.store.DB(), accountLoginKey(email))
}

// evict ends every session of the account but keep (0: none kept) and
// voids every unused link mailed to it, of every purpose: what a recovery
// must end so that whoever else got in is out. It reports the sessions
// ended.
func (s *Service) evict(ctx context.Context, tx store.Querier, userID, keep int64) (int64, error) {
	n, err := s.store.RevokeUserSessions(ctx, tx, userID, keep)
	if err != nil {
		return 0, err
	}
	return n, s.store.VoidEmailTokens(ctx, tx, userID)
}

func problems(e *apperr.FieldError) []apperr.FieldError {
	if e == nil {
		return nil
	}
	return []apperr.FieldError{*e}
}
