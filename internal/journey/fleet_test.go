package journey

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/fleet"
)

// startFleet runs three `tez serve` processes, real binaries, on the
// shop's database, behind Debian's HAProxy configured from the template
// docs/operations.md shows. It skips, saying so, when HAProxy is missing.
func (s *shop) startFleet(env ...string) *fleet.Fleet {
	s.t.Helper()
	o := fleet.Options{Binary: tezPath(s.t), Servers: 3, Env: append([]string{
		"DATABASE_URL=" + s.api.DSN, "TEZ_LOG_LEVEL=error", "TEZ_TRUSTED_PROXIES=127.0.0.1/32",
		// One secret for all: a payment page one server shows is approved on another.
		"TEZ_SANDBOX_SECRET=fleet-journey-sandbox"}, env...)}
	lb, err := fleet.FreeAddr()
	if err != nil {
		s.t.Fatal(err)
	}
	o.Listen = lb
	o.Env = append(o.Env, "TEZ_PUBLIC_URL=http://"+lb)
	f, err := fleet.Start(context.Background(), o)
	if errors.Is(err, fleet.ErrNoHAProxy) {
		s.t.Skip(err)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(f.Stop)
	return f
}

// at is the shop as reached at base (one server of several, or their
// balancer): the same database, mail and journeys.
func (s *shop) at(base string) *shop {
	return &shop{t: s.t, api: s.api.At(base), sink: s.sink, read: map[string]int{}}
}

// on is the customer, signed in as they are, using the shop at base.
func (c *customer) on(s *shop) *customer {
	d := *c
	d.shop = s
	return &d
}

// servedBy is the server HAProxy sent a request to.
func servedBy(res apitest.Response) string { return res.Header.Get("X-Served-By") }

// An operator runs three servers on one database behind HAProxy. A
// customer signs in on one and carries on on the others; a partner's rate
// limit and a sign-in throttle count across all three; a live screen on one
// hears a top-up paid through another; persisted queries are known to all
// with REDIS_URL (and retried without it).
func TestThreeServersBehindHAProxy(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	f := s.startFleet()
	lb := s.at(f.URL)
	one, two, three := s.at(f.Servers[0].URL), s.at(f.Servers[1].URL), s.at(f.Servers[2].URL)

	t.Run("sign in on one, use on another", func(t *testing.T) {
		demo := one.demoCustomer()
		numbers := demo.on(two).myNumbers()
		if len(numbers) == 0 {
			t.Fatal("My numbers on the second server is empty for the session the first opened")
		}
		if got := demo.on(three).myNumbers(); len(got) != len(numbers) {
			t.Errorf("the third server shows %d numbers, the second %d", len(got), len(numbers))
		}
		seen := map[string]bool{}
		for range 6 {
			res := demo.on(lb).do(`{ me { email } }`, nil)
			if len(res.Errors) > 0 {
				t.Fatalf("through the balancer: %+v", res.Errors)
			}
			seen[servedBy(res)] = true
		}
		if len(seen) != 3 {
			t.Errorf("six requests through the balancer reached %v, want all three servers", seen)
		}
	})

	t.Run("a partner's rate limit holds across the three", func(t *testing.T) {
		// Three requests at once, then one a second: each server alone
		// would let 3 through, 9 in all.
		_, key := s.api.Reseller("fleet partner", 1, 3, 0)
		iccid := lb.demoCustomer().myNumbers()[0].ICCID // a customer's SIM, not the partner's
		started := time.Now()
		allowed, refusedBy := 0, map[string]bool{}
		for i := range 9 {
			res := lb.api.Do(apitest.Request{Query: `query($i: [ICCID!]!) { resellerSimCards(iccids: $i) { notFound } }`,
				Variables: map[string]any{"i": []string{iccid}}, Token: key})
			switch {
			case res.Status == http.StatusOK && len(res.Errors) == 0:
				allowed++
			case res.Status == http.StatusTooManyRequests && len(res.Errors) == 1 && res.Errors[0].Extensions["code"] == "RATE_LIMITED":
				refusedBy[servedBy(res)] = true
			default:
				t.Fatalf("request %d: status %d, errors %+v", i+1, res.Status, res.Errors)
			}
		}
		// The bucket refills one a second while the nine go out.
		most := 3 + int(time.Since(started)/time.Second) + 1
		if allowed > most || len(refusedBy) != 3 {
			t.Errorf("allowed %d of 9 (at most %d for one bucket), refused by %v (want all three servers)", allowed, most, refusedBy)
		}
	})

	t.Run("a sign-in throttle holds across the three", func(t *testing.T) {
		ana := lb.signUp("ana.fleet@example.com", "correct horse 7", "Ana Fleet")
		var codes []string
		for range 6 { // two on each server: under the 5 a server alone allows
			got := ana.signIn("wrong password 1")
			codes = append(codes, got.UserErrors[0].Code)
		}
		want := "INVALID_CREDENTIALS INVALID_CREDENTIALS INVALID_CREDENTIALS INVALID_CREDENTIALS INVALID_CREDENTIALS TOO_MANY_ATTEMPTS"
		if strings.Join(codes, " ") != want {
			t.Errorf("six wrong passwords through the balancer answered %v, want %s", codes, want)
		}
		for _, srv := range []*shop{one, two, three} {
			if got := ana.on(srv).signIn("correct horse 7"); got.Token != nil || got.UserErrors[0].Code != "TOO_MANY_ATTEMPTS" {
				t.Errorf("the right password on %s while throttled: %+v", srv.api.URL, got)
			}
		}
	})

	t.Run("a persisted query registered on one", func(t *testing.T) {
		// A text of this run's own: its hash was never registered before.
		query := fmt.Sprintf("query Fleet%d { products(first: 1) { edges { node { sku } } } }", time.Now().UnixNano())
		if got := persisted(t, one.api.URL, query, true); got != "" {
			t.Fatalf("registering on the first server: %s", got)
		}
		// Without a shared cache the second server asks for the text, and
		// the client (Apollo's persisted-query link) sends it once more.
		if got := persisted(t, two.api.URL, query, false); got != "PERSISTED_QUERY_NOT_FOUND" {
			t.Errorf("the hash alone on the second server, without Redis: %q, want PERSISTED_QUERY_NOT_FOUND", got)
		}
		if got := persisted(t, two.api.URL, query, true); got != "" {
			t.Errorf("the retry with the text: %s", got)
		}
		redisURL := reachableRedis(t)
		if redisURL == "" {
			return
		}
		shared := s.startFleet("REDIS_URL=" + redisURL)
		query += " # shared"
		if got := persisted(t, shared.Servers[0].URL, query, true); got != "" {
			t.Fatalf("registering with REDIS_URL: %s", got)
		}
		for _, srv := range shared.Servers[1:] {
			if got := persisted(t, srv.URL, query, false); got != "" {
				t.Errorf("the hash alone on %s with REDIS_URL: %q, want the answer", srv.Name, got)
			}
		}
	})

	t.Run("a live screen on one hears a top-up paid through another", func(t *testing.T) {
		demo := one.demoCustomer()
		sim := demo.myNumbers()[0]
		screen := demo.openLiveScreen(sim.ICCID)
		one.awaitMetric("tez_live_subscriptions", 1)

		buyer := demo.on(two)
		order := buyer.buyVoucher("TOPUP-10", sim.ICCID)
		buyer.on(lb).pay(order.ID, "", "Approve") // the sandbox page, through the balancer
		want := plus(t, sim.Balance, "10.00")
		if got := screen.next(); got.ICCID != sim.ICCID || got.Balance != want {
			t.Errorf("the screen on the first server shows %+v, want %s at %s", got, sim.ICCID, want)
		}
	})
}

// persisted sends query as Apollo's automatic persisted queries do: its
// SHA-256 in extensions, with the text (withText) or alone. It answers the
// error code, or "" for data without errors.
func persisted(t *testing.T, base, query string, withText bool) string {
	t.Helper()
	sum := sha256.Sum256([]byte(query))
	body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}}
	if withText {
		body["query"] = query
	}
	raw, _ := json.Marshal(body)
	res, err := http.Post(base+"/graphql", "application/json", strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out apitest.Response
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("%s: not JSON: %v", base, err)
	}
	if len(out.Errors) > 0 {
		code, _ := out.Errors[0].Extensions["code"].(string)
		return code
	}
	if len(out.Data) == 0 {
		return "no data"
	}
	return ""
}

