package server

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/teztelecom/tez/graph"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/live"
	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/viewer"
)

// Live updates ride on long-lived requests: a WebSocket (graphql-ws's
// graphql-transport-ws) or an SSE stream on /graphql. Browsers cannot set
// headers on a WebSocket, so its credentials come in connection_init.

// liveInit authenticates a WebSocket's connection_init payload
// ({"authorization": "Bearer <token>"}) and opens its live connection. A
// refusal closes the socket with a 44xx code and "CODE: reason", which
// graphql-ws clients report and do not retry.
func (s *Server) liveInit(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	token, _ := strings.CutPrefix(payload.Authorization(), "Bearer ")
	token = strings.TrimSpace(token)
	refuse := func(code int, err error) (context.Context, *transport.InitPayload, error) {
		var appErr *apperr.Error
		msg := "UNAVAILABLE: retry shortly"
		if errors.As(err, &appErr) && appErr.Code != apperr.Internal {
			msg = string(appErr.Code) + ": " + appErr.Message
		} else {
			s.log.ErrorContext(ctx, "live connection_init", "err", err)
		}
		if len(msg) > 120 { // a close reason is at most 123 bytes
			msg = msg[:120]
		}
		return transport.WithWebsocketCloseCode(transport.AppendCloseReason(ctx, msg), code), nil, err
	}
	if reseller.LooksLikeKey(token) {
		return refuse(4403, apperr.New(apperr.Forbidden, "live updates are for customers; partners read simCardChanges"))
	}
	if token == "" {
		return refuse(4401, apperr.New(apperr.Unauthenticated, `send {"authorization": "Bearer <token>"} in connection_init`))
	}
	sess, err := s.store.SessionByTokenHash(ctx, s.store.DB(), secret.TokenHash(token))
	switch {
	case apperr.Is(err, apperr.NotFound):
		return refuse(4401, apperr.New(apperr.Unauthenticated, "the token is unknown, expired or signed out: sign in again"))
	case err != nil:
		return refuse(4500, err)
	}
	ctx = viewer.With(ctx, viewer.Viewer{Kind: viewer.Customer, UserID: sess.UserID, SessionID: sess.ID,
		SessionExpiresAt: sess.ExpiresAt, Account: &sess.User})
	ctx, closeSocket := context.WithCancel(ctx)
	conn, err := s.live.Open(ctx, sess.UserID, sess.ID, sess.ExpiresAt, closeSocket)
	if err != nil {
		closeSocket()
		code := 4500
		if apperr.Is(err, apperr.LimitExceeded) {
			code = 4429
		}
		return refuse(code, err)
	}
	return live.WithConn(ctx, conn), nil, nil
}

// liveClose ends a WebSocket's live connection when the socket closes.
func liveClose(ctx context.Context, _ int) {
	if c := live.ConnFrom(ctx); c != nil {
		c.Close()
	}
}

// withStreams serves WebSocket upgrades and SSE streams, which last as long
// as the client wants, on stream, and every other request on bounded (the
// request deadline). A WebSocket from a browser origin that
// TEZ_CORS_ORIGINS does not allow (nor the API's own) is refused: CORS
// does not cover WebSockets, so this is the same rule applied by hand.
func (s *Server) withStreams(stream, bounded http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.EqualFold(r.Header.Get("Upgrade"), "websocket"):
			if !s.originAllowed(r) {
				writeGraphQLError(w, http.StatusForbidden, apperr.Forbidden, "this origin may not open a WebSocket to the API (TEZ_CORS_ORIGINS)")
				return
			}
			stream.ServeHTTP(hijackWriter{w}, r)
		case graph.WantsEventStream(r):
			// The server's read and write timeouts are for requests, not streams.
			rc := http.NewResponseController(w)
			_ = rc.SetReadDeadline(time.Time{})
			_ = rc.SetWriteDeadline(time.Time{})
			stream.ServeHTTP(w, r)
		default:
			bounded.ServeHTTP(w, r)
		}
	})
}

// originAllowed: no Origin (not a browser), an allowed one, or the API's own.
func (s *Server) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || slices.Contains(s.cfg.CORSOrigins, origin) {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// hijackWriter clears the connection's deadlines when the WebSocket takes
// it over: the server's timeouts are for requests, and would cut the
// socket after a few seconds.
type hijackWriter struct{ http.ResponseWriter }

func (w hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		err = conn.SetDeadline(time.Time{})
	}
	return conn, rw, err
}

func (w hijackWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
