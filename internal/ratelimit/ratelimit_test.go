package ratelimit_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/ratelimit"
	"github.com/teztelecom/tez/internal/reqctx"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// backends are the bucket stores to test: PostgreSQL always, Redis when one
// answers (TEST_REDIS_URL, else the machine's 127.0.0.1:6379).
func backends(t *testing.T) map[string]func() ratelimit.Store {
	t.Helper()
	db := testdb.New(t)
	out := map[string]func() ratelimit.Store{
		// Each call is a separate handle: a replica of its own.
		"postgres": func() ratelimit.Store { return ratelimit.Postgres{Store: store.New(db)} },
	}
	url := os.Getenv("TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	ctx := context.Background()
	if r, err := ratelimit.NewRedis(ctx, url); err != nil {
		t.Logf("redis backend not tested: %v", err)
	} else {
		r.Close()
		out["redis"] = func() ratelimit.Store {
			r, err := ratelimit.NewRedis(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			return r
		}
	}
	return out
}

func TestBucketAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			key := "test:" + reqctx.NewRequestID()
			limit := ratelimit.Limit{Rate: 0.05, Burst: 4} // refill negligible during the test
			replicas := []*ratelimit.Limiter{ratelimit.New(open()), ratelimit.New(open())}

			var mu sync.Mutex
			allowed, refused := 0, 0
			var retry time.Duration
			var wg sync.WaitGroup
			for i := range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d, err := replicas[i%2].Take(ctx, key, limit)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					defer mu.Unlock()
					if d.Allowed {
						allowed++
					} else {
						refused++
						retry = d.RetryAfter
					}
					if d.Limit != 4 {
						t.Errorf("Limit = %d, want the burst 4", d.Limit)
					}
				}()
			}
			wg.Wait()
			if allowed != 4 || refused != 6 {
				t.Errorf("10 concurrent takes on two replicas: %d allowed, %d refused; want 4 and 6", allowed, refused)
			}
			if retry < 19*time.Second || retry > 20*time.Second {
				t.Errorf("RetryAfter = %v, want 20 s for one token at 0.05 tokens/s", retry)
			}
		})
	}
}

func TestBucketRefills(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			l := ratelimit.New(open())
			key := fmt.Sprintf("test:refill:%s", reqctx.NewRequestID())
			limit := ratelimit.Limit{Rate: 2, Burst: 1} // one token per 500 ms
			if d, _ := l.Take(ctx, key, limit); !d.Allowed || d.Remaining != 0 {
				t.Fatalf("first take = %+v, want allowed with 0 left", d)
			}
			if d, _ := l.Take(ctx, key, limit); d.Allowed {
				t.Fatal("second immediate take allowed beyond the burst")
			}
			deadline := time.Now().Add(5 * time.Second)
			for {
				d, err := l.Take(ctx, key, limit)
				if err != nil {
					t.Fatal(err)
				}
				if d.Allowed {
					return
				}
				if time.Now().After(deadline) {
					t.Fatal("bucket never refilled")
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// A take that queued on the bucket's row lock starts before the update it
// waited for, so it sees that update later than its own clock: it gets no
// refill for the negative time, and loses no tokens either (a bucket of a
// million a second was emptied that way under load).
func TestTakeAfterALaterUpdateKeepsTheTokens(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx := context.Background()
	key := "test:queued:" + reqctx.NewRequestID()
	if _, err := db.ExecContext(ctx, `INSERT INTO rate_limit_buckets (key, tokens, allowed, updated_at)
		VALUES ($1, 3, true, now() + interval '10 seconds')`, key); err != nil {
		t.Fatal(err)
	}
	d, err := ratelimit.New(ratelimit.Postgres{Store: store.New(db)}).Take(ctx, key, ratelimit.Limit{Rate: 1000, Burst: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Allowed || d.Remaining != 2 {
		t.Errorf("take = %+v, want allowed with 2 of the 3 tokens left", d)
	}
}
