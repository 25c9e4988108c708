package mail_test

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/mail"
	"github.com/teztelecom/tez/internal/mailtest"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

const from = "TEZ Telecom <no-reply@tez.example>"

func TestWorkerRetriesUntilDelivered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := store.New(testdb.New(t))
	if err := st.EnqueueEmail(ctx, st.DB(), "someone@x.example", "Привет, TEZ", "A link: https://tez.example/x?token="+strings.Repeat("t", 60), "<p>html</p>"); err != nil {
		t.Fatal(err)
	}

	// An SMTP outage: nothing listens at the address.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close()
	outage, err := mail.NewSMTP("smtp://"+down, from)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	if sent, err := mail.NewWorker(st, outage, nil, log).DeliverDue(ctx); sent != 0 || err != nil {
		t.Fatalf("during the outage: sent %d, err %v", sent, err)
	}
	var row struct {
		Attempts  int
		LastError *string   `db:"last_error"`
		Next      time.Time `db:"next_attempt_at"`
	}
	if err := st.DB().Get(&row, `SELECT attempts, last_error, next_attempt_at FROM email_outbox`); err != nil {
		t.Fatal(err)
	}
	if row.Attempts != 1 || row.LastError == nil || !row.Next.After(time.Now()) {
		t.Fatalf("after a failure: %+v, want 1 attempt, the error, a later retry", row)
	}

	// Not due yet: a second round sends nothing, even with SMTP back.
	sink := mailtest.NewSink(t)
	up, err := mail.NewSMTP("smtp://"+sink.Addr, from)
	if err != nil {
		t.Fatal(err)
	}
	worker := mail.NewWorker(st, up, nil, log)
	if sent, _ := worker.DeliverDue(ctx); sent != 0 {
		t.Fatalf("sent %d before the retry was due", sent)
	}
	st.DB().MustExec(`UPDATE email_outbox SET next_attempt_at = now()`)
	if sent, err := worker.DeliverDue(ctx); sent != 1 || err != nil {
		t.Fatalf("retry: sent %d, err %v", sent, err)
	}
	got := sink.Await(t, "someone@x.example", 1)
	if got.Subject != "Привет, TEZ" || !strings.Contains(got.Text, strings.Repeat("t", 60)) || got.HTML != "<p>html</p>" {
		t.Errorf("received %+v", got)
	}
	if sent, _ := worker.DeliverDue(ctx); sent != 0 {
		t.Errorf("a delivered message went out again")
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	for attempts, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 4: 4 * time.Minute, 50: time.Hour} {
		if got := mail.Backoff(attempts); got != want {
			t.Errorf("Backoff(%d) = %s, want %s", attempts, got, want)
		}
	}
}

func TestMaskAddress(t *testing.T) {
	t.Parallel()
	if got := mail.MaskAddress("aigerim@example.com"); got != "ai***@example.com" {
		t.Errorf("MaskAddress = %q", got)
	}
}
