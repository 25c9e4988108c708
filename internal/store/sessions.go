package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// AuthSession is a signed-in session; the token itself is never stored.
type AuthSession struct {
	ID         int64      `db:"id"`
	UserID     int64      `db:"user_id"`
	ExpiresAt  time.Time  `db:"expires_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
	// ReadFence is where a replica must have replayed to serve the
	// session's reads (RecordReadFence).
	ReadFence LSN `db:"read_fence"`
	// User is the account, read in the same statement: every customer
	// request needs it, and one round trip is cheaper than two.
	User User `db:"user"`
}

// sessionCols are the columns of a positional read of a session (its
// account's follow, userCols), each beside its scan target.
var sessionCols = columns[AuthSession]{
	{"id", func(s *AuthSession) any { return &s.ID }},
	{"user_id", func(s *AuthSession) any { return &s.UserID }},
	{"expires_at", func(s *AuthSession) any { return &s.ExpiresAt }},
	{"last_used_at", func(s *AuthSession) any { return &s.LastUsedAt }},
	{"read_fence", func(s *AuthSession) any { return &s.ReadFence }},
}

// One index lookup on the unique token_hash, and the account by its key.
var liveSessionByTokenHash = `
SELECT ` + sessionCols.as("s") + `, ` + userCols.as("u") + `
FROM auth_sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`

// SessionByTokenHash finds the live session whose token hashes to hash,
// with its account.
func (s *Store) SessionByTokenHash(ctx context.Context, q Querier, hash []byte) (AuthSession, error) {
	var sess AuthSession
	targets := append(sessionCols.targets(&sess), userCols.targets(&sess.User)...)
	err := q.QueryRowContext(ctx, liveSessionByTokenHash, hash).Scan(targets...)
	return sess, mapError(err, "session")
}

// TouchSession records use of a session, at most once a minute.
func (s *Store) TouchSession(ctx context.Context, q Querier, id int64) error {
	return touchOncePerMinute(ctx, q, "auth_sessions", id)
}

// touchOncePerMinute sets last_used_at of row id of table (sessions, API
// keys: a constant, never input) unless it was set within the minute: a
// credential used on every request writes at most once a minute, and
// concurrent touches write once.
func touchOncePerMinute(ctx context.Context, q Querier, table string, id int64) error {
	_, err := q.ExecContext(ctx, `UPDATE `+table+` SET last_used_at = now()
WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, id)
	return mapError(err, "touch "+table)
}

const insertSession = `
INSERT INTO auth_sessions (token_hash, user_id, expires_at, user_agent, ip)
VALUES ($1, $2, $3, $4, nullif($5, '')::inet) RETURNING id`

// CreateSession stores a new session by its token's hash.
func (s *Store) CreateSession(ctx context.Context, q Querier, tokenHash []byte, userID int64, expiresAt time.Time, userAgent, ip string) (int64, error) {
	var id int64
	err := sqlx.GetContext(ctx, q, &id, insertSession, tokenHash, userID, expiresAt, userAgent, ip)
	return id, mapError(err, "session")
}

const revokeSession = `UPDATE auth_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`

// RevokeSession ends one session.
func (s *Store) RevokeSession(ctx context.Context, q Querier, id int64) error {
	_, err := q.ExecContext(ctx, revokeSession, id)
	return mapError(err, "revoke session")
}

const revokeUserSessions = `
UPDATE auth_sessions SET revoked_at = now()
WHERE user_id = $1 AND revoked_at IS NULL AND id <> $2`

// RevokeUserSessions ends every live session of the user but except (0:
// none spared) and reports how many; q is the database or a transaction.
func (s *Store) RevokeUserSessions(ctx context.Context, q Querier, userID, except int64) (int64, error) {
	res, err := q.ExecContext(ctx, revokeUserSessions, userID, except)
	if err != nil {
		return 0, mapError(err, "revoke sessions")
	}
	return res.RowsAffected()
}
