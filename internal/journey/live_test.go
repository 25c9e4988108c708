package journey

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
)

// liveSIM is a simCardUpdated event as "My numbers" shows it.
type liveSIM struct {
	ICCID, Status string
	Balance       money
	BalanceAsOf   string
}

// screen is a customer's "My numbers" screen kept live: a WebSocket to the
// public endpoint speaking graphql-ws's protocol, signed in by the
// connection_init payload, subscribed with the shipped document.
type screen struct {
	t  *testing.T
	ws *apitest.LiveClient
}

func (c *customer) openLiveScreen(iccid string) *screen {
	c.shop.t.Helper()
	ws, _, err := apitest.DialLive(c.shop.t, c.shop.api.URL, nil)
	if err != nil {
		c.shop.t.Fatalf("open the live connection: %v", err)
	}
	ws.Init(c.Token)
	ws.Expect("connection_ack")
	ws.Subscribe("my-numbers", documents.Get("sim-card-updated.graphql"), map[string]any{"iccid": iccid})
	return &screen{t: c.shop.t, ws: ws}
}

// next is the next state the screen shows.
func (s *screen) next() liveSIM {
	s.t.Helper()
	m := s.ws.Expect("next")
	var p struct {
		Data   struct{ SimCardUpdated liveSIM }
		Errors []apitest.Error
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 {
		s.t.Fatalf("event %s: %v %+v", m.Payload, err, p.Errors)
	}
	return p.Data.SimCardUpdated
}

// The customer keeps "My numbers" open; support credits one of the SIMs
// with `tez ledger adjust`, a process of its own on the same database; the
// new balance reaches the open screen without a reload, and agrees with
// what a reload shows.
func TestMyNumbersShowsALiveBalanceChange(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	c := s.demoCustomer()
	sim := c.myNumbers()[0]
	screen := c.openLiveScreen(sim.ICCID)
	// The subscription is in place once its connection counts (no event
	// comes before a change, so this is how a test knows it may change).
	s.awaitMetric("tez_live_subscriptions", 1)

	out := s.tez("ledger", "adjust", "--iccid", sim.ICCID, "--amount", "5.00", "--reason", "Sorry for the outage")
	if !strings.Contains(out, "balance after") {
		t.Fatalf("tez ledger adjust said %q", out)
	}
	want := plus(t, sim.Balance, "5.00")
	got := screen.next()
	if got.ICCID != sim.ICCID || got.Balance != want || got.BalanceAsOf == "" {
		t.Errorf("the open screen shows %+v, want %s at %s", got, sim.ICCID, want)
	}
	for _, n := range c.myNumbers() {
		if n.ICCID == sim.ICCID && n.Balance != got.Balance {
			t.Errorf("a reload shows %s, the live screen %s", n.Balance, got.Balance)
		}
	}
}

// awaitMetric waits (at most 10 s) until the server's /metrics shows series
// at least at min.
func (s *shop) awaitMetric(series string, min float64) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.api.Metric(series) < min {
		if time.Now().After(deadline) {
			s.t.Fatalf("/metrics: %s stayed below %v", series, min)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
