package store

import (
	"context"
	"time"
)

// OutboxEmail is a message waiting in the outbox or delivered from it.
type OutboxEmail struct {
	ID        int64      `db:"id"`
	To        string     `db:"to_address"`
	Subject   string     `db:"subject"`
	Text      string     `db:"text_body"`
	HTML      string     `db:"html_body"`
	Attempts  int        `db:"attempts"`
	CreatedAt time.Time  `db:"created_at"`
	SentAt    *time.Time `db:"sent_at"`
	LastError *string    `db:"last_error"`
	// LoggedOnly: the development mailer only logged the message at SentAt.
	LoggedOnly bool `db:"logged_only"`
	// Job, when set, says the message is still to be written (JobPasswordReset).
	Job *string `db:"job"`
}

const enqueueEmail = `
INSERT INTO email_outbox (to_address, subject, text_body, html_body) VALUES ($1, $2, $3, $4)`

// EnqueueEmail writes a message to the outbox. Pass the transaction of the
// change that causes the message: both happen or neither.
func (s *Store) EnqueueEmail(ctx context.Context, q Querier, to, subject, text, html string) error {
	_, err := q.ExecContext(ctx, enqueueEmail, to, subject, text, html)
	return mapError(err, "enqueue email")
}

// JobPasswordReset is an outbox job: a reset asked for the row's address,
// which the worker looks up and, if it has an account, writes the link for.
const JobPasswordReset = "PASSWORD_RESET"

// MailCap is the most capped mail one address may be sent in a window.
type MailCap struct {
	Limit  int
	Window time.Duration
}

// The lock serialises everyone writing capped mail to one address, on every
// replica, until their transaction ends: the count and the insert agree.
const (
	lockRecipient = `SELECT pg_advisory_xact_lock(hashtextextended('mail-cap:' || lower($1), 0))`
	recentCapped  = `
SELECT created_at FROM email_outbox
WHERE to_address = $1 AND capped AND created_at > now() - make_interval(secs => $2::float8)
ORDER BY created_at DESC LIMIT $3`
	enqueueCapped = `
INSERT INTO email_outbox (to_address, subject, text_body, html_body, capped, job)
VALUES ($1, $2, $3, $4, true, NULLIF($5, ''))`
)

// EnqueueCappedEmail writes a message to an address a caller typed, unless
// that address has had c.Limit such messages in the last c.Window: then it
// writes nothing and answers when the next may go. With job set the row is
// a job whose message the worker writes (subject and bodies empty).
func (s *Store) EnqueueCappedEmail(ctx context.Context, q Querier, c MailCap, to, subject, text, html, job string) (*time.Time, error) {
	if _, err := q.ExecContext(ctx, lockRecipient, to); err != nil {
		return nil, mapError(err, "lock mail recipient")
	}
	var recent []time.Time
	if err := q.SelectContext(ctx, &recent, recentCapped, to, c.Window.Seconds(), c.Limit); err != nil {
		return nil, mapError(err, "count mail to recipient")
	}
	if len(recent) >= c.Limit {
		next := recent[len(recent)-1].Add(c.Window)
		return &next, nil
	}
	_, err := q.ExecContext(ctx, enqueueCapped, to, subject, text, html, job)
	return nil, mapError(err, "enqueue email")
}

// WriteJobEmail gives a job row its message: it is then an ordinary message.
func (s *Store) WriteJobEmail(ctx context.Context, q Querier, id int64, subject, text, html string) error {
	_, err := q.ExecContext(ctx, `UPDATE email_outbox SET subject = $2, text_body = $3, html_body = $4, job = NULL WHERE id = $1`,
		id, subject, text, html)
	return mapError(err, "write job email")
}

// DropJobEmail ends a job row that turned out to have nothing to send,
// saying why (for `tez mail outbox`).
func (s *Store) DropJobEmail(ctx context.Context, q Querier, id int64, subject string) error {
	_, err := q.ExecContext(ctx, `
UPDATE email_outbox SET subject = $2, job = NULL, sent_at = now(), logged_only = true, last_error = NULL WHERE id = $1`, id, subject)
	return mapError(err, "drop job email")
}

