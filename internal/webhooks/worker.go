package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
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
	// Batch is how many events one round claims and posts at once: 20.
	Batch int
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
	if o.Batch == 0 {
		o.Batch = 20
	}
	return o
}

// Worker posts due events. Several may run (one per replica): claiming
// skips the rows another worker holds (FOR UPDATE SKIP LOCKED).
type Worker struct {
	store  *store.Store
	sealer *Sealer
	client *http.Client
	log    *slog.Logger
	opts   WorkerOptions
}

// NewWorker makes a worker posting under the address policy.
func NewWorker(st *store.Store, sealer *Sealer, policy Policy, log *slog.Logger, opts WorkerOptions) *Worker {
	opts = opts.withDefaults()
	return &Worker{store: st, sealer: sealer, client: policy.Client(opts.Timeout), log: log, opts: opts}
}

// Run posts due events every interval until ctx ends.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := w.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			w.log.ErrorContext(ctx, "webhook outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverDue posts the events due now, a batch at a time and the events of
// a batch at once (one slow endpoint must not hold the others up), and
// answers how many were delivered.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	delivered := 0
	for {
		due, err := w.store.ClaimWebhookEvents(ctx, w.store.DB(), w.opts.Batch, 2*w.opts.Timeout+time.Minute)
		if err != nil {
			return delivered, err
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var firstErr error
		for _, d := range due {
			wg.Go(func() {
				ok, err := w.deliver(ctx, d)
				mu.Lock()
				defer mu.Unlock()
				if ok {
					delivered++
				}
				if err != nil && firstErr == nil {
					firstErr = err
				}
			})
		}
		wg.Wait()
		if firstErr != nil || len(due) < w.opts.Batch {
			return delivered, firstErr
		}
	}
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
