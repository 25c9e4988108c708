package store

import (
	"context"
	"time"
)

// maxBlock caps how long a throttle blocks, however many the failures.
const maxBlock = 24 * time.Hour

// One statement takes an attempt, so that concurrent attempts take turns on
// the row lock and no more than limit get through: an attempt counts as a
// failure until the caller clears or refunds it. While blocked, an attempt
// is refused and counts nothing. The limit-th attempt blocks key for the
// window, each further one (after the block ends) for twice as long as the
// one before, up to maxBlock; the exponent and the seconds are clamped
// before they become an interval, which would overflow after ~38 doublings.
// The count starts over after a window of quiet since the count began and
// since the last block ended.
const throttleAttempt = `
INSERT INTO throttles AS t (key, failures, window_started_at, blocked_until, allowed)
VALUES ($1, 1, now(), CASE WHEN $3::int <= 1 THEN now() + make_interval(secs => $2::float8) END, true)
ON CONFLICT (key) DO UPDATE SET
    allowed = ` + notBlocked + `,
    failures = CASE WHEN NOT ` + notBlocked + ` THEN t.failures WHEN ` + quiet + ` THEN 1 ELSE least(t.failures, 1000000) + 1 END,
    window_started_at = CASE WHEN ` + notBlocked + ` AND ` + quiet + ` THEN now() ELSE t.window_started_at END,
    blocked_until = CASE
        WHEN NOT ` + notBlocked + ` THEN t.blocked_until
        WHEN ` + quiet + ` THEN CASE WHEN $3::int <= 1 THEN now() + make_interval(secs => $2::float8) END
        WHEN t.failures + 1 >= $3::int
        THEN now() + make_interval(secs => least($2::float8 * power(2, least(t.failures + 1 - $3::int, 32)), $4::float8))
    END
RETURNING allowed, blocked_until`

const (
	notBlocked = `coalesce(t.blocked_until <= now(), true)`
	quiet      = `(t.window_started_at < now() - make_interval(secs => $2::float8) AND coalesce(t.blocked_until < now() - make_interval(secs => $2::float8), true))`
)

// ThrottleAttempt takes an attempt for key, before the work it guards (a
// password hash, a code check), so that concurrent attempts cannot all get
// through. It reports whether the attempt may go ahead and, if key is
// blocked now (this attempt was the limit-th, or it was refused), until
// when. The attempt counts as a failure unless ThrottleClear or
// ThrottleRefund follows.
func (s *Store) ThrottleAttempt(ctx context.Context, q Querier, key string, window time.Duration, limit int) (allowed bool, blockedUntil *time.Time, err error) {
	err = q.QueryRowxContext(ctx, throttleAttempt, key, window.Seconds(), limit, maxBlock.Seconds()).Scan(&allowed, &blockedUntil)
	return allowed, blockedUntil, mapError(err, "throttle attempt")
}

// An attempt that went well gives its count back, and lifts the block it
// may have set as the limit-th.
const throttleRefund = `
UPDATE throttles SET failures = greatest(failures - 1, 0),
    blocked_until = CASE WHEN failures - 1 < $2::int THEN NULL ELSE blocked_until END
WHERE key = $1`

// ThrottleRefund gives back an attempt that turned out well, without
// forgetting the failures before it (see ThrottleClear).
func (s *Store) ThrottleRefund(ctx context.Context, q Querier, key string, limit int) error {
	_, err := q.ExecContext(ctx, throttleRefund, key, limit)
	return mapError(err, "throttle refund")
}

// ThrottleClear forgets key's failures (a success that proves the caller).
func (s *Store) ThrottleClear(ctx context.Context, q Querier, key string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM throttles WHERE key = $1`, key)
	return mapError(err, "throttle clear")
}