// Claiming pushes next_attempt_at forward by the lease: a worker that dies
// while sending leaves the message to be retried after the lease, and
// other workers (replicas) skip rows being claimed. UPDATE … RETURNING
// keeps no order: the claimed rows are sorted after, so that mail to one
// address goes out in the order it was written.
const claimDueEmails = `
WITH claimed AS (
    UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2::float8)
    WHERE id IN (
        SELECT id FROM email_outbox
        WHERE sent_at IS NULL AND next_attempt_at <= now()
        ORDER BY next_attempt_at, id
        LIMIT $1
        FOR UPDATE SKIP LOCKED)
    RETURNING id, to_address, subject, text_body, html_body, attempts, created_at, sent_at, last_error, job)
SELECT * FROM claimed ORDER BY id`

// ClaimDueEmails takes up to limit messages due for delivery, leased for
// lease.
func (s *Store) ClaimDueEmails(ctx context.Context, q Querier, limit int, lease time.Duration) ([]OutboxEmail, error) {
	var out []OutboxEmail
	err := q.SelectContext(ctx, &out, claimDueEmails, limit, lease.Seconds())
	return out, mapError(err, "claim emails")
}

// MarkEmailSent records a delivery, or with loggedOnly that the message
// was only logged (the development mailer).
func (s *Store) MarkEmailSent(ctx context.Context, q Querier, id int64, loggedOnly bool) error {
	_, err := q.ExecContext(ctx, `UPDATE email_outbox SET sent_at = now(), last_error = NULL, logged_only = $2 WHERE id = $1`, id, loggedOnly)
	return mapError(err, "mark email sent")
}

// MarkEmailFailed records a failed delivery to be retried after retryIn.
func (s *Store) MarkEmailFailed(ctx context.Context, q Querier, id int64, reason string, retryIn time.Duration) error {
	_, err := q.ExecContext(ctx, `
UPDATE email_outbox SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3::float8)
WHERE id = $1`, id, reason, retryIn.Seconds())
	return mapError(err, "mark email failed")
}

// RecentEmails lists the newest n messages of the outbox, newest first.
func (s *Store) RecentEmails(ctx context.Context, q Querier, n int) ([]OutboxEmail, error) {
	var out []OutboxEmail
	err := q.SelectContext(ctx, &out, `
SELECT id, to_address, subject, text_body, html_body, attempts, created_at, sent_at, last_error, logged_only, job
FROM email_outbox ORDER BY id DESC LIMIT $1`, n)
	return out, mapError(err, "recent emails")
}

// Email token purposes (the email_token_purpose enum).
const (
	PurposeVerifyEmail   = "VERIFY_EMAIL"
	PurposePasswordReset = "PASSWORD_RESET"
	PurposeEmailChange   = "EMAIL_CHANGE"
)

// A newer token voids the older unused ones of the same purpose: only the
// latest link works. Voided tokens are marked used.
const voidEmailTokens = `
UPDATE email_tokens SET used_at = now()
WHERE user_id = $1 AND purpose = $2::email_token_purpose AND used_at IS NULL`

const insertEmailToken = `
INSERT INTO email_tokens (token_hash, user_id, purpose, email, expires_at)
VALUES ($1, $2, $3::email_token_purpose, $4, now() + make_interval(secs => $5::float8))`

// CreateEmailToken stores a single-use token (by its hash) for the user and
// purpose, valid for ttl, voiding the user's earlier ones of that purpose.
func (s *Store) CreateEmailToken(ctx context.Context, q Querier, hash []byte, userID int64, purpose, email string, ttl time.Duration) error {
	if _, err := q.ExecContext(ctx, voidEmailTokens, userID, purpose); err != nil {
		return mapError(err, "void email tokens")
	}
	_, err := q.ExecContext(ctx, insertEmailToken, hash, userID, purpose, email, ttl.Seconds())
	return mapError(err, "email token")
}

// EmailToken is what a used email token stood for.
type EmailToken struct {
	UserID int64  `db:"user_id"`
	Email  string `db:"email"`
}

// The conditions and the update in one statement: two clicks racing on one
// link use it once. A reset link works only while the account's email is
// still the address it was mailed to.
const useEmailToken = `
UPDATE email_tokens t SET used_at = now()
WHERE token_hash = $1 AND purpose = $2::email_token_purpose AND used_at IS NULL AND expires_at > now()
  AND (purpose <> 'PASSWORD_RESET' OR email = (SELECT u.email FROM users u WHERE u.id = t.user_id))
RETURNING user_id, email`

