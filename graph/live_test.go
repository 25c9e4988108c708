package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/store"
)

const simUpdated = `subscription($i: ICCID) { simCardUpdated(iccid: $i) { iccid status balance { amount } balanceAsOf } }`

// update is a simCardUpdated event as a client decodes it.
type update struct {
	ICCID, Status string
	Balance       struct{ Amount string }
}

func decodeUpdate(t *testing.T, m apitest.LiveMessage) update {
	t.Helper()
	var p struct {
		Data   struct{ SimCardUpdated update }
		Errors []apitest.Error
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 {
		t.Fatalf("event %s: %v %+v", m.Payload, err, p.Errors)
	}
	return p.Data.SimCardUpdated
}

// adjust changes a SIM's balance as `tez ledger adjust` does: through the
// ledger, on a connection of its own; the server hears it only through
// PostgreSQL's NOTIFY.
func adjust(t *testing.T, api *apitest.API, iccid, amount string) {
	t.Helper()
	if _, err := ledger.New(store.New(api.DB), ledger.Options{}).Adjust(context.Background(), iccid, amount, "test", ""); err != nil {
		t.Fatalf("adjust %s by %s: %v", iccid, amount, err)
	}
}

// subscribed waits (at most 10 s) until the server has registered n
// subscriptions: graphql-ws does not acknowledge a subscribe, and a change
// committed before the server registers it is not heard.
func subscribed(api *apitest.API, n float64) {
	for deadline := time.Now().Add(10 * time.Second); api.Metric("tez_live_subscriptions") < n && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
}

// A subscription to one SIM hears only that SIM; one without an ICCID
// hears every SIM of the account; each event is the SIM's state after the
// change; and /metrics counts the connection and the events.
func TestSimCardUpdatedDeliversLedgerChanges(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "live@x.example", 2, 0, 0)
	one, two := a.iccids[0], a.iccids[1]
	c := api.Connect(a.token)
	c.Subscribe("one", simUpdated, map[string]any{"i": one})
	c.Subscribe("all", simUpdated, nil)
	subscribed(api, 2)
	if got := api.Metric("tez_live_connections"); got != 1 {
		t.Errorf("tez_live_connections = %v, want 1", got)
	}

	adjust(t, api, one, "2.50")
	got := map[string]update{}
	for range 2 {
		m := c.Expect("next")
		got[m.ID] = decodeUpdate(t, m)
	}
	for _, id := range []string{"one", "all"} {
		if u := got[id]; u.ICCID != one || u.Balance.Amount != "12.50" || u.Status != "ACTIVE" {
			t.Errorf("%s heard %+v, want %s at 12.50", id, u, one)
		}
	}

	// The other SIM: only the subscription to all of them hears it.
	adjust(t, api, two, "-1.00")
	m := c.Expect("next")
	if u := decodeUpdate(t, m); m.ID != "all" || u.ICCID != two || u.Balance.Amount != "9.01" {
		t.Errorf("after the second SIM's change: %s heard %+v, want all to hear %s at 9.01", m.ID, u, two)
	}
	adjust(t, api, one, "1.00")
	for range 2 {
		if m := c.Expect("next"); decodeUpdate(t, m).ICCID != one {
			t.Errorf("%s heard %s, want %s: the subscription to one SIM heard another", m.ID, m.Payload, one)
		}
	}
	if got := api.Metric("tez_live_events_sent_total"); got != 5 {
		t.Errorf("tez_live_events_sent_total = %v, want 5", got)
	}

	// complete stops a subscription; the other goes on.
	c.Send(map[string]any{"id": "all", "type": "complete"})
	for deadline := time.Now().Add(10 * time.Second); api.Metric("tez_live_subscriptions") > 1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if m := c.Expect("complete"); m.ID != "all" {
		t.Errorf("complete for %q, want all", m.ID)
	}
	adjust(t, api, two, "1.00")
	adjust(t, api, one, "1.00")
	if m := c.Expect("next"); m.ID != "one" || decodeUpdate(t, m).Balance.Amount != "14.50" {
		t.Errorf("after complete: %s %s, want only one's event at 14.50", m.ID, m.Payload)
	}
}

