package webhooks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
	"github.com/teztelecom/tez/internal/webhooks"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// counter is an endpoint that answers status and counts the posts of each
// event id.
type counter struct {
	mu     sync.Mutex
	status int
	posts  map[string]int
	bodies map[string]webhooks.Event
}

func newCounter(t *testing.T, status int) (*counter, string) {
	c := &counter{status: status, posts: map[string]int{}, bodies: map[string]webhooks.Event{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev webhooks.Event
		json.Unmarshal(body, &ev)
		c.mu.Lock()
		c.posts[ev.ID]++
		c.bodies[ev.ID] = ev
		c.mu.Unlock()
		w.WriteHeader(c.status)
	}))
	t.Cleanup(srv.Close)
	return c, srv.URL
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, p := range c.posts {
		n += p
	}
	return n
}

type fixture struct {
	st     *store.Store
	ledger *ledger.Ledger
	svc    *webhooks.Service
	sealer *webhooks.Sealer
	sims   []string
}

// newFixture makes a reseller holding n SIMs, on a ledger that queues its
// webhook events.
func newFixture(t *testing.T, n int) fixture {
	t.Helper()
	ctx := context.Background()
	st := store.New(testdb.New(t))
	r, err := st.CreateReseller(ctx, st.DB(), "Globe Roam", 20, 40)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{st: st, ledger: ledger.New(st, ledger.Options{Hooks: []ledger.Hook{webhooks.NewEvents(st)}})}
	for i := range n {
		id := iccid.WithCheckDigit(fmt.Sprintf("899970600000%06d", i))
		if _, err := st.DB().Exec(`INSERT INTO sim_cards (iccid, status, reseller_id) VALUES ($1, 'ACTIVE', $2)`, id, r.ID); err != nil {
			t.Fatal(err)
		}
		f.sims = append(f.sims, id)
	}
	f.sealer, _ = webhooks.NewSealer("", false)
	f.svc = webhooks.NewService(st, f.sealer, webhooks.PolicyFor(false, false))
	return f
}

func (f fixture) credit(t *testing.T, sim string, cents int64, key string) {
	t.Helper()
	_, err := f.ledger.Credit(context.Background(), ledger.Posting{ICCID: sim, Amount: money.New(cents, "USD"), Kind: store.EntryTopup, Reference: "t", Key: key})
	if err != nil {
		t.Fatal(err)
	}
}

func (f fixture) worker(opts webhooks.WorkerOptions) *webhooks.Worker {
	return webhooks.NewWorker(f.st, f.sealer, webhooks.PolicyFor(false, false), slog.New(slog.DiscardHandler), opts)
}

