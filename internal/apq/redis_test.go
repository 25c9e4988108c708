package apq_test

import (
	"context"
	"crypto/rand"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/teztelecom/tez/internal/apq"
)

// A query added through one server's cache is found through another's;
// an unknown hash is a miss, and so is a Redis that does not answer.
func TestRedisSharesQueries(t *testing.T) {
	url := os.Getenv("TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	one, two := redis.NewClient(opts), redis.NewClient(opts)
	defer one.Close()
	defer two.Close()
	if err := one.Ping(ctx).Err(); err != nil {
		t.Skipf("no Redis at %s (%v): the shared cache is not tested", url, err)
	}
	hash := rand.Text() // this run's own
	if _, ok := apq.NewRedis(two).Get(ctx, hash); ok {
		t.Fatal("an unknown hash was found")
	}
	apq.NewRedis(one).Add(ctx, hash, "{ me { email } }")
	if got, ok := apq.NewRedis(two).Get(ctx, hash); !ok || got != "{ me { email } }" {
		t.Errorf("through the other client: %q %v", got, ok)
	}
	if ttl := two.TTL(ctx, "tez:apq:"+hash).Val(); ttl <= 0 || ttl > apq.TTL {
		t.Errorf("TTL %s, want up to %s", ttl, apq.TTL)
	}
	down := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer down.Close()
	if _, ok := apq.NewRedis(down).Get(ctx, hash); ok {
		t.Error("a Redis that does not answer found the query")
	}
}