// Another customer's ICCID answers exactly like one that does not exist,
// and never hears a change.
func TestSimCardUpdatedForeignICCIDAnswersLikeAMissingOne(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	owner := newAccount(t, api, "owner@x.example", 1, 0, 0)
	prober := newAccount(t, api, "prober@x.example", 1, 0, 0)
	missing := "8999709999999999990"
	c := api.Connect(prober.token)
	answer := func(id, iccid string) string {
		c.Subscribe(id, simUpdated, map[string]any{"i": iccid})
		m, ok := c.Next()
		if !ok {
			t.Fatalf("the socket closed on %s", iccid)
		}
		errs := m.Errors()
		if len(errs) != 1 || errs[0].Code() != "NOT_FOUND" {
			t.Fatalf("subscribing to %s: %s %s, want one NOT_FOUND", iccid, m.Type, m.Payload)
		}
		c.Expect("complete")
		return m.Type + " " + strings.ReplaceAll(string(m.Payload), iccid, "ICCID")
	}
	foreign, none := answer("foreign", owner.iccids[0]), answer("missing", missing)
	if foreign != none {
		t.Errorf("a foreign ICCID answers %q, a missing one %q: they must not differ", foreign, none)
	}
	// Its own subscription to all SIMs never hears the owner's SIM.
	c.Subscribe("all", simUpdated, nil)
	subscribed(api, 1)
	adjust(t, api, owner.iccids[0], "5.00")
	adjust(t, api, prober.iccids[0], "1.00")
	for {
		m := c.Expect("next")
		if m.ID == "all" {
			if u := decodeUpdate(t, m); u.ICCID != prober.iccids[0] {
				t.Fatalf("the prober heard another customer's SIM: %+v", u)
			}
			break
		}
	}
}

// Without credentials, with a garbled or a partner's token, the socket is
// closed at connection_init with a 44xx code and the error's code.
func TestLiveConnectionNeedsACustomerToken(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, key := api.Reseller("Live Prober", 100, 100, 0)
	for name, c := range map[string]struct {
		token string
		code  int
		want  string
	}{
		"no token":      {"", 4401, "UNAUTHENTICATED"},
		"garbled token": {"not-a-token", 4401, "UNAUTHENTICATED"},
		"a partner key": {key, 4403, "FORBIDDEN"},
	} {
		t.Run(name, func(t *testing.T) {
			ws, _, err := apitest.DialLive(t, api.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			ws.Init(c.token)
			if m, ok := ws.Next(); ok {
				t.Fatalf("the server answered %s %s, want the socket closed", m.Type, m.Payload)
			}
			if ce := <-ws.Closed; int(ce.Code) != c.code || !strings.HasPrefix(ce.Reason, c.want+": ") {
				t.Errorf("closed with %d %q, want %d and %s", ce.Code, ce.Reason, c.code, c.want)
			}
		})
	}
	// Subscribing before connection_init is a protocol error too.
	ws, _, err := apitest.DialLive(t, api.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.Subscribe("1", simUpdated, nil)
	if m, ok := ws.Next(); ok {
		t.Fatalf("a subscribe before connection_init answered %s %s", m.Type, m.Payload)
	}
}

// Signing out closes the session's subscriptions with UNAUTHENTICATED,
// then the socket; another session's connection carries on.
func TestLiveSubscriptionsEndWithTheSession(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "signout@x.example", 1, 0, 0)
	c := api.Connect(a.token)
	c.Subscribe("1", simUpdated, nil)
	subscribed(api, 1)
	adjust(t, api, a.iccids[0], "1.00") // the subscription is live
	c.Expect("next")

	res := api.Do(apitest.Request{Query: `mutation { logout { userErrors { message } } }`, Token: a.token})
	if len(res.Errors) > 0 {
		t.Fatalf("logout: %+v", res.Errors)
	}
	m := c.Expect("error")
	if errs := m.Errors(); m.ID != "1" || len(errs) != 1 || errs[0].Code() != "UNAUTHENTICATED" {
		t.Errorf("after logout: %s %s, want the subscription's UNAUTHENTICATED error", m.ID, m.Payload)
	}
	if _, ok := c.Next(); ok {
		t.Error("the socket stayed open after the session ended")
	}
	if res := api.Do(apitest.Request{Query: `{ me { id } }`, Token: a.token}); string(res.Data) != `{"me":null}` {
		t.Errorf("the token still works over HTTP: %s", res.Data)
	}
}

// A WebSocket from a browser origin the CORS rules do not allow is refused
// before the upgrade; an allowed one and no Origin at all (not a browser)
// connect.
func TestLiveWebSocketFollowsTheCORSOrigins(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, token := api.Customer("origin@x.example")
	_, res, err := apitest.DialLive(t, api.URL, http.Header{"Origin": {"https://evil.example"}})
	if err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("a foreign origin: %v (response %v), want 403", err, res)
	}
	for _, origin := range []string{"http://localhost:3000", ""} {
		h := http.Header{}
		if origin != "" {
			h.Set("Origin", origin)
		}
		c, _, err := apitest.DialLive(t, api.URL, h)
		if err != nil {
			t.Fatalf("origin %q: %v", origin, err)
		}
		c.Init(token)
		c.Expect("connection_ack")
	}
}

