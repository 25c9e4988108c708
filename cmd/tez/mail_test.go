package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/mail"
	"github.com/teztelecom/tez/internal/mailtest"
	"github.com/teztelecom/tez/internal/store"
)

// `tez mail outbox` tells a message delivered by SMTP from one the
// development mailer (no TEZ_SMTP_URL) only logged: that one was not sent.
func TestMailOutboxSaysWhatWasSent(t *testing.T) {
	dsn := onTestDB(t)
	db := sqlx.MustConnect("postgres", dsn)
	defer db.Close()
	st := store.New(db)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	deliver := func(to string, mailer mail.Mailer) {
		t.Helper()
		if err := st.EnqueueEmail(ctx, db, to, "Confirm your email", "https://tez.example/verify-email?token=x", "<p>x</p>"); err != nil {
			t.Fatal(err)
		}
		if n, err := mail.NewWorker(st, mailer, nil, log).DeliverDue(ctx); n != 1 || err != nil {
			t.Fatalf("deliver to %s: %d, %v", to, n, err)
		}
	}
	logOnly, err := mail.New("", "TEZ <no-reply@tez.example>", log)
	if err != nil {
		t.Fatal(err)
	}
	deliver("logged@x.example", logOnly)
	sink := mailtest.NewSink(t)
	smtp, err := mail.New("smtp://"+sink.Addr, "TEZ <no-reply@tez.example>", log)
	if err != nil {
		t.Fatal(err)
	}
	deliver("delivered@x.example", smtp)

	out, _, err := tez(t, "mail", "outbox")
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(out, "\n#") {
		switch {
		case strings.Contains(block, "to logged@x.example"):
			if strings.Contains(block, "(sent ") || !strings.Contains(block, "not sent: only logged") || !strings.Contains(block, "TEZ_SMTP_URL") {
				t.Errorf("a message only logged shows as:\n%s", block)
			}
		case strings.Contains(block, "to delivered@x.example"):
			if !strings.Contains(block, "(sent ") {
				t.Errorf("a message delivered by SMTP shows as:\n%s", block)
			}
		}
	}
	if !strings.Contains(out, "logged@x.example") || !strings.Contains(out, "delivered@x.example") {
		t.Fatalf("outbox:\n%s", out)
	}
}
