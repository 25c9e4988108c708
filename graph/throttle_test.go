package graph_test

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
)

// loginFailures reads tez_login_failures_total{reason} from /metrics.
func loginFailures(t *testing.T, api *apitest.API, reason string) int {
	t.Helper()
	_, _, body := api.Get("/metrics", nil)
	m := regexp.MustCompile(`tez_login_failures_total\{reason="` + reason + `"\} (\d+)`).FindStringSubmatch(body)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// concurrently runs n calls of f at once and counts the answers' codes.
func concurrently(n int, f func(i int) string) map[string]int {
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = f(i)
		}()
	}
	wg.Wait()
	count := map[string]int{}
	for _, c := range codes {
		count[c]++
	}
	return count
}

func firstCode(p authPayload) string {
	if p.Token != nil {
		return "SIGNED_IN"
	}
	if len(p.UserErrors) == 0 {
		return "NONE"
	}
	return p.UserErrors[0].Code
}

// Twenty guesses sent at once: the attempt is taken before the hash, so
// exactly the limit of them are checked against the password.
func TestConcurrentGuessesHashOnlyTheLimit(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	register(t, api, "raced@x.example", "correct horse battery")
	got := concurrently(20, func(i int) string {
		return firstCode(login(t, api, "raced@x.example", fmt.Sprintf("guess number %d", i), nil))
	})
	if hashed := loginFailures(t, api, "credentials"); hashed != 5 {
		t.Errorf("%d guesses were checked against the password, want exactly 5 (answers %v)", hashed, got)
	}
	if refused := loginFailures(t, api, "throttled"); refused != 15 {
		t.Errorf("%d guesses were refused unchecked, want 15", refused)
	}
	if got["INVALID_CREDENTIALS"] != 5 || got["TOO_MANY_ATTEMPTS"] != 15 {
		t.Errorf("answers %v, want 5 checked (INVALID_CREDENTIALS) and 15 refused unchecked (TOO_MANY_ATTEMPTS)", got)
	}

	t.Run("passwordChange's current password", func(t *testing.T) {
		session := *register(t, api, "stolen@x.example", "correct horse battery").Token
		got := concurrently(20, func(i int) string {
			p := changePassword(t, api, session, fmt.Sprintf("guess number %d", i), "a new secret of mine")
			if len(p.UserErrors) == 0 {
				return "CHANGED"
			}
			return p.UserErrors[0].Code
		})
		if got["INVALID_CREDENTIALS"] != 5 || got["TOO_MANY_ATTEMPTS"] != 15 {
			t.Errorf("answers %v, want 5 checked (INVALID_CREDENTIALS) and 15 refused unchecked (TOO_MANY_ATTEMPTS)", got)
		}
	})

	t.Run("the SIM code", func(t *testing.T) {
		_, guesser := api.Customer("guesser@x.example")
		target := stockSIM(t, api, 30, "RIGHT123")
		got := concurrently(20, func(i int) string {
			return codeOf(addSIM(t, api, guesser, target, fmt.Sprintf("WRONG%03d", i)))
		})
		if got["SIM_NOT_FOUND_OR_CODE_INVALID"] != 10 || got["TOO_MANY_ATTEMPTS"] != 10 {
			t.Errorf("answers %v, want 10 codes checked and 10 refused", got)
		}
	})
}

// However long an attacker keeps going, the throttle answers: its delay
// stops growing at a day instead of overflowing into an INTERNAL error.
func TestManyFailuresNeverAnswerInternal(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	register(t, api, "stubborn@x.example", "correct horse battery")
	for i := range 45 {
		// Each block is made to have just ended, as if the attacker waited.
		api.MustExec(`UPDATE throttles SET blocked_until = now() - interval '1 second'`)
		res := api.Do(apitest.Request{Query: `mutation { login(input: { email: "stubborn@x.example", password: "a wrong guess" }) { userErrors { code message } } }`})
		if len(res.Errors) > 0 {
			t.Fatalf("failure %d answered %+v, want a user error", i+1, res.Errors)
		}
	}
	var days int
	if err := api.DB.Get(&days, `SELECT max(extract(day FROM blocked_until - now()))::int FROM throttles`); err != nil {
		t.Fatal(err)
	}
	if days > 1 {
		t.Errorf("blocked for %d days, want at most one", days)
	}
}

// Without trusted proxies, X-Forwarded-For is the client's own words: a
// new value on every guess buys no new guesses.
func TestForwardedForIsIgnoredUnlessTrusted(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	register(t, api, "rotated@x.example", "correct horse battery")
	var last authPayload
	for i := range 6 {
		xff := map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i+1), "Forwarded": fmt.Sprintf("for=203.0.113.%d", i+1)}
		last = login(t, api, "rotated@x.example", "a wrong guess", xff)
	}
	if firstCode(last) != "TOO_MANY_ATTEMPTS" {
		t.Errorf("sixth guess from a 'new' forwarded address = %+v, want TOO_MANY_ATTEMPTS", last.UserErrors)
	}
}

// Behind a trusted balancer each client counts apart, what a client writes
// into the header itself proves nothing, and the account's own cap holds
// across every address.
func TestTrustedProxyAndTheAccountCap(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, func(c *config.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	register(t, api, "owner@x.example", "correct horse battery")
	from := func(addr string) map[string]string {
		return map[string]string{"X-Forwarded-For": addr}
	}

	for range 5 {
		login(t, api, "owner@x.example", "a wrong guess", from("198.51.100.1"))
	}
	if got := login(t, api, "owner@x.example", "correct horse battery", from("198.51.100.1")); firstCode(got) != "TOO_MANY_ATTEMPTS" {
		t.Errorf("the blocked address = %s, want TOO_MANY_ATTEMPTS", firstCode(got))
	}
	if got := login(t, api, "owner@x.example", "a wrong guess", from(fmt.Sprintf("10.9.9.9, %s", "198.51.100.1"))); firstCode(got) != "TOO_MANY_ATTEMPTS" {
		t.Errorf("a client-written hop in front of the blocked address = %s, want TOO_MANY_ATTEMPTS", firstCode(got))
	}
	if got := login(t, api, "owner@x.example", "correct horse battery", from("198.51.100.2")); got.Token == nil {
		t.Fatalf("the owner from a fresh address = %+v, want signed in", got.UserErrors)
	}

	// Guesses rotating over addresses fill the account's cap (20).
	for i := range 15 {
		login(t, api, "owner@x.example", "a wrong guess", from(fmt.Sprintf("198.51.100.%d", 10+i/5)))
	}
	if got := login(t, api, "owner@x.example", "correct horse battery", from("198.51.100.99")); firstCode(got) != "TOO_MANY_ATTEMPTS" {
		t.Errorf("the right password after 20 failures from many addresses = %s, want TOO_MANY_ATTEMPTS (the account is locked)", firstCode(got))
	}
	if got := login(t, api, "nobody@x.example", "a wrong guess", from("198.51.100.99")); firstCode(got) != "INVALID_CREDENTIALS" {
		t.Errorf("another email from the same address = %s, want INVALID_CREDENTIALS", firstCode(got))
	}
}
