package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/store"
)

func TestResellerKeys(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, key := api.Reseller("Acme Travel", 50, 100, 0)
	svc := reseller.NewService(store.New(api.DB), nil, slog.Default())

	meAs := func(header map[string]string) apitest.Response {
		return api.Do(apitest.Request{Query: `{ me { id } }`, Header: header})
	}
	t.Run("a valid key is a reseller: rate-limit headers, and no customer data", func(t *testing.T) {
		for _, h := range []map[string]string{{"X-API-Key": key}, {"Authorization": "Bearer " + key}} {
			res := meAs(h)
			if res.Status != http.StatusOK || res.Header.Get("RateLimit-Limit") != "100" || res.Header.Get("RateLimit-Remaining") == "" {
				t.Errorf("status %d, RateLimit-Limit %q; want 200 with headers", res.Status, res.Header.Get("RateLimit-Limit"))
			}
			if len(res.Errors) != 1 || res.Errors[0].Code() != "FORBIDDEN" {
				t.Errorf("me with a reseller key answered %+v, want FORBIDDEN", res.Errors)
			}
		}
	})

	_, expired := api.Reseller("Expired Ltd", 50, 100, time.Nanosecond)
	_, revoked := api.Reseller("Revoked Ltd", 50, 100, 0)
	if err := svc.Revoke(context.Background(), revoked); err != nil {
		t.Fatal(err)
	}
	garbled := key[:len(key)-1] + "x"
	wrongSecret := key[:len(key)-4] + "0000"
	if wrongSecret == key {
		wrongSecret = key[:len(key)-4] + "1111"
	}
	for name, k := range map[string]string{"expired": expired, "revoked": revoked, "garbled": garbled, "wrong secret": wrongSecret} {
		t.Run(name+" key is no reseller", func(t *testing.T) {
			res := meAs(map[string]string{"X-API-Key": k})
			if res.Header.Get("RateLimit-Limit") != "" {
				t.Error("an unusable key got rate-limit headers, as if it were valid")
			}
			res = api.Do(apitest.Request{Query: `{ me { id } }`, Header: map[string]string{"X-API-Key": k}})
			if len(res.Errors) != 0 || string(res.Data) != `{"me":null}` {
				t.Errorf("answered %s %+v, want me: null like any anonymous caller", res.Data, res.Errors)
			}
		})
	}
}

func TestResellerRateLimitAcrossReplicas(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	replicas := []*apitest.API{api, api.Replica()}
	_, key := api.Reseller("Busy Partner", 1, 4, 0)

	var ok, limited int
	var last apitest.Response
	for i := range 8 {
		res := replicas[i%2].Do(apitest.Request{Query: `{ __typename }`, Header: map[string]string{"X-API-Key": key}})
		switch res.Status {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			limited++
			last = res
		default:
			t.Fatalf("status %d", res.Status)
		}
	}
	// At 1 request/s one token may come back if the machine is slow.
	if ok < 4 || ok > 5 || limited != 8-ok {
		t.Fatalf("8 requests over two replicas with a burst of 4: %d ok, %d limited; want 4 (or 5) ok and the rest limited", ok, limited)
	}
	if s, err := strconv.Atoi(last.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After = %q, want whole seconds ≥ 1", last.Header.Get("Retry-After"))
	}
	if len(last.Errors) != 1 || last.Errors[0].Code() != "RATE_LIMITED" || last.Header.Get("RateLimit-Remaining") != "0" {
		t.Errorf("429 body %+v, RateLimit-Remaining %q; want RATE_LIMITED and 0", last.Errors, last.Header.Get("RateLimit-Remaining"))
	}
}
