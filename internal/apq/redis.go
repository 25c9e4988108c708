// Package apq keeps the automatic persisted queries (a query's SHA-256 →
// its text) where every server behind a balancer finds them: in Redis
// when REDIS_URL is set. Without it each server keeps its own (gqlgen's
// LRU), and a client whose hash one server has not seen gets
// PersistedQueryNotFound and sends the full query once more
// (docs/operations.md, several servers behind a balancer).
package apq

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// TTL is how long a registered query is kept after it was last sent in
// full: clients send the text again whenever it is gone.
const TTL = 24 * time.Hour

// keyPrefix keeps the queries apart from the rate-limit buckets.
const keyPrefix = "tez:apq:"

// Redis is a graphql.Cache[string] in Redis.
type Redis struct{ client *redis.Client }

// NewRedis keeps queries in client's database.
func NewRedis(client *redis.Client) *Redis { return &Redis{client: client} }

// Get answers the query registered under hash. A Redis that does not
// answer counts as a miss: the client then sends the text, and the
// request is served all the same.
func (r *Redis) Get(ctx context.Context, hash string) (string, bool) {
	text, err := r.client.Get(ctx, keyPrefix+hash).Result()
	return text, err == nil
}

// Add registers query under hash (gqlgen has checked it is its SHA-256).
// A failed write only costs a later client one retry.
func (r *Redis) Add(ctx context.Context, hash, query string) {
	_ = r.client.Set(ctx, keyPrefix+hash, query, TTL).Err()
}