// reachableRedis answers TEST_REDIS_URL, or the local Redis when one answers at
// 127.0.0.1:6379; else "" after saying the shared-cache case is skipped.
// The project does not need Redis: only this case uses it.
func reachableRedis(t *testing.T) string {
	u := os.Getenv("TEST_REDIS_URL")
	if u == "" {
		u = "redis://127.0.0.1:6379/0"
	}
	parsed, err := url.Parse(u)
	if err == nil {
		var c net.Conn
		if c, err = net.DialTimeout("tcp", parsed.Host, time.Second); err == nil {
			c.Close()
			return u
		}
	}
	t.Logf("no Redis at %s (%v): the case of persisted queries shared through REDIS_URL is skipped", u, err)
	return ""
}

// One of three servers is killed with SIGKILL under load. Queries sent as
// GET in flight on it are retried by HAProxy on another; POSTs in flight on
// it fail (HAProxy does not replay what may be a mutation); nothing sent
// after the kill fails, and HAProxy's health checks take it out.
func TestAServerKilledBehindHAProxy(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	f := s.startFleet()
	demo := s.at(f.URL).demoCustomer()
	sim := demo.myNumbers()[0]
	victim := f.Servers[1]

	load := &mixedLoad{url: f.URL, token: demo.Token, simID: sim.ID}
	load.start(8)
	load.awaitServed(map[string]int{"tez1": 20, "tez2": 20, "tez3": 20}) // each in use
	killStart := time.Now()
	if err := victim.Kill(); err != nil {
		t.Fatal(err)
	}
	killEnd := time.Now()
	if err := f.AwaitState(context.Background(), victim.Name, "DOWN"); err != nil {
		t.Error(err)
	}
	downAt := time.Now()
	load.awaitServed(map[string]int{"tez1": 100, "tez3": 100}) // and going on without it
	reqs := load.stop()

	inFlight, failed, failedGET, failedAfter, servedByVictimAfter, after := 0, 0, 0, 0, 0, 0
	for _, r := range reqs {
		atKill := r.start.Before(killEnd) && r.end.After(killStart)
		if atKill {
			inFlight++
		}
		if r.start.After(killEnd) {
			after++
		}
		if r.err != "" {
			failed++
			if r.method == http.MethodGet {
				failedGET++
			}
			if !atKill {
				failedAfter++
				t.Errorf("a %s sent %s after the kill failed: %s", r.method, r.start.Sub(killEnd), r.err)
			}
		}
		if r.start.After(downAt) && r.server == victim.Name {
			servedByVictimAfter++
		}
	}
	t.Logf("%d requests, %d after the kill; %d in flight at the kill, %d failed (GET: %d)", len(reqs), after, inFlight, failed, failedGET)
	if failed > inFlight || failedAfter > 0 || failedGET > 0 {
		t.Errorf("%d failed (%d GETs, %d sent after the kill); at most the %d POSTs in flight may", failed, failedGET, failedAfter, inFlight)
	}
	if servedByVictimAfter > 0 {
		t.Errorf("%d requests reached the killed server after HAProxy marked it DOWN", servedByVictimAfter)
	}
}

