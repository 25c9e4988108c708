package reqctx_test

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/teztelecom/tez/internal/reqctx"
)

func TestClientAddress(t *testing.T) {
	t.Parallel()
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}
	cases := []struct {
		name    string
		peer    string
		trusted []netip.Prefix
		header  http.Header
		want    string
	}{
		{"no proxies trusted: headers ignored", "203.0.113.7:5000", nil,
			http.Header{"X-Forwarded-For": {"198.51.100.1"}, "Forwarded": {"for=198.51.100.2"}}, "203.0.113.7"},
		{"an untrusted peer's headers are ignored", "203.0.113.7:5000", proxies,
			http.Header{"X-Forwarded-For": {"198.51.100.1"}}, "203.0.113.7"},
		{"behind one proxy", "10.0.0.2:5000", proxies,
			http.Header{"X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.1"},
		{"what the client wrote to the left is not believed", "10.0.0.2:5000", proxies,
			http.Header{"X-Forwarded-For": {"1.2.3.4, 5.6.7.8, 198.51.100.1"}}, "198.51.100.1"},
		{"the right-most untrusted, past a chain of proxies", "10.0.0.2:5000", proxies,
			http.Header{"X-Forwarded-For": {"1.2.3.4, 198.51.100.1", "10.0.0.9"}}, "198.51.100.1"},
		{"a trusted peer without headers is the client", "10.0.0.2:5000", proxies, http.Header{}, "10.0.0.2"},
		{"all hops trusted: the left-most", "10.0.0.2:5000", proxies,
			http.Header{"X-Forwarded-For": {"10.1.1.1, 10.0.0.9"}}, "10.1.1.1"},
		{"a garbled hop stops at the proxy that passed it", "10.0.0.2:5000", proxies,
			http.Header{"X-Forwarded-For": {"198.51.100.1, not-an-ip"}}, "10.0.0.2"},
		{"Forwarded, with ports and IPv6", "[2001:db8::1]:443", proxies,
			http.Header{"Forwarded": {`for=1.2.3.4, for="[2001:db8:cafe::17]:4711";proto=https, For="198.51.100.9:80";by=10.0.0.2`}}, "198.51.100.9"},
		{"Forwarded: an unknown hop is not an address", "10.0.0.2:5000", proxies,
			http.Header{"Forwarded": {"for=198.51.100.1, for=unknown"}}, "10.0.0.2"},
		{"X-Forwarded-For wins over Forwarded", "10.0.0.2:5000", proxies,
			http.Header{"X-Forwarded-For": {"198.51.100.1"}, "Forwarded": {"for=198.51.100.2"}}, "198.51.100.1"},
		{"IPv4-mapped addresses count as IPv4", "[::ffff:10.0.0.2]:5000", proxies,
			http.Header{"X-Forwarded-For": {"::ffff:198.51.100.1"}}, "198.51.100.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: c.peer, Header: c.header}
			if got := reqctx.ClientAddress(r, c.trusted); got != c.want {
				t.Errorf("ClientAddress = %s, want %s", got, c.want)
			}
		})
	}
}