const voidAllEmailTokens = `UPDATE email_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`

// VoidEmailTokens spends every unused link of the account, of every
// purpose: after a recovery (a reset, a password change, signing out
// everywhere, a confirmed email change) no link mailed before it works.
func (s *Store) VoidEmailTokens(ctx context.Context, q Querier, userID int64) error {
	_, err := q.ExecContext(ctx, voidAllEmailTokens, userID)
	return mapError(err, "void email tokens")
}

// UseEmailToken spends a token; an unknown, used, voided or expired one is
// NotFound.
func (s *Store) UseEmailToken(ctx context.Context, q Querier, hash []byte, purpose string) (EmailToken, error) {
	var t EmailToken
	err := q.GetContext(ctx, &t, useEmailToken, hash, purpose)
	return t, mapError(err, "email token")
}

// The email must still be the account's: a link for an address the account
// no longer has verifies nothing.
var markEmailVerified = `
UPDATE users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now()
WHERE id = $1 AND email = $2
RETURNING ` + userColumns

// MarkEmailVerified records that the user receives mail at email.
func (s *Store) MarkEmailVerified(ctx context.Context, q Querier, userID int64, email string) (User, error) {
	var u User
	err := q.GetContext(ctx, &u, markEmailVerified, userID, email)
	return u, mapError(err, "user")
}

// Confirming a new address verifies it too: the link proved it.
var changeEmail = `
UPDATE users SET email = $2, email_verified_at = now(), updated_at = now()
WHERE id = $1
RETURNING ` + userColumns

// ChangeEmail sets the account's email, verified; an email another account
// has is a Conflict.
func (s *Store) ChangeEmail(ctx context.Context, q Querier, userID int64, email string) (User, error) {
	var u User
	err := q.GetContext(ctx, &u, changeEmail, userID, email)
	return u, mapError(err, "account "+email)
}

// Guest orders placed with the email join the account; their access tokens
// stop working (the account opens them now).
const claimGuestOrders = `UPDATE orders SET user_id = $1, guest_token_hash = NULL, guest_link_hashes = '{}', updated_at = now() WHERE user_id IS NULL AND email = $2`

// SIMs sold in the account's orders placed with that email, or sold to the
// email, become the account's, unless someone owns them already.
const claimSoldSIMs = `
UPDATE sim_cards SET user_id = $1, owned_since = now(), updated_at = now()
WHERE user_id IS NULL
  AND (sold_order_id IN (SELECT id FROM orders WHERE user_id = $1 AND email = $2) OR sold_to_email = $2)`

// ClaimHistory brings everything that belongs to a just-verified email into
// the account: the old account system's SIMs, orders, profile and
// addresses (ClaimLegacy, first: its SIMs keep the date the old account got
// them), guest orders, and the SIMs sold in them or to the email. A SIM
// another account owns never moves.
func (s *Store) ClaimHistory(ctx context.Context, q Querier, userID int64, email string) error {
	if _, err := s.ClaimLegacy(ctx, q, []string{email}); err != nil {
		return err
	}
	for _, stmt := range []string{claimGuestOrders, claimSoldSIMs} {
		if _, err := q.ExecContext(ctx, stmt, userID, email); err != nil {
			return mapError(err, "claim history")
		}
	}
	return nil
}

// EmailTokenState is what a link page says about a token before and after
// it is used.
type EmailTokenState struct {
	Purpose string `db:"purpose"`
	Email   string `db:"email"`
	Used    bool   `db:"used"` // used, or voided by a newer link or a recovery
	Expired bool   `db:"expired"`
}

const emailTokenState = `
SELECT purpose::text AS purpose, email, used_at IS NOT NULL AS used, expires_at <= now() AS expired
FROM email_tokens WHERE token_hash = $1`

// EmailTokenStateByHash reads a token without spending it; NotFound when
// no link has that token.
func (s *Store) EmailTokenStateByHash(ctx context.Context, q Querier, hash []byte) (EmailTokenState, error) {
	var st EmailTokenState
	err := q.GetContext(ctx, &st, emailTokenState, hash)
	return st, mapError(err, "email token")
}
