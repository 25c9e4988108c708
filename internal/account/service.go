package account

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/lang"
	"github.com/teztelecom/tez/internal/password"
	"github.com/teztelecom/tez/internal/reqctx"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// Throttling of sign-ins: per email and client address, and per email
// across all addresses, so that rotating addresses buys no more guesses.
const (
	LoginWindow       = 15 * time.Minute
	LoginLimit        = 5
	AccountLoginLimit = 20
)

// Token prefixes tell what a token is for (reseller keys start with tez_).
const (
	sessionPrefix = "tzs_"
	emailPrefix   = "tze_"
)

// LoginObserver hears of failed sign-ins (the metrics).
type LoginObserver interface {
	LoginFailed(throttled bool)
}

// Service runs registration, sign-in, sessions and the email flows.
type Service struct {
	store      *store.Store
	observe    LoginObserver
	sessionTTL time.Duration
	publicURL  string        // base of the links in emails
	hashing    chan struct{} // bounds concurrent argon2 work (19 MiB each)
	dummyHash  string        // verified against for unknown emails: same time as a real check
}

// Options configure the service.
type Options struct {
	// SessionTTL is how long a session lives.
	SessionTTL time.Duration
	// PublicURL is where customers reach the site: links in emails start there.
	PublicURL string
	// Observer hears of failed sign-ins.
	Observer LoginObserver
}

// NewService makes the service.
func NewService(st *store.Store, opts Options) (*Service, error) {
	dummy, err := password.Hash("not the password of any account")
	if err != nil {
		return nil, err
	}
	return &Service{store: st, observe: opts.Observer, sessionTTL: opts.SessionTTL, publicURL: strings.TrimRight(opts.PublicURL, "/"),
		hashing: make(chan struct{}, runtime.GOMAXPROCS(0)), dummyHash: dummy}, nil
}

// Session is a signed-in session: the token to send as a bearer, once.
type Session struct {
	Token string
	User  store.User
}

// RegisterInput is what registration asks.
type RegisterInput struct {
	Email, Password, FullName string
	AcceptTerms               bool
	// Language is the account's; when empty, the one the client's
	// Accept-Language prefers among ours, else lang.Default.
	Language lang.Language
}

