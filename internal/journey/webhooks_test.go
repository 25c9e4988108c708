package journey

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/webhooks"
)

// receiver is a partner's webhook endpoint: a real HTTP server that checks
// each delivery the way docs/webhooks.md tells partners to (signature over
// the raw body, five-minute replay window, drop an id already seen) and
// keeps the events it accepted. Its first failFirst deliveries it answers
// 503, as an endpoint that is down.
type receiver struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	secret    string
	failFirst int
	posts     int
	refused   []string
	seen      map[string]bool
	events    []partnerEvent
	raw       []string
}

// partnerEvent is a delivery's body as a partner decodes it.
type partnerEvent struct {
	ID, Type  string
	CreatedAt time.Time
	Data      struct {
		ICCID, Status string
		Balance       money
		BalanceAsOf   time.Time
	}
}

func (s *shop) receiver(failFirst int) *receiver {
	r := &receiver{t: s.t, failFirst: failFirst, seen: map[string]bool{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	s.t.Cleanup(r.srv.Close)
	return r
}

// verified is the partner's check, as docs/webhooks.md writes it.
func verified(secret string, header string, body []byte, now time.Time) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(body)))
	got, err := hex.DecodeString(sig)
	return err == nil && hmac.Equal(got, mac.Sum(nil))
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.posts++
	if r.posts <= r.failFirst {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if !verified(r.secret, req.Header.Get("Tez-Signature"), body, time.Now()) {
		r.refused = append(r.refused, string(body))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var ev partnerEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if !r.seen[ev.ID] {
		r.seen[ev.ID] = true
		r.events = append(r.events, ev)
		r.raw = append(r.raw, string(body))
	}
	w.WriteHeader(http.StatusNoContent)
}

// await waits for an accepted event of typ about iccid.
func (r *receiver) await(typ, iccid string) (partnerEvent, string) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for i, e := range r.events {
			if e.Type == typ && e.Data.ICCID == iccid {
				r.mu.Unlock()
				return e, r.raw[i]
			}
		}
		r.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.t.Fatalf("no %s event about %s; got %+v (refused %d)", typ, iccid, r.events, len(r.refused))
	return partnerEvent{}, ""
}

// webhooks is the service `tez reseller webhook …` runs, in development.
func (s *shop) webhooks() *webhooks.Service {
	sealer, err := webhooks.NewSealer("", false)
	if err != nil {
		s.t.Fatal(err)
	}
	return webhooks.NewService(store.New(s.api.DB), sealer, webhooks.PolicyFor(false, false))
}

// addWebhook is `tez reseller webhook add`: the receiver keeps the secret
// it prints.
func (r *partner) addWebhook(to *receiver, events []string, lowBalance string) store.WebhookEndpoint {
	r.shop.t.Helper()
	e, secret, err := r.shop.webhooks().Add(context.Background(), r.Name, to.srv.URL+"/tez", events, lowBalance)
	if err != nil {
		r.shop.t.Fatalf("tez reseller webhook add: %v", err)
	}
	to.mu.Lock()
	to.secret = secret
	to.mu.Unlock()
	return e
}

