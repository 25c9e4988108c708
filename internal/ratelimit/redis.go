package ratelimit

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// takeScript is the same bucket arithmetic as the PostgreSQL store, run
// atomically in Redis with Redis's own clock.
var takeScript = redis.NewScript(`
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil then tokens = burst; ts = now end
tokens = math.min(burst, math.max(0, tokens + (now - ts) * rate))
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 60)
return {allowed, tostring(tokens)}
`)

// Redis keeps buckets in Redis.
type Redis struct {
	client *redis.Client
}

// NewRedis connects to REDIS_URL (redis://host:port/db).
func NewRedis(ctx context.Context, url string) (*Redis, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	c := redis.NewClient(opts)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect to redis: %w", err)
	}
	return &Redis{client: c}, nil
}

// Client is the connection pool, for the other state the servers share
// in Redis (internal/apq).
func (r *Redis) Client() *redis.Client { return r.client }

// Close closes the connection pool.
func (r *Redis) Close() error { return r.client.Close() }

// TakeToken implements Store.
func (r *Redis) TakeToken(ctx context.Context, key string, burst int, rate float64) (bool, float64, error) {
	res, err := takeScript.Run(ctx, r.client, []string{"tez:ratelimit:" + key}, rate, burst).Slice()
	if err != nil {
		return false, 0, fmt.Errorf("take token %s: %w", key, err)
	}
	allowed, ok1 := res[0].(int64)
	text, ok2 := res[1].(string)
	tokens, err := strconv.ParseFloat(text, 64)
	if !ok1 || !ok2 || err != nil || math.IsNaN(tokens) {
		return false, 0, fmt.Errorf("take token %s: bad reply %v", key, res)
	}
	return allowed == 1, tokens, nil
}
