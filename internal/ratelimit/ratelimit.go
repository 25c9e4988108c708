// Package ratelimit enforces token-bucket rate limits whose state lives
// outside the process — in PostgreSQL, or in Redis when configured — so a
// limit holds across every server replica.
package ratelimit

import (
	"context"
	"math"
	"time"
)

// Limit is a bucket's shape: Rate tokens a second, holding at most Burst.
type Limit struct {
	Rate  float64
	Burst int
}

// Decision is the outcome of taking one token.
type Decision struct {
	Allowed    bool
	Limit      int           // the burst: RateLimit-Limit
	Remaining  int           // whole tokens left: RateLimit-Remaining
	Reset      time.Duration // until the bucket is full again: RateLimit-Reset
	RetryAfter time.Duration // when refused: until a token is there
}

// Store takes one token from the bucket named key, reporting whether there
// was one and how many tokens the bucket holds after. Buckets start full,
// refill at rate tokens a second up to burst, and a refused take takes
// nothing.
type Store interface {
	TakeToken(ctx context.Context, key string, burst int, rate float64) (allowed bool, tokens float64, err error)
}

// Limiter decides on requests against a Store.
type Limiter struct {
	store Store
}

// New makes a limiter over a bucket store.
func New(s Store) *Limiter { return &Limiter{store: s} }

// Take takes a token for key and decides.
func (l *Limiter) Take(ctx context.Context, key string, limit Limit) (Decision, error) {
	allowed, tokens, err := l.store.TakeToken(ctx, key, limit.Burst, limit.Rate)
	if err != nil {
		return Decision{}, err
	}
	d := Decision{Allowed: allowed, Limit: limit.Burst, Remaining: int(math.Floor(tokens))}
	if !allowed {
		// The next take succeeds once the bucket has refilled to one token.
		d.RetryAfter = seconds((1 - tokens) / limit.Rate)
	}
	d.Reset = seconds((float64(limit.Burst) - tokens) / limit.Rate)
	return d, nil
}

func seconds(s float64) time.Duration {
	return time.Duration(math.Ceil(s)) * time.Second
}