// Register creates an account, signs it in and sends the verification
// email (through the outbox, in the same transaction). Problems with the input come
// back as field errors and change nothing.
func (s *Service) Register(ctx context.Context, in RegisterInput) (*Session, []apperr.FieldError, error) {
	var problems []apperr.FieldError
	email, bad := NormalizeEmail("email", in.Email)
	if bad != nil {
		problems = append(problems, *bad)
	}
	if bad := CheckPassword("password", in.Password); bad != nil {
		problems = append(problems, *bad)
	}
	name, bad := NormalizeFullName("fullName", in.FullName)
	if bad != nil {
		problems = append(problems, *bad)
	}
	if !in.AcceptTerms {
		problems = append(problems, apperr.OnField("acceptTerms", apperr.FieldTermsNotAccepted, "Accept the terms of the user agreement to register."))
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	hash, err := s.hash(ctx, in.Password)
	if err != nil {
		return nil, nil, err
	}
	var sess *Session
	err = s.store.InTx(ctx, func(tx store.Querier) error {
		language := in.Language
		if language == "" {
			language = lang.FromAcceptLanguage(reqctx.ClientFrom(ctx).AcceptLanguage)
		}
		u, err := s.store.CreateUser(ctx, tx, email, hash, name, TermsVersion, language)
		if err != nil {
			return err
		}
		// The account is made even when the address has had all the mail
		// it may get this hour: the customer can ask for the link later.
		if _, err := cappedProblems(s.sendVerification(ctx, tx, u)); err != nil {
			return err
		}
		sess, err = s.open(ctx, tx, u)
		return err
	})
	if apperr.Is(err, apperr.Conflict) {
		return nil, []apperr.FieldError{apperr.OnField("email", apperr.FieldTaken,
			"An account with this email exists already: sign in, or reset the password.")}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("register: %w", err)
	}
	return sess, nil, nil
}

// errCredentials is the one answer for an unknown email and a wrong password.
var errCredentials = apperr.FieldError{Field: []string{"input"}, Code: apperr.FieldInvalidCredentials,
	Message: "The email or the password is wrong."}

// accountLoginKey names the throttle of an email's sign-ins from every
// address. Unknown emails have one too, so a lock tells nothing.
func accountLoginKey(email string) string { return "login-account:" + strings.ToLower(email) }

// Login signs in. A wrong email and a wrong password answer the same, in
// about the same time. Each attempt is taken from the throttles before the
// password is hashed, so concurrent guesses cannot slip past the limit:
// per email and client address, and per email from all addresses.
func (s *Service) Login(ctx context.Context, email, plain string) (*Session, []apperr.FieldError, error) {
	email = strings.TrimSpace(email)
	here := "login:" + strings.ToLower(email) + ":" + reqctx.ClientFrom(ctx).IP
	for _, t := range []struct {
		key   string
		limit int
	}{{here, LoginLimit}, {accountLoginKey(email), AccountLoginLimit}} {
		allowed, until, err := s.store.ThrottleAttempt(ctx, s.store.DB(), t.key, LoginWindow, t.limit)
		if err != nil {
			return nil, nil, err
		}
		if !allowed {
			s.observe.LoginFailed(true)
			return nil, []apperr.FieldError{tooMany(*until, "failed sign-ins (you can also reset the password)")}, nil
		}
	}
	u, err := s.store.UserByEmail(ctx, s.store.DB(), email)
	found := err == nil
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return nil, nil, err
	}
	stored := s.dummyHash
	if found {
		stored = u.PasswordHash
	}
	ok, err := s.verify(ctx, stored, plain)
	if err != nil {
		return nil, nil, err
	}
	if !found || !ok {
		// TOO_MANY_ATTEMPTS answers only attempts refused unchecked: this
		// one was checked, even if it was the last one allowed.
		s.observe.LoginFailed(false)
		return nil, []apperr.FieldError{errCredentials}, nil
	}
	// This address's failures are forgotten; the account's count only gets
	// this attempt back, so the owner signing in does not wipe out the
	// guesses others made from elsewhere.
	if err := s.store.ThrottleClear(ctx, s.store.DB(), here); err != nil {
		return nil, nil, err
	}
	if err := s.store.ThrottleRefund(ctx, s.store.DB(), accountLoginKey(email), AccountLoginLimit); err != nil {
		return nil, nil, err
	}
	sess, err := s.open(ctx, s.store.DB(), u)
	return sess, nil, err
}

// tooMany is the answer while a throttle blocks; what says what there were
// too many of.
func tooMany(until time.Time, what string) apperr.FieldError {
	wait := time.Until(until).Round(time.Minute)
	if wait < time.Minute {
		wait = time.Minute
	}
	return apperr.FieldError{Field: []string{"input"}, Code: apperr.FieldTooManyAttempts,
		Message: fmt.Sprintf("Too many %s: try again in %s (at %s UTC).", what, wait, until.UTC().Format("15:04"))}
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, sessionID int64) error {
	return s.store.RevokeSession(ctx, s.store.DB(), sessionID)
}

// LogoutEverywhere ends every session of the user, this one included, and
// voids the links mailed to the account (a pending email change too).
func (s *Service) LogoutEverywhere(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		var err error
		n, err = s.evict(ctx, tx, userID, 0)
		return err
	})
	return n, err
}

// open makes a session for u: a random token of which only a hash is kept.
func (s *Service) open(ctx context.Context, q store.Querier, u store.User) (*Session, error) {
	token, hash := secret.NewToken(sessionPrefix)
	info := reqctx.ClientFrom(ctx)
	if _, err := s.store.CreateSession(ctx, q, hash, u.ID, time.Now().Add(s.sessionTTL), info.UserAgent, info.IP); err != nil {
		return nil, err
	}
	return &Session{Token: token, User: u}, nil
}

func (s *Service) hash(ctx context.Context, plain string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer func() { <-s.hashing }()
	return password.Hash(plain)
}

func (s *Service) verify(ctx context.Context, phc, plain string) (bool, error) {
	if err := s.acquire(ctx); err != nil {
		return false, err
	}
	defer func() { <-s.hashing }()
	return password.Verify(phc, plain)
}

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.hashing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
