package webhooks

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/teztelecom/tez/internal/backoff"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// WorkerOptions are the delivery rules; zero fields take the defaults.
type WorkerOptions struct {
	// Timeout bounds one POST (connect, TLS, answer): 10 s.
	Timeout time.Duration
	// FirstRetry is the wait after the first failure, doubled after each
	// (up to an hour): 30 s.
	FirstRetry time.Duration
	// GiveUpAfter ends the retries of an event this long after it was
	// made: 24 h.
	GiveUpAfter time.Duration
	// MaxFailures in a row, across the endpoint's events, disable it: 20.
	MaxFailures int
	// Concurrency is how many endpoints one worker posts to at once, one
	// event each: 16.
	Concurrency int
}

func (o WorkerOptions) withDefaults() WorkerOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.Timeout, 10*time.Second)
	def(&o.FirstRetry, 30*time.Second)
	def(&o.GiveUpAfter, 24*time.Hour)
	if o.MaxFailures == 0 {
		o.MaxFailures = 20
	}
	if o.Concurrency == 0 {
		o.Concurrency = 16
	}
	return o
}

// Worker posts due events. Each endpoint is a lane of its own: one event
// in flight at a time, in order, while up to Concurrency endpoints are
// posted to at once, so a slow or hanging endpoint holds up only its own
// events. Several workers may run (one per replica): the claim leases the
// endpoint, and skips rows another worker holds (FOR UPDATE SKIP LOCKED).
type Worker struct {
	store  *store.Store
	sealer *Sealer
	client *http.Client
	log    *slog.Logger
	opts   WorkerOptions

	// slots holds a token per post in flight; freed hears when one ends.
	slots chan struct{}
	freed chan struct{}
}

// NewWorker makes a worker posting under the address policy.
func NewWorker(st *store.Store, sealer *Sealer, policy Policy, log *slog.Logger, opts WorkerOptions) *Worker {
	opts = opts.withDefaults()
	return &Worker{store: st, sealer: sealer, client: policy.Client(opts.Timeout), log: log, opts: opts,
		slots: make(chan struct{}, opts.Concurrency), freed: make(chan struct{}, opts.Concurrency)}
}

// Run posts due events until ctx ends: every interval, and whenever a
// post ends (the endpoint's next event, or another endpoint's, takes its
// slot at once).
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var r round
	defer r.wg.Wait()
	for {
		if err := w.start(ctx, &r); err != nil && ctx.Err() == nil {
			w.log.ErrorContext(ctx, "webhook outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.freed:
		}
	}
}

// DeliverDue posts events until none is due and none is in flight, and
// answers how many were delivered.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	var r round
	for {
		err := w.start(ctx, &r)
		if err != nil || len(w.slots) == 0 {
			r.wg.Wait()
			return int(r.delivered.Load()), cmp.Or(err, r.failure())
		}
		<-w.freed
	}
}

// round is what the posts a caller started add up to.
type round struct {
	wg        sync.WaitGroup
	delivered atomic.Int64
	mu        sync.Mutex
	err       error
}

func (r *round) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
	}
}

func (r *round) failure() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// start claims the next event of as many endpoints as there are free
// slots and posts each on its own; it does not wait for them.
func (w *Worker) start(ctx context.Context, r *round) error {
	free := cap(w.slots) - len(w.slots)
	if free == 0 {
		return nil
	}
	due, err := w.store.ClaimWebhookEvents(ctx, w.store.DB(), free, 2*w.opts.Timeout+time.Minute)
	if err != nil {
		return err
	}
	for _, d := range due {
		w.slots <- struct{}{}
		r.wg.Go(func() {
			defer func() {
				<-w.slots
				select {
				case w.freed <- struct{}{}:
				default: // a wake-up is pending already
				}
			}()
			ok, err := w.deliver(ctx, d)
			if ok {
				r.delivered.Add(1)
			}
			if err != nil {
				w.log.ErrorContext(ctx, "webhook attempt not recorded", "event", d.ID, "err", err)
				r.fail(err)
			}
		})
	}
	return nil
}

// deliver posts one event and records the attempt.
func (w *Worker) deliver(ctx context.Context, d store.WebhookDelivery) (bool, error) {
	start := time.Now()
	status, err := w.post(ctx, d)
	a := store.WebhookAttempt{EventID: d.ID, EndpointID: d.EndpointID, StatusCode: status, Duration: time.Since(start),
		OK: err == nil, RetryIn: backoff.Exponential(w.opts.FirstRetry, time.Hour, d.Attempts), GiveUpAfter: w.opts.GiveUpAfter, MaxFailures: w.opts.MaxFailures}
	if err != nil {
		a.Error = err.Error()
		w.log.WarnContext(ctx, "webhook not delivered: will retry", "event", d.ID, "endpoint", d.EndpointID,
			"attempt", d.Attempts, "status", status, "retry_in", a.RetryIn, "err", err)
	}
	if rerr := w.store.RecordWebhookAttempt(context.WithoutCancel(ctx), a); rerr != nil {
		return false, rerr
	}
	return err == nil, nil
}

// post sends the event, signed now; a 2xx answer is a delivery.
func (w *Worker) post(ctx context.Context, d store.WebhookDelivery) (int, error) {
	key, err := w.sealer.Open(d.SecretSealed)
	if err != nil {
		return 0, err
	}
	ev := Event{ID: d.ID, Type: d.Type, CreatedAt: d.CreatedAt.UTC()}
	if err := json.Unmarshal(d.Data, &ev.Data); err != nil {
		return 0, fmt.Errorf("event %s data: %w", d.ID, err)
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "TEZ-Webhooks/1")
	req.Header.Set(SignatureHeader, secret.Sign([]byte(key), time.Now(), body))
	res, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Errorf("endpoint answered %s", res.Status)
	}
	return res.StatusCode, nil
}
