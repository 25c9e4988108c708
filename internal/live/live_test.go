package live

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
)

// hub is a hub that believes it listens, fed by hand: what it does with a
// notification needs no database.
func hub(t *testing.T, limits Limits) *Hub {
	t.Helper()
	h := NewHub("unused", limits, slog.New(slog.DiscardHandler), nil)
	h.startOnce.Do(func() { close(h.started) })
	return h
}

func open(t *testing.T, h *Hub, user, session int64) *Conn {
	t.Helper()
	c, err := h.Open(context.Background(), user, session, time.Now().Add(time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// A subscriber that does not read is dropped when its buffer is full; the
// others go on hearing every change, and nobody waits for it.
func TestSlowConsumerIsDroppedNotWaitedFor(t *testing.T) {
	h := hub(t, Limits{ConnectionsPerAccount: 5, SubscriptionsPerConnection: 5, Buffer: 2})
	slow, err := open(t, h, 1, 1).Subscribe("")
	if err != nil {
		t.Fatal(err)
	}
	fast, err := open(t, h, 1, 2).Subscribe("")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		h.simsChanged("89000000000000000001:1")
		select {
		case <-fast.Changes():
		default:
			t.Fatalf("change %d did not reach the reading subscriber", i)
		}
	}
	select {
	case <-slow.Done():
	default:
		t.Fatal("the subscriber that never read is still subscribed")
	}
	if err := slow.Err(); !errors.Is(err, ErrSlowConsumer) {
		t.Errorf("the slow subscriber ended with %v, want ErrSlowConsumer", err)
	}
	if fast.Err() != nil {
		t.Errorf("the reading subscriber ended: %v", fast.Err())
	}
}

// A change reaches the subscriptions of the SIM's owner only: to that SIM,
// or to all of theirs; a SIM nobody owns reaches nobody.
func TestChangesReachOnlyTheOwner(t *testing.T) {
	h := hub(t, DefaultLimits)
	c := open(t, h, 7, 1)
	all, _ := c.Subscribe("")
	one, _ := c.Subscribe("89000000000000000002")
	other, _ := open(t, h, 8, 2).Subscribe("")
	h.simsChanged("89000000000000000001:7 89000000000000000002:7 89000000000000000003: 89000000000000000004:8")
	got := func(s *Sub) (ids []string) {
		for {
			select {
			case id := <-s.Changes():
				ids = append(ids, id)
			default:
				return ids
			}
		}
	}
	if ids := got(all); len(ids) != 2 {
		t.Errorf("all of user 7's SIMs heard %v, want the two of theirs", ids)
	}
	if ids := got(one); len(ids) != 1 || ids[0] != "89000000000000000002" {
		t.Errorf("the subscription to one SIM heard %v", ids)
	}
	if ids := got(other); len(ids) != 1 || ids[0] != "89000000000000000004" {
		t.Errorf("user 8 heard %v, want only their SIM", ids)
	}
}

// The end of a session ends its connections' subscriptions and refuses new
// ones; the account's other sessions carry on.
func TestSessionEndEndsItsSubscriptions(t *testing.T) {
	h := hub(t, DefaultLimits)
	c := open(t, h, 7, 1)
	s, _ := c.Subscribe("")
	kept, _ := open(t, h, 7, 2).Subscribe("")
	h.sessionEnded(1)
	if err := s.Err(); !errors.Is(err, ErrSessionEnded) {
		t.Errorf("the session's subscription ended with %v", err)
	}
	if _, err := c.Subscribe(""); !errors.Is(err, ErrSessionEnded) {
		t.Errorf("a new subscription on the ended session: %v, want ErrSessionEnded", err)
	}
	if kept.Err() != nil {
		t.Errorf("another session's subscription ended: %v", kept.Err())
	}
}

// Without a database to listen on, a subscription answers UNAVAILABLE (a
// code the client can retry on) and the server still shuts down.
func TestUnreachableDatabase(t *testing.T) {
	h := NewHub("postgres://tez@127.0.0.1:1/tez?sslmode=disable&connect_timeout=1", DefaultLimits, slog.New(slog.DiscardHandler), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := h.Open(ctx, 1, 1, time.Now().Add(time.Hour), nil); !apperr.Is(err, apperr.Unavailable) {
		t.Fatalf("Open with the database unreachable: %v, want UNAVAILABLE", err)
	}
	closed := make(chan struct{})
	go func() { h.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the unreachable database")
	}
}
