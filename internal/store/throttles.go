package store

import (
	"context"
	"time"
)

const throttleBlockedUntil = `SELECT blocked_until FROM throttles WHERE key = $1 AND blocked_until > now()`

// ThrottleBlockedUntil says until when key is blocked; nil when it is not.
func (s *Store) ThrottleBlockedUntil(ctx context.Context, key string) (*time.Time, error) {
	var until []time.Time
	if err := s.db.SelectContext(ctx, &until, throttleBlockedUntil, key); err != nil {
		return nil, mapError(err, "throttle")
	}
	if len(until) == 0 {
		return nil, nil
	}
	return &until[0], nil
}

// A failure outside the window starts a new one. From the limit-th failure
// in a window on, key is blocked for the window, doubled at each further
// failure (capped at a day): the delay grows with persistence.
const throttleFailure = `
INSERT INTO throttles AS t (key, failures, window_started_at, blocked_until)
VALUES ($1, 1, now(), CASE WHEN $3::int <= 1 THEN now() + make_interval(secs => $2::float8) END)
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN t.window_started_at < now() - make_interval(secs => $2::float8) THEN 1 ELSE t.failures + 1 END,
    window_started_at = CASE WHEN t.window_started_at < now() - make_interval(secs => $2::float8) THEN now() ELSE t.window_started_at END,
    blocked_until = CASE
        WHEN t.window_started_at >= now() - make_interval(secs => $2::float8) AND t.failures + 1 >= $3::int
        THEN now() + least(make_interval(secs => $2::float8) * power(2, t.failures + 1 - $3::int), interval '1 day')
    END
RETURNING blocked_until`

// ThrottleFailure records a failure for key and returns until when key is
// now blocked (nil: not yet).
func (s *Store) ThrottleFailure(ctx context.Context, key string, window time.Duration, limit int) (*time.Time, error) {
	var until *time.Time
	err := s.db.GetContext(ctx, &until, throttleFailure, key, window.Seconds(), limit)
	return until, mapError(err, "throttle failure")
}

// ThrottleClear forgets key's failures (a success).
func (s *Store) ThrottleClear(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM throttles WHERE key = $1`, key)
	return mapError(err, "throttle clear")
}
