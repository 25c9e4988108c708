package store

import "context"

// refilled is a bucket's tokens now: what it had plus the refill since its
// last take, at most the burst. now() is the statement's time on the
// database's clock, the same for every replica; a take that waited on the
// row lock can see a now() older than the last update, hence the clamp of
// the time since (no refill, and no tokens taken back: clamping the sum
// instead emptied a fast bucket whenever takes queued on its lock).
const refilled = `LEAST($2::float8, b.tokens + GREATEST(0, extract(epoch FROM now() - b.updated_at)) * $3::float8)`

// One statement: the upsert's row lock serialises takes on a bucket. A
// refused take takes nothing, so a client retrying early is not pushed out.
const takeToken = `
INSERT INTO rate_limit_buckets AS b (key, tokens, allowed, updated_at)
VALUES ($1, $2::float8 - 1, true, now())
ON CONFLICT (key) DO UPDATE SET
    tokens = CASE WHEN ` + refilled + ` >= 1 THEN ` + refilled + ` - 1 ELSE ` + refilled + ` END,
    allowed = ` + refilled + ` >= 1,
    updated_at = GREATEST(b.updated_at, now())
RETURNING allowed, tokens`

// TakeToken takes one token from a bucket of burst tokens refilled at rate
// per second. It reports whether there was one and the tokens left. It is
// the PostgreSQL implementation of ratelimit.Store.
func (s *Store) TakeToken(ctx context.Context, q Querier, key string, burst int, rate float64) (allowed bool, tokens float64, err error) {
	err = q.QueryRowxContext(ctx, takeToken, key, float64(burst), rate).Scan(&allowed, &tokens)
	return allowed, tokens, mapError(err, "rate limit bucket")
}
