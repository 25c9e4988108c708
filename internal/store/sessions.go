package store

import (
	"context"
	"time"
)

// AuthSession is a signed-in session; the token itself is never stored.
type AuthSession struct {
	ID         int64      `db:"id"`
	UserID     int64      `db:"user_id"`
	ExpiresAt  time.Time  `db:"expires_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
}

// One index lookup on the unique token_hash.
const liveSessionByTokenHash = `
SELECT id, user_id, expires_at, last_used_at
FROM auth_sessions
WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()`

// SessionByTokenHash finds the live session whose token hashes to hash.
func (s *Store) SessionByTokenHash(ctx context.Context, hash []byte) (AuthSession, error) {
	var sess AuthSession
	err := s.db.GetContext(ctx, &sess, liveSessionByTokenHash, hash)
	return sess, mapError(err, "session")
}

// The WHERE clause makes concurrent touches of one session write once.
const touchSession = `
UPDATE auth_sessions SET last_used_at = now()
WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`

// TouchSession records use of a session, at most once a minute.
func (s *Store) TouchSession(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, touchSession, id)
	return mapError(err, "touch session")
}