// mixedLoad is customers using the service through the balancer: each
// worker alternates a query sent as GET (the dashboard's list of numbers)
// and a mutation (renaming a SIM) sent as POST, and records each request.
type mixedLoad struct {
	url, token, simID string

	mu     sync.Mutex
	reqs   []loadRequest
	served map[string]int
	stopCh chan struct{}
	wg     sync.WaitGroup
}

type loadRequest struct {
	method, server, err string
	start, end          time.Time
}

func (l *mixedLoad) start(workers int) {
	l.served, l.stopCh = map[string]int{}, make(chan struct{})
	client := &http.Client{Timeout: 20 * time.Second}
	for w := range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-l.stopCh:
					return
				default:
				}
				r := l.send(client, (i+w)%2 == 0, i)
				l.mu.Lock()
				l.reqs = append(l.reqs, r)
				if r.err == "" {
					l.served[r.server]++
				}
				l.mu.Unlock()
			}
		}()
	}
}

func (l *mixedLoad) send(client *http.Client, get bool, i int) loadRequest {
	var req *http.Request
	if get {
		req, _ = http.NewRequest(http.MethodGet, l.url+"/graphql?query="+url.QueryEscape(`{ me { simCards { iccid balance { amount } } } }`), nil)
	} else {
		body, _ := json.Marshal(map[string]any{"query": `mutation($in: SimCardUpdateInput!) { simCardUpdate(input: $in) { userErrors { code } } }`,
			"variables": map[string]any{"in": map[string]any{"id": l.simID, "label": fmt.Sprintf("Phone %d", i%10)}}})
		req, _ = http.NewRequest(http.MethodPost, l.url+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+l.token)
	r := loadRequest{method: req.Method, start: time.Now()}
	res, err := client.Do(req)
	if err != nil {
		r.end, r.err = time.Now(), err.Error()
		return r
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	r.end, r.server = time.Now(), res.Header.Get("X-Served-By")
	var out struct {
		Data   json.RawMessage
		Errors []json.RawMessage
	}
	switch {
	case err != nil:
		r.err = err.Error()
	case res.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil || len(out.Errors) > 0 || len(out.Data) == 0:
		r.err = fmt.Sprintf("status %d: %.200s", res.StatusCode, raw)
	}
	return r
}

// awaitServed waits until each named server has answered so many more
// requests (successfully) than it had when called.
func (l *mixedLoad) awaitServed(more map[string]int) {
	l.mu.Lock()
	want := map[string]int{}
	for name, n := range more {
		want[name] = l.served[name] + n
	}
	l.mu.Unlock()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		l.mu.Lock()
		done := true
		for name, n := range want {
			done = done && l.served[name] >= n
		}
		l.mu.Unlock()
		if done {
			return
		}
	}
}

func (l *mixedLoad) stop() []loadRequest {
	close(l.stopCh)
	l.wg.Wait()
	return l.reqs
}
