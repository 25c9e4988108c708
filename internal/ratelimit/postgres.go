package ratelimit

import (
	"context"

	"github.com/teztelecom/tez/internal/store"
)

// Postgres keeps the buckets in PostgreSQL, through the store's pool.
type Postgres struct{ Store *store.Store }

// TakeToken implements Store.
func (p Postgres) TakeToken(ctx context.Context, key string, burst int, rate float64) (bool, float64, error) {
	return p.Store.TakeToken(ctx, p.Store.DB(), key, burst, rate)
}