// Two servers' workers draining the same outbox post each event once.
func TestWorkersShareTheOutboxWithoutDuplicates(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 60)
	c, url := newCounter(t, http.StatusOK)
	if _, _, err := f.svc.Add(context.Background(), "Globe Roam", url, []string{webhooks.BalanceChanged}, ""); err != nil {
		t.Fatal(err)
	}
	for i, sim := range f.sims {
		f.credit(t, sim, 100, fmt.Sprint("a", i))
	}
	// Each server's worker runs DeliverDue on every tick; a pass ends when
	// its claim finds the endpoint's one lane busy with the other's post, so
	// the two run passes side by side, as ticks do, until the outbox drains.
	delivered := func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.posts)
	}
	workers := []*webhooks.Worker{f.worker(webhooks.WorkerOptions{Concurrency: 7}), f.worker(webhooks.WorkerOptions{Concurrency: 7})}
	for tick := 0; tick < 20 && delivered() < len(f.sims); tick++ {
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Go(func() {
				if _, err := w.DeliverDue(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.posts) != len(f.sims) {
		t.Errorf("%d events delivered, want %d", len(c.posts), len(f.sims))
	}
	for id, n := range c.posts {
		if n != 1 {
			t.Errorf("event %s posted %d times", id, n)
		}
	}
}

// balance.changed waits a minute after the SIM's previous one, and the
// changes meanwhile update the waiting event: the partner gets the latest
// state, once.
func TestBalanceChangedIsCoalesced(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	c, url := newCounter(t, http.StatusOK)
	if _, _, err := f.svc.Add(context.Background(), "Globe Roam", url, []string{webhooks.BalanceChanged}, ""); err != nil {
		t.Fatal(err)
	}
	w := f.worker(webhooks.WorkerOptions{})
	f.credit(t, f.sims[0], 100, "c1")
	if n, err := w.DeliverDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("first change: delivered %d, %v; want 1 at once", n, err)
	}
	for i := range 5 {
		f.credit(t, f.sims[0], 100, fmt.Sprint("c", i+2))
	}
	if n, err := w.DeliverDue(context.Background()); err != nil || n != 0 {
		t.Errorf("within the minute: delivered %d, %v; want none", n, err)
	}
	var waiting []struct {
		Data string `db:"data"`
	}
	if err := f.st.DB().Select(&waiting, `SELECT data::text AS data FROM webhook_events WHERE state = 'pending'`); err != nil {
		t.Fatal(err)
	}
	var d webhooks.Data
	if len(waiting) != 1 || json.Unmarshal([]byte(waiting[0].Data), &d) != nil || d.Balance.Amount != "6.00" {
		t.Errorf("waiting events = %+v, want one with the latest balance 6.00", waiting)
	}
	if c.total() != 1 {
		t.Errorf("posts = %d, want 1", c.total())
	}
}

// An endpoint that keeps failing is disabled: its events wait, nothing
// more is posted to it, and redelivering an event enables it again.
func TestFailingEndpointIsDisabled(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	c, url := newCounter(t, http.StatusInternalServerError)
	e, _, err := f.svc.Add(context.Background(), "Globe Roam", url, []string{webhooks.BalanceChanged}, "")
	if err != nil {
		t.Fatal(err)
	}
	f.credit(t, f.sims[0], 100, "d1")
	w := f.worker(webhooks.WorkerOptions{FirstRetry: time.Millisecond, MaxFailures: 3})
	deadline := time.Now().Add(10 * time.Second)
	for c.total() < 3 && time.Now().Before(deadline) {
		if _, err := w.DeliverDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	list, err := f.svc.List(context.Background(), "Globe Roam")
	if err != nil || len(list) != 1 || list[0].DisabledAt == nil || list[0].Failures != 3 {
		t.Fatalf("after 3 failures: %+v, %v; want the endpoint disabled", list, err)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := w.DeliverDue(context.Background()); err != nil || c.total() != 3 {
		t.Errorf("a disabled endpoint was posted to: %d posts, %v", c.total(), err)
	}
	failed, err := f.svc.Deliveries(context.Background(), "Globe Roam", true, 10)
	if err != nil || len(failed) != 1 || failed[0].State != "retry" || failed[0].LastStatus == nil || *failed[0].LastStatus != 500 {
		t.Fatalf("deliveries --failed = %+v, %v", failed, err)
	}
	c.mu.Lock()
	c.status = http.StatusOK
	c.mu.Unlock()
	back, err := f.svc.Redeliver(context.Background(), failed[0].ID)
	if err != nil || back.ID != e.ID || back.DisabledAt != nil {
		t.Fatalf("redeliver: %+v, %v", back, err)
	}
	if n, err := w.DeliverDue(context.Background()); err != nil || n != 1 {
		t.Errorf("after redeliver: delivered %d, %v; want 1", n, err)
	}
}

// A partner whose endpoint hangs holds up only its own events: another
// partner's event is delivered and recorded while the first endpoint is
// still answering, even when the first has more events waiting than the
// worker posts at once; and the hanging endpoint gets its events one at a
// time, oldest first.
func TestSlowEndpointHoldsUpOnlyItsOwnEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, 3)
	other, err := f.st.CreateReseller(ctx, f.st.DB(), "Roam Two", 20, 40)
	if err != nil {
		t.Fatal(err)
	}
	otherSIM := iccid.WithCheckDigit("899970600001000000")
	if _, err := f.st.DB().Exec(`INSERT INTO sim_cards (iccid, status, reseller_id) VALUES ($1, 'ACTIVE', $2)`, otherSIM, other.ID); err != nil {
		t.Fatal(err)
	}
	var otherEndpoint int64 // set before any post
	otherRecorded := func() bool {
		var state string
		err := f.st.DB().Get(&state, `SELECT state FROM webhook_events WHERE endpoint_id = $1`, otherEndpoint)
		return err == nil && state == "delivered"
	}
	var inFlight atomic.Int32
	var mu sync.Mutex
	var slowGot []string
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inFlight.Add(1) > 1 {
			t.Error("two posts to one endpoint at once")
		}
		defer inFlight.Add(-1)
		var ev webhooks.Event
		json.NewDecoder(r.Body).Decode(&ev)
		mu.Lock()
		slowGot = append(slowGot, ev.ID)
		mu.Unlock()
		deadline := time.Now().Add(20 * time.Second)
		for !otherRecorded() {
			if time.Now().After(deadline) {
				t.Error("the other partner's event waited for the slow endpoint")
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}))
	t.Cleanup(slow.Close)
	fast, fastURL := newCounter(t, http.StatusOK)
	slowEndpoint, _, err := f.svc.Add(ctx, "Globe Roam", slow.URL, []string{webhooks.BalanceChanged}, "")
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := f.svc.Add(ctx, "Roam Two", fastURL, []string{webhooks.BalanceChanged}, "")
	if err != nil {
		t.Fatal(err)
	}
	otherEndpoint = e.ID
	// The slow endpoint's events are older: a worker taking the oldest
	// events first would fill both its slots with them.
	for i, sim := range f.sims {
		f.credit(t, sim, 100, fmt.Sprint("s", i))
	}
	f.credit(t, otherSIM, 100, "o")

	n, err := f.worker(webhooks.WorkerOptions{Concurrency: 2}).DeliverDue(ctx)
	if err != nil || n != 4 {
		t.Fatalf("delivered %d, %v; want all 4", n, err)
	}
	if fast.total() != 1 {
		t.Errorf("the other partner got %d posts, want 1", fast.total())
	}
	var want []string
	if err := f.st.DB().Select(&want, `SELECT id FROM webhook_events WHERE endpoint_id = $1 ORDER BY created_at, id`, slowEndpoint.ID); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(slowGot, want) {
		t.Errorf("slow endpoint got %v, want its events oldest first: %v", slowGot, want)
	}
}
