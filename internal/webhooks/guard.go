package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Policy says which addresses endpoints may reach (SSRF): a partner's URL
// must not make the server call into its own network. Production refuses
// loopback, private, link-local and other non-public addresses unless
// TEZ_WEBHOOK_ALLOW_PRIVATE=true; development allows loopback, for tests.
type Policy struct {
	AllowLoopback bool
	AllowPrivate  bool
}

// PolicyFor is the policy of the environment.
func PolicyFor(production, allowPrivate bool) Policy {
	return Policy{AllowLoopback: !production || allowPrivate, AllowPrivate: allowPrivate}
}

// cgnat is shared address space (RFC 6598), private in all but name.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// refusal says why ip may not be reached; "" when it may.
func (p Policy) refusal(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		if !p.AllowLoopback {
			return "a loopback address"
		}
	case ip.IsUnspecified(), ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "not a unicast address"
	case ip.IsPrivate(), ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), cgnat.Contains(ip):
		if !p.AllowPrivate {
			return "a private or link-local address"
		}
	}
	return ""
}

// ErrRefusedAddress says an endpoint resolves to an address the policy
// refuses.
var ErrRefusedAddress = errors.New("refused address")

// CheckURL accepts an endpoint URL: http or https, a host, no user
// information, and every address the host resolves to allowed. Delivery
// checks again at each dial (DNS may answer differently later).
func (p Policy) CheckURL(ctx context.Context, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return nil, fmt.Errorf("not a URL: %w", err)
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, errors.New("the URL must start with https:// (or http://)")
	case u.Hostname() == "":
		return nil, errors.New("the URL has no host")
	case u.User != nil:
		return nil, errors.New("the URL must not carry a user or password")
	case len(u.String()) > 2000:
		return nil, errors.New("the URL is longer than 2000 characters")
	}
	u.Fragment = ""
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname())
	if err != nil {
		return nil, fmt.Errorf("%s does not resolve: %w", u.Hostname(), err)
	}
	for _, ip := range ips {
		if why := p.refusal(ip); why != "" {
			return nil, fmt.Errorf("%w: %s resolves to %s, %s (TEZ_WEBHOOK_ALLOW_PRIVATE=true allows it)", ErrRefusedAddress, u.Hostname(), ip, why)
		}
	}
	return u, nil
}

// Client posts events: a timeout, no proxy, no redirects followed (a
// redirect is an answer that is not 2xx), and the policy checked on the
// address actually dialed, after resolution, so a name that resolves to a
// public address at add time and to a private one later (DNS rebinding)
// is still refused.
func (p Policy) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrRefusedAddress, address)
		}
		if why := p.refusal(ap.Addr()); why != "" {
			return fmt.Errorf("%w: %s is %s", ErrRefusedAddress, ap.Addr(), why)
		}
		return nil
	}}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
