// Package live fans the database's change notifications out to the
// subscriptions of this server process. The sim_cards trigger NOTIFYs
// tez_sim_changed in the transaction that changes a SIM (so whatever
// commits the change, in any process, is heard, and nothing that rolls
// back is), and the auth_sessions trigger tez_session_ended. One
// connection per process LISTENs (opened with the first subscription);
// each notification is handed to the subscriptions it concerns without
// blocking: a subscription whose buffer is full is dropped, never waited
// for.
package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/metrics"
)

// The channels the migrations' triggers notify on.
const (
	simChannel     = "tez_sim_changed"
	sessionChannel = "tez_session_ended"
)

// Limits bound what one account and one connection may hold open.
type Limits struct {
	// ConnectionsPerAccount is the most live connections (WebSocket or
	// SSE) one customer may have open on one server process.
	ConnectionsPerAccount int
	// SubscriptionsPerConnection is the most subscriptions one WebSocket
	// carries at a time.
	SubscriptionsPerConnection int
	// Buffer is how many changes a subscription may have waiting before it
	// is dropped as a slow consumer.
	Buffer int
}

// DefaultLimits are the limits of `tez serve`.
var DefaultLimits = Limits{ConnectionsPerAccount: 10, SubscriptionsPerConnection: 20, Buffer: 64}

// The causes a connection's subscriptions end with, as the client reads them.
var (
	ErrSessionEnded   = apperr.New(apperr.Unauthenticated, "your session ended (signed out, expired or revoked): sign in again and subscribe again")
	ErrSlowConsumer   = apperr.New(apperr.LimitExceeded, "updates were not read as fast as they came, so this subscription was dropped: subscribe again")
	errHubClosed      = apperr.New(apperr.Unavailable, "the server is shutting down: reconnect")
	errListenTimeout  = apperr.New(apperr.Unavailable, "live updates are not available right now: retry shortly")
	errNoListenSource = apperr.New(apperr.Unavailable, "live updates are off on this server (no database to listen on)")
)

// Hub is one server process's live updates.
type Hub struct {
	dsn     string
	limits  Limits
	log     *slog.Logger
	metrics *metrics.Metrics

	startOnce sync.Once
	started   chan struct{} // closed once LISTEN is in place (or failed)
	startErr  error
	listener  *pq.Listener

	mu        sync.Mutex
	closed    bool
	byUser    map[int64]map[*Sub]struct{}
	conns     map[int64]int // open connections per account
	bySession map[int64]map[*Conn]struct{}
}

// NewHub makes the hub of a server whose database is at dsn (a direct
// connection: a transaction pooler cannot LISTEN). Nothing connects until
// the first subscription.
func NewHub(dsn string, limits Limits, log *slog.Logger, m *metrics.Metrics) *Hub {
	return &Hub{dsn: dsn, limits: limits, log: log, metrics: m, started: make(chan struct{}),
		byUser: map[int64]map[*Sub]struct{}{}, conns: map[int64]int{}, bySession: map[int64]map[*Conn]struct{}{}}
}

// listen opens the LISTEN connection once and waits (within ctx) until it
// is in place, so no change committed after a subscription starts is missed.
func (h *Hub) listen(ctx context.Context) error {
	if h.dsn == "" {
		return errNoListenSource
	}
	h.startOnce.Do(func() {
		l := pq.NewListener(h.dsn, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
			switch ev {
			case pq.ListenerEventDisconnected:
				h.log.Warn("live updates: listening connection lost, reconnecting", "err", err)
			case pq.ListenerEventReconnected:
				h.log.Info("live updates: listening again")
			case pq.ListenerEventConnectionAttemptFailed:
				h.log.Warn("live updates: cannot connect to listen", "err", err)
			}
		})
		h.mu.Lock()
		h.listener = l
		h.mu.Unlock()
		go func() {
			defer close(h.started)
			for _, ch := range []string{simChannel, sessionChannel} {
				if err := l.Listen(ch); err != nil {
					h.startErr = fmt.Errorf("listen on %s: %w", ch, err)
					return
				}
			}
			go h.run(l)
		}()
	})
	select {
	case <-h.started:
		if h.startErr != nil {
			return apperr.Wrap(h.startErr, apperr.Unavailable, "live updates are not available right now: retry shortly")
		}
		return nil
	case <-ctx.Done():
		return errListenTimeout
	}
}

// run hands out notifications until the listener closes.
func (h *Hub) run(l *pq.Listener) {
	for n := range l.Notify {
		if n == nil {
			// Reconnected: changes made while disconnected were not heard.
			h.log.Warn("live updates: reconnected; changes committed while disconnected were not delivered")
			continue
		}
		switch n.Channel {
		case simChannel:
			h.simsChanged(n.Extra)
		case sessionChannel:
			if id, err := strconv.ParseInt(n.Extra, 10, 64); err == nil {
				h.sessionEnded(id)
			}
		}
	}
}

// simsChanged delivers a tez_sim_changed payload: "iccid:user_id" pairs
// separated by spaces (user_id empty for a SIM nobody owns).
func (h *Hub) simsChanged(payload string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for pair := range strings.FieldsSeq(payload) {
		iccid, user, _ := strings.Cut(pair, ":")
		uid, err := strconv.ParseInt(user, 10, 64)
		if err != nil {
			continue // nobody owns it: nobody to tell
		}
		for s := range h.byUser[uid] {
			if s.iccid != "" && s.iccid != iccid {
				continue
			}
			select {
			case s.changes <- iccid:
			default:
				h.dropLocked(s, ErrSlowConsumer)
				h.metrics.LiveDropped("slow_consumer")
			}
		}
	}
}

