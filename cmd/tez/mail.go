package main

import (
	"context"
	"fmt"

	"github.com/teztelecom/tez/internal/store"
)

// runMail shows the newest messages of the outbox: in development (no
// TEZ_SMTP_URL) it is where verification and reset links are read.
func runMail(ctx context.Context, env *environment, args []string) error {
	return dispatch(ctx, env, "mail", "usage: tez mail outbox [-n 10]", args, action{"outbox", runMailOutbox})
}

func runMailOutbox(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "mail outbox", "tez mail outbox [-n 10]")
	n := fs.Int("n", 10, "how many messages, newest first")
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	return withStore(ctx, env, func(s *store.Store) error { return mailOutbox(ctx, env, s, *n) })
}

func mailOutbox(ctx context.Context, env *environment, s *store.Store, n int) error {
	emails, err := s.RecentEmails(ctx, s.DB(), n)
	if err != nil {
		return err
	}
	for _, e := range emails {
		status := "waiting"
		switch {
		case e.SentAt != nil && e.LoggedOnly:
			status = "not sent: only logged " + e.SentAt.UTC().Format("2006-01-02 15:04:05") + ", TEZ_SMTP_URL is unset"
		case e.SentAt != nil:
			status = "sent " + e.SentAt.UTC().Format("2006-01-02 15:04:05")
		case e.LastError != nil:
			status = fmt.Sprintf("failed %d time(s): %s", e.Attempts, *e.LastError)
		}
		fmt.Fprintf(env.stdout, "#%d %s to %s (%s)\nSubject: %s\n\n%s\n\n", e.ID,
			e.CreatedAt.UTC().Format("2006-01-02 15:04:05"), e.To, status, e.Subject, e.Text)
	}
	return nil
}
