package mail

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/teztelecom/tez/internal/backoff"
	"github.com/teztelecom/tez/internal/store"
)

const (
	// batch is how many messages one round claims.
	batch = 20
	// lease is how long a claimed message is left to its worker before
	// another may retry it (a worker that died mid-send).
	lease = 5 * time.Minute
	// maxBackoff caps the wait between retries of one message.
	maxBackoff = time.Hour
)

// Preparer writes the message of an outbox job (store.OutboxEmail.Job):
// work done here rather than while the caller of the API waits. It answers
// the message to send, or nil when it ended the job with nothing to send.
type Preparer interface {
	PrepareEmail(ctx context.Context, job store.OutboxEmail) (*store.OutboxEmail, error)
}

// Worker delivers the outbox. Several may run (one per replica): claiming
// skips rows another worker holds.
type Worker struct {
	store   *store.Store
	mailer  Mailer
	prepare Preparer
	log     *slog.Logger
	// logsOnly: the mailer delivers nothing (Log), which the outbox records.
	logsOnly bool
}

// NewWorker makes a worker delivering st's outbox through mailer; prepare
// writes the messages of jobs.
func NewWorker(st *store.Store, mailer Mailer, prepare Preparer, log *slog.Logger) *Worker {
	_, logsOnly := mailer.(Log)
	return &Worker{store: st, mailer: mailer, prepare: prepare, log: log, logsOnly: logsOnly}
}

// Run delivers due messages every interval until ctx ends.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := w.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			w.log.ErrorContext(ctx, "email outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverDue sends the messages due now and reports how many went out. A
// failed message is retried later, waiting longer after each failure.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	sent := 0
	for {
		due, err := w.store.ClaimDueEmails(ctx, w.store.DB(), batch, lease)
		if err != nil {
			return sent, err
		}
		for _, e := range due {
			err := w.prepareJob(ctx, &e)
			if err == nil && e.Job != nil {
				continue // the job ended with nothing to send
			}
			if err == nil {
				err = w.mailer.Send(ctx, Message{To: e.To, Subject: e.Subject, Text: e.Text, HTML: e.HTML})
			}
			if err != nil {
				retry := Backoff(e.Attempts)
				w.log.WarnContext(ctx, "email not delivered: will retry", "id", e.ID, "to", MaskAddress(e.To),
					"attempt", e.Attempts, "retry_in", retry, "err", err)
				if err := w.store.MarkEmailFailed(ctx, w.store.DB(), e.ID, err.Error(), retry); err != nil {
					return sent, err
				}
				continue
			}
			if err := w.store.MarkEmailSent(ctx, w.store.DB(), e.ID, w.logsOnly); err != nil {
				return sent, err
			}
			sent++
		}
		if len(due) < batch {
			return sent, nil
		}
	}
}

// prepareJob writes the message of a job row into e; e.Job stays set when
// the job had nothing to send.
func (w *Worker) prepareJob(ctx context.Context, e *store.OutboxEmail) error {
	if e.Job == nil {
		return nil
	}
	if w.prepare == nil {
		return fmt.Errorf("outbox job %s: this worker cannot write it", *e.Job)
	}
	ready, err := w.prepare.PrepareEmail(ctx, *e)
	if err != nil || ready == nil {
		return err
	}
	*e = *ready
	return nil
}

// Backoff is the wait before the next try after attempts failed ones:
// 30 s, 1 min, 2 min, … up to an hour.
func Backoff(attempts int) time.Duration {
	return backoff.Exponential(30*time.Second, maxBackoff, attempts)
}
