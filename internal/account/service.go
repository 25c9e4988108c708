package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/client"
	"github.com/teztelecom/tez/internal/password"
	"github.com/teztelecom/tez/internal/phone"
	"github.com/teztelecom/tez/internal/store"
)

// Throttling of failed sign-ins, per email and client address.
const (
	LoginWindow = 15 * time.Minute
	LoginLimit  = 5
)

// tokenPrefix marks session tokens (reseller keys start with tez_).
const tokenPrefix = "tzs_"

// LoginObserver hears of failed sign-ins (the metrics).
type LoginObserver interface {
	LoginFailed(throttled bool)
}

// Service runs registration, sign-in and sessions.
type Service struct {
	store      *store.Store
	observe    LoginObserver
	sessionTTL time.Duration
	hashing    chan struct{} // bounds concurrent argon2 work (19 MiB each)
	dummyHash  string        // verified against for unknown emails: same time as a real check
}

// NewService makes the service; sessions live sessionTTL.
func NewService(st *store.Store, sessionTTL time.Duration, observe LoginObserver) (*Service, error) {
	dummy, err := password.Hash("not the password of any account")
	if err != nil {
		return nil, err
	}
	return &Service{store: st, observe: observe, sessionTTL: sessionTTL, hashing: make(chan struct{}, 2*runtime.GOMAXPROCS(0)), dummyHash: dummy}, nil
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
}

// Register creates an account and signs it in. Problems with the input come
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
	name := strings.TrimSpace(in.FullName)
	if len([]rune(name)) > 200 {
		problems = append(problems, apperr.OnField("fullName", apperr.FieldTooLong, "Use at most 200 characters."))
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
	err = s.store.InTx(ctx, func(tx *sqlx.Tx) error {
		u, err := s.store.CreateUser(ctx, tx, email, hash, name, TermsVersion)
		if err != nil {
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

// Login signs in. A wrong email and a wrong password answer the same, in
// about the same time; repeated failures for an email from one address are
// throttled.
func (s *Service) Login(ctx context.Context, email, plain string) (*Session, []apperr.FieldError, error) {
	email = strings.TrimSpace(email)
	key := "login:" + strings.ToLower(email) + ":" + client.From(ctx).IP
	until, err := s.store.ThrottleBlockedUntil(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	if until != nil {
		s.observe.LoginFailed(true)
		return nil, []apperr.FieldError{tooMany(*until)}, nil
	}
	u, err := s.store.UserByEmail(ctx, email)
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
		s.observe.LoginFailed(false)
		until, err := s.store.ThrottleFailure(ctx, key, LoginWindow, LoginLimit)
		if err != nil {
			return nil, nil, err
		}
		if until != nil {
			return nil, []apperr.FieldError{tooMany(*until)}, nil
		}
		return nil, []apperr.FieldError{errCredentials}, nil
	}
	if err := s.store.ThrottleClear(ctx, key); err != nil {
		return nil, nil, err
	}
	sess, err := s.open(ctx, s.store.DB(), u)
	return sess, nil, err
}

func tooMany(until time.Time) apperr.FieldError {
	wait := time.Until(until).Round(time.Minute)
	if wait < time.Minute {
		wait = time.Minute
	}
	return apperr.FieldError{Field: []string{"input"}, Code: apperr.FieldTooManyAttempts,
		Message: fmt.Sprintf("Too many failed sign-ins: try again in %s (at %s UTC), or reset the password.",
			wait, until.UTC().Format("15:04"))}
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, sessionID int64) error {
	return s.store.RevokeSession(ctx, sessionID)
}

// LogoutEverywhere ends every session of the user, this one included.
func (s *Service) LogoutEverywhere(ctx context.Context, userID int64) (int64, error) {
	return s.store.RevokeUserSessions(ctx, userID, 0)
}

// open makes a session for u: a random token of which only a hash is kept.
func (s *Service) open(ctx context.Context, q sqlx.QueryerContext, u store.User) (*Session, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	hash := sha256.Sum256([]byte(token))
	info := client.From(ctx)
	if _, err := s.store.CreateSession(ctx, q, hash[:], u.ID, time.Now().Add(s.sessionTTL), info.UserAgent, info.IP); err != nil {
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

// ChangePassword replaces the password after checking the current one, and
// signs out every other session of the user (a thief's included).
func (s *Service) ChangePassword(ctx context.Context, userID, sessionID int64, current, next string) ([]apperr.FieldError, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	ok, err := s.verify(ctx, u.PasswordHash, current)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []apperr.FieldError{apperr.OnField("currentPassword", apperr.FieldInvalidCredentials, "The current password is wrong.")}, nil
	}
	if bad := CheckPassword("newPassword", next); bad != nil {
		return []apperr.FieldError{*bad}, nil
	}
	hash, err := s.hash(ctx, next)
	if err != nil {
		return nil, err
	}
	return nil, s.store.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := s.store.SetPasswordHash(ctx, tx, userID, hash); err != nil {
			return err
		}
		_, err := s.store.RevokeUserSessionsTx(ctx, tx, userID, sessionID)
		return err
	})
}

// ProfileUpdate sets the owner's name and phone; the phone is read with the
// country rules of libphonenumber and stored in E.164. Empty clears it.
func (s *Service) ProfileUpdate(ctx context.Context, userID int64, fullName, phoneNumber string) (store.User, []apperr.FieldError, error) {
	var problems []apperr.FieldError
	name := strings.TrimSpace(fullName)
	if len([]rune(name)) > 200 {
		problems = append(problems, apperr.OnField("fullName", apperr.FieldTooLong, "Use at most 200 characters."))
	}
	e164, bad := phone.Normalize("phone", phoneNumber)
	if bad != nil {
		problems = append(problems, *bad)
	}
	if len(problems) > 0 {
		return store.User{}, problems, nil
	}
	u, err := s.store.UpdateProfile(ctx, userID, name, e164)
	return u, nil, err
}
