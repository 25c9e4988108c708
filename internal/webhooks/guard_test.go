package webhooks

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestPolicyRefusesInternalAddresses(t *testing.T) {
	production := PolicyFor(true, false)
	development := PolicyFor(false, false)
	allowed := PolicyFor(true, true)
	for _, tc := range []struct {
		ip         string
		prod, dev  bool // allowed?
		allowedAll bool
	}{
		{"93.184.215.14", true, true, true},
		{"2606:2800:21f:cb07::1", true, true, true},
		{"127.0.0.1", false, true, true},
		{"::1", false, true, true},
		{"::ffff:127.0.0.1", false, true, true},
		{"10.1.2.3", false, false, true},
		{"172.16.0.1", false, false, true},
		{"192.168.1.1", false, false, true},
		{"169.254.169.254", false, false, true}, // cloud metadata
		{"fe80::1", false, false, true},
		{"fd00::1", false, false, true},
		{"100.64.0.1", false, false, true},
		{"0.0.0.0", false, false, false},
		{"224.0.0.1", false, false, false},
	} {
		ip := netip.MustParseAddr(tc.ip)
		for _, p := range []struct {
			name   string
			policy Policy
			want   bool
		}{{"production", production, tc.prod}, {"development", development, tc.dev}, {"TEZ_WEBHOOK_ALLOW_PRIVATE", allowed, tc.allowedAll}} {
			if got := p.policy.refusal(ip) == ""; got != p.want {
				t.Errorf("%s: %s allowed = %v, want %v", p.name, tc.ip, got, p.want)
			}
		}
	}
}

func TestCheckURL(t *testing.T) {
	ctx := context.Background()
	production := PolicyFor(true, false)
	for _, raw := range []string{"http://127.0.0.1:8080/hook", "https://localhost/hook", "http://[::1]/", "http://10.0.0.5/x",
		"http://169.254.169.254/latest/meta-data/", "http://0x7f000001/", "file:///etc/passwd", "ftp://example.com/",
		"https://user:pass@example.com/", "https:///nohost", "not a url"} {
		if _, err := production.CheckURL(ctx, raw); err == nil {
			t.Errorf("production accepted %q", raw)
		}
	}
	if _, err := production.CheckURL(ctx, "http://127.0.0.1/"); !errors.Is(err, ErrRefusedAddress) {
		t.Errorf("loopback in production: %v, want ErrRefusedAddress", err)
	}
	if u, err := PolicyFor(false, false).CheckURL(ctx, "http://127.0.0.1:9/hook#frag"); err != nil || u.String() != "http://127.0.0.1:9/hook" {
		t.Errorf("loopback in development: %v %v, want it accepted without the fragment", u, err)
	}
	if _, err := PolicyFor(true, true).CheckURL(ctx, "http://10.0.0.5/x"); err != nil {
		t.Errorf("TEZ_WEBHOOK_ALLOW_PRIVATE: %v", err)
	}
}

// A URL accepted when it was added may resolve elsewhere later (DNS
// rebinding): the client checks the address it dials, whatever the URL.
func TestClientRefusesInternalAddressAtDialTime(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	_, err := PolicyFor(true, false).Client(time.Second).Post(srv.URL, "application/json", nil)
	if !errors.Is(err, ErrRefusedAddress) || hits != 0 {
		t.Errorf("production client to %s: %v, %d requests; want ErrRefusedAddress and none", srv.URL, err, hits)
	}
	res, err := PolicyFor(false, false).Client(time.Second).Post(srv.URL, "application/json", nil)
	if err != nil || hits != 1 {
		t.Fatalf("development client to loopback: %v, %d requests", err, hits)
	}
	res.Body.Close()
}