// A partner registers an endpoint; a SIM it sold runs out of balance and
// is suspended; the endpoint receives a signed sim.suspended about it with
// the reseller view's fields only, verifies it, and hears of the top-up
// that brings it back. Another SIM's changes never reach it.
func TestPartnerReceivesSignedSuspension(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.api.DeliverWebhooks(50 * time.Millisecond)
	demo := s.demoCustomer()
	sims := demo.myNumbers()
	sold, other := sims[0], sims[1]
	globe := s.partner("Globe Roam")
	globe.assign(sold.ICCID)
	hook := s.receiver(0)
	globe.addWebhook(hook, []string{webhooks.SIMSuspended, webhooks.SIMReactivated}, "")

	left := demo.simWithDebt(sold.ICCID).Balance
	s.spend(sold.ICCID, 0, cents(t, left)+250) // 2.50 more than is left
	s.spend(other.ICCID, 0, 1_000_000)         // the partner did not sell this one
	ev, raw := hook.await(webhooks.SIMSuspended, sold.ICCID)
	if ev.Data.Status != "SUSPENDED" || ev.Data.Balance != (money{"0.00", "USD"}) || !strings.HasPrefix(ev.ID, "evt_") ||
		time.Since(ev.Data.BalanceAsOf) > time.Minute || time.Since(ev.CreatedAt) > time.Minute {
		t.Errorf("sim.suspended = %+v", ev)
	}
	var fields map[string]map[string]any
	json.Unmarshal([]byte(raw), &fields)
	if len(fields["data"]) != 4 || strings.Contains(raw, demo.Email) || strings.Contains(raw, "Demo") {
		t.Errorf("the event carries more than the reseller view: %s", raw)
	}

	s.ledgerAdjust(sold.ICCID, "10.00")
	back, _ := hook.await(webhooks.SIMReactivated, sold.ICCID)
	if back.Data.Status != "ACTIVE" || back.Data.Balance != (money{"7.50", "USD"}) {
		t.Errorf("sim.reactivated = %+v, want ACTIVE with 7.50 USD (10.00 less the 2.50 owed)", back)
	}
	hook.mu.Lock()
	defer hook.mu.Unlock()
	for _, e := range hook.events {
		if e.Data.ICCID != sold.ICCID {
			t.Errorf("the partner heard of a SIM it did not sell: %+v", e)
		}
	}
	if len(hook.refused) > 0 {
		t.Errorf("deliveries failed the partner's verification: %q", hook.refused)
	}
}

// An endpoint that is down gets the event again, with backoff, until it
// answers 2xx; every attempt is recorded, and the event keeps its id.
func TestFailingWebhookIsRetried(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	s.api.DeliverWebhooks(50 * time.Millisecond)
	demo := s.demoCustomer()
	sim := demo.myNumbers()[0]
	globe := s.partner("Globe Roam")
	globe.assign(sim.ICCID)
	hook := s.receiver(2)
	globe.addWebhook(hook, nil, "2.00")

	s.ledgerAdjust(sim.ICCID, "10.00")
	left := demo.simWithDebt(sim.ICCID).Balance
	s.spend(sim.ICCID, 0, cents(t, left)-150) // 1.50 left: below the partner's 2.00
	ev, _ := hook.await(webhooks.BalanceLow, sim.ICCID)
	if ev.Data.Balance != (money{"1.50", "USD"}) {
		t.Errorf("balance.low = %+v, want 1.50 USD", ev)
	}
	// The endpoint has answered; the worker records it just after.
	rows, err := s.webhooks().Deliveries(context.Background(), globe.Name, false, 10)
	for deadline := time.Now().Add(10 * time.Second); err == nil && len(rows) == 1 && rows[0].State == "sending" && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		rows, err = s.webhooks().Deliveries(context.Background(), globe.Name, false, 10)
	}
	if err != nil || len(rows) != 1 || rows[0].ID != ev.ID || rows[0].State != "delivered" || rows[0].Attempts != 3 ||
		rows[0].LastStatus == nil || *rows[0].LastStatus != 204 {
		t.Fatalf("tez reseller webhook deliveries = %+v, %v; want %s delivered at the third attempt", rows, err, ev.ID)
	}
	var codes []int
	if err := s.api.DB.Select(&codes, `SELECT status_code FROM webhook_attempts WHERE event_id = $1 ORDER BY id`, ev.ID); err != nil ||
		len(codes) != 3 || codes[0] != 503 || codes[1] != 503 || codes[2] != 204 {
		t.Errorf("attempts recorded = %v, %v; want 503, 503, 204", codes, err)
	}
	hook.mu.Lock()
	posts := hook.posts
	hook.mu.Unlock()
	if posts != 3 {
		t.Errorf("the endpoint was posted %d times, want 3", posts)
	}
}