// Limits: subscriptions per connection and connections per account answer
// LIMIT_EXCEEDED; closing one makes room again.
func TestLiveLimits(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "greedy@x.example", 1, 0, 0)
	c := api.Connect(a.token)
	for i := range 20 {
		c.Subscribe(string(rune('a'+i)), simUpdated, nil)
	}
	c.Subscribe("one too many", simUpdated, nil)
	// Subscriptions start concurrently: one of the 21, whichever came last,
	// is refused (the only answer until something changes), then completed.
	m := c.Expect("next")
	if errs := m.Errors(); len(errs) != 1 || errs[0].Code() != "LIMIT_EXCEEDED" {
		t.Errorf("the 21st subscription: %s %s, want LIMIT_EXCEEDED", m.ID, m.Payload)
	}
	if done := c.Expect("complete"); done.ID != m.ID {
		t.Errorf("complete for %q after %q's error", done.ID, m.ID)
	}
	// The other 20 are live.
	adjust(t, api, a.iccids[0], "1.00")
	for range 20 {
		if m := c.Expect("next"); len(m.Errors()) > 0 {
			t.Fatalf("%s: %s", m.ID, m.Payload)
		}
	}

	conns := []*apitest.LiveClient{c}
	for range 9 {
		conns = append(conns, api.Connect(a.token))
	}
	extra, _, err := apitest.DialLive(t, api.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	extra.Init(a.token)
	if m, ok := extra.Next(); ok {
		t.Fatalf("the 11th connection: %s %s, want it closed", m.Type, m.Payload)
	}
	if ce := <-extra.Closed; ce.Code != 4429 || !strings.HasPrefix(ce.Reason, "LIMIT_EXCEEDED: ") {
		t.Errorf("the 11th connection closed with %d %q, want 4429 LIMIT_EXCEEDED", ce.Code, ce.Reason)
	}
	// Another customer is not limited by this one.
	other := newAccount(t, api, "other@x.example", 1, 0, 0)
	api.Connect(other.token)
}

// A subscription sent as a plain POST is refused with a coded error (it
// needs a stream); over SSE (Accept: text/event-stream) it streams events.
func TestSimCardUpdatedOverSSE(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "sse@x.example", 1, 0, 0)
	if res := api.Do(apitest.Request{Query: simUpdated, Token: a.token}); len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_REQUEST" {
		t.Errorf("a subscription by plain POST: %+v, want BAD_REQUEST", res.Errors)
	}

	body, _ := json.Marshal(map[string]any{"query": simUpdated})
	req, _ := http.NewRequest(http.MethodPost, api.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("SSE answered %d %s", res.StatusCode, ct)
	}
	deadline := time.Now().Add(10 * time.Second)
	for api.Metric("tez_live_subscriptions") < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	adjust(t, api, a.iccids[0], "3.00")
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() {
		data, ok := strings.CutPrefix(lines.Text(), "data: ")
		if !ok {
			continue
		}
		var p struct {
			Data struct{ SimCardUpdated update }
		}
		if err := json.Unmarshal([]byte(data), &p); err != nil || p.Data.SimCardUpdated.Balance.Amount != "13.00" {
			t.Fatalf("SSE event %s: %v, want the SIM at 13.00", data, err)
		}
		return
	}
	t.Fatalf("the stream ended without an event: %v", lines.Err())
}

// urql lists text/event-stream in Accept for every request: its queries
// get JSON, not a stream.
func TestAnAcceptListWithEventStreamGetsJSON(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	accept := map[string]string{"Accept": "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed"}
	res := api.Do(apitest.Request{Query: `{ products(first: 1) { edges { cursor } } }`, Header: accept})
	if res.Status != 200 || len(res.Errors) > 0 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/graphql-response+json") {
		t.Errorf("a query with urql's Accept: %d %s %+v", res.Status, res.Header.Get("Content-Type"), res.Errors)
	}
}