// sessionEnded ends the connections a session opened.
func (h *Hub) sessionEnded(sessionID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.bySession[sessionID] {
		c.endLocked(ErrSessionEnded)
	}
}

// Close stops listening and ends every connection.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	for _, conns := range h.bySession {
		for c := range conns {
			c.endLocked(errHubClosed)
		}
	}
	l := h.listener
	h.mu.Unlock()
	if l != nil {
		// Also ends a Listen still waiting for the database.
		_ = l.Close()
	}
}

// endGrace is how long a connection whose session ended stays open for its
// subscriptions' errors to reach the client.
const endGrace = time.Second

// Conn is one client connection's live updates: a WebSocket, or one SSE
// request.
type Conn struct {
	hub               *Hub
	userID, sessionID int64
	subs              map[*Sub]struct{}
	err               error // why it ended; nil while open
	expiry            *time.Timer
	closed            bool
	onEnd             func() // closes the client's connection, if set
}

// Open starts a connection for a customer's session, which must end by
// expires; it answers LIMIT_EXCEEDED when the account has as many open as
// it may. When the session ends, the connection's subscriptions end with
// ErrSessionEnded and, a moment later (their errors sent), onEnd (if not
// nil) closes the client's connection. Close it when the client goes.
func (h *Hub) Open(ctx context.Context, userID, sessionID int64, expires time.Time, onEnd func()) (*Conn, error) {
	if err := h.listen(ctx); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errHubClosed
	}
	if h.conns[userID] >= h.limits.ConnectionsPerAccount {
		return nil, apperr.New(apperr.LimitExceeded, "at most %d live connections per account: close one first", h.limits.ConnectionsPerAccount)
	}
	c := &Conn{hub: h, userID: userID, sessionID: sessionID, subs: map[*Sub]struct{}{}, onEnd: onEnd}
	h.conns[userID]++
	if h.bySession[sessionID] == nil {
		h.bySession[sessionID] = map[*Conn]struct{}{}
	}
	h.bySession[sessionID][c] = struct{}{}
	c.expiry = time.AfterFunc(time.Until(expires), func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		c.endLocked(ErrSessionEnded)
	})
	h.metrics.LiveConnection(+1)
	return c, nil
}

// Close ends the connection and its subscriptions.
func (c *Conn) Close() {
	h := c.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	c.endLocked(nil)
	if c.closed {
		return
	}
	c.closed = true
	c.expiry.Stop()
	h.conns[c.userID]--
	if h.conns[c.userID] == 0 {
		delete(h.conns, c.userID)
	}
	delete(h.bySession[c.sessionID], c)
	if len(h.bySession[c.sessionID]) == 0 {
		delete(h.bySession, c.sessionID)
	}
	h.metrics.LiveConnection(-1)
}

// endLocked ends every subscription of the connection with err, and any
// later one (nil: the client closed it).
func (c *Conn) endLocked(err error) {
	if c.err == nil {
		c.err = err
		if err == nil {
			c.err = errors.New("connection closed")
		} else if c.onEnd != nil {
			time.AfterFunc(endGrace, c.onEnd)
		}
	}
	for s := range c.subs {
		c.hub.dropLocked(s, err)
	}
}

// Sub is one subscription: the ICCIDs of its SIMs that changed arrive on
// Changes; Done closes when it ends, and Err says why.
type Sub struct {
	conn    *Conn
	iccid   string // "" for every SIM of the account
	changes chan string
	done    chan struct{}
	err     error
}

// Subscribe starts a subscription to the changes of the account's SIM
// iccid ("" for all of them). The caller has checked that the SIM is the
// account's; a change is delivered only while the SIM's owner is the
// connection's customer (the notification names the owner after the
// change).
func (c *Conn) Subscribe(iccid string) (*Sub, error) {
	h := c.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	if len(c.subs) >= h.limits.SubscriptionsPerConnection {
		return nil, apperr.New(apperr.LimitExceeded, "at most %d subscriptions per connection: stop one first", h.limits.SubscriptionsPerConnection)
	}
	s := &Sub{conn: c, iccid: iccid, changes: make(chan string, h.limits.Buffer), done: make(chan struct{})}
	c.subs[s] = struct{}{}
	if h.byUser[c.userID] == nil {
		h.byUser[c.userID] = map[*Sub]struct{}{}
	}
	h.byUser[c.userID][s] = struct{}{}
	h.metrics.LiveSubscription(+1)
	return s, nil
}

// Changes delivers the ICCIDs of the subscription's SIMs as they change.
func (s *Sub) Changes() <-chan string { return s.changes }

// Done is closed when the subscription ends.
func (s *Sub) Done() <-chan struct{} { return s.done }

// Err says why the subscription ended: nil when its client stopped it.
func (s *Sub) Err() error {
	s.conn.hub.mu.Lock()
	defer s.conn.hub.mu.Unlock()
	return s.err
}

// Sent counts an event the subscription sent its client.
func (s *Sub) Sent() { s.conn.hub.metrics.LiveEvent() }

// Stop ends the subscription (its client stopped it, or went).
func (s *Sub) Stop() {
	h := s.conn.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropLocked(s, nil)
}

func (h *Hub) dropLocked(s *Sub, err error) {
	if _, ok := s.conn.subs[s]; !ok {
		return
	}
	delete(s.conn.subs, s)
	delete(h.byUser[s.conn.userID], s)
	if len(h.byUser[s.conn.userID]) == 0 {
		delete(h.byUser, s.conn.userID)
	}
	s.err = err
	close(s.done)
	h.metrics.LiveSubscription(-1)
}
