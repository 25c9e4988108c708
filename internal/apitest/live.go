package apitest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// LiveClient speaks graphql-transport-ws (the protocol of the graphql-ws
// client) to the API's /graphql over a real WebSocket, answering the
// server's pings as graphql-ws does.
type LiveClient struct {
	t    testing.TB
	conn *websocket.Conn
	in   chan LiveMessage
	// Closed receives how the server closed the socket, once.
	Closed chan websocket.CloseError
}

// LiveMessage is one message from the server.
type LiveMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Errors decodes an error message's payload, or a next message's errors.
func (m LiveMessage) Errors() []Error {
	var errs []Error
	if m.Type == "error" {
		_ = json.Unmarshal(m.Payload, &errs)
		return errs
	}
	var r struct{ Errors []Error }
	_ = json.Unmarshal(m.Payload, &r)
	return r.Errors
}

// DialLive opens a WebSocket to base's /graphql with the graphql-ws
// subprotocol and header (an Origin, say); it answers the HTTP response
// when the upgrade is refused.
func DialLive(t testing.TB, base string, header http.Header) (*LiveClient, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
	if err != nil {
		return nil, res, err
	}
	c := &LiveClient{t: t, conn: conn, in: make(chan LiveMessage, 64), Closed: make(chan websocket.CloseError, 1)}
	go c.read()
	t.Cleanup(func() { _ = conn.CloseNow() })
	return c, res, nil
}

func (c *LiveClient) read() {
	defer close(c.in)
	for {
		_, data, err := c.conn.Read(context.Background())
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				c.Closed <- ce
			} else {
				c.Closed <- websocket.CloseError{Code: -1, Reason: err.Error()}
			}
			return
		}
		var m LiveMessage
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		if m.Type == "ping" {
			c.Send(map[string]any{"type": "pong"})
			continue
		}
		c.in <- m
	}
}

// Send writes one message.
func (c *LiveClient) Send(msg any) {
	data, err := json.Marshal(msg)
	if err != nil {
		c.t.Fatal(err)
	}
	_ = c.conn.Write(context.Background(), websocket.MessageText, data)
}

// Init sends connection_init with the bearer token (none when empty).
func (c *LiveClient) Init(token string) {
	payload := map[string]any{}
	if token != "" {
		payload["authorization"] = "Bearer " + token
	}
	c.Send(map[string]any{"type": "connection_init", "payload": payload})
}

// Subscribe starts operation id.
func (c *LiveClient) Subscribe(id, query string, vars map[string]any) {
	c.Send(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}})
}

// Next waits (at most 10 s) for the server's next message; ok is false
// when the socket closed first.
func (c *LiveClient) Next() (m LiveMessage, ok bool) {
	c.t.Helper()
	select {
	case m, ok = <-c.in:
		return m, ok
	case <-time.After(10 * time.Second):
		c.t.Fatal("no message from the server in 10 s")
		return m, false
	}
}

// Expect waits for the next message and fails unless it is of type typ.
func (c *LiveClient) Expect(typ string) LiveMessage {
	c.t.Helper()
	m, ok := c.Next()
	if !ok {
		c.t.Fatalf("the socket closed (%v) while waiting for %s", <-c.Closed, typ)
	}
	if m.Type != typ {
		c.t.Fatalf("got %s %s, want %s", m.Type, m.Payload, typ)
	}
	return m
}

// Connect dials and initialises a connection with token, which the server
// must acknowledge.
func (a *API) Connect(token string) *LiveClient {
	a.t.Helper()
	c, _, err := DialLive(a.t, a.URL, nil)
	if err != nil {
		a.t.Fatalf("dial the live endpoint: %v", err)
	}
	c.Init(token)
	c.Expect("connection_ack")
	return c
}
