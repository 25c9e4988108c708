package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/ratelimit"
	"github.com/teztelecom/tez/internal/reqctx"
	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/viewer"
)

// withViewer resolves the credentials into the viewer: a reseller API key
// (X-API-Key, or a bearer token starting tez_) or a customer session token,
// from Authorization or, for the web account, its cookie (cookie.go).
// Missing, unknown, expired or revoked credentials leave the caller
// anonymous: `me` answers null and protected fields UNAUTHENTICATED.
func (s *Server) withViewer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		token = strings.TrimSpace(token)
		if key := strings.TrimSpace(r.Header.Get("X-API-Key")); key != "" || reseller.LooksLikeKey(token) {
			if key == "" {
				key = token
			}
			s.serveReseller(w, r, next, key)
			return
		}
		fromCookie := false
		if token == "" && r.Header.Get("Authorization") == "" {
			token, fromCookie = s.cookieToken(r)
		}
		if token == "" {
			next.ServeHTTP(w, r)
			return
		}
		sess, err := s.store.SessionByTokenHash(r.Context(), s.store.DB(), secret.TokenHash(token))
		switch {
		case apperr.Is(err, apperr.NotFound):
			if fromCookie {
				s.setSessionCookies(w, "", -1) // the session ended: the browser forgets it
			}
			next.ServeHTTP(w, r)
			return
		case err != nil:
			s.unavailable(w, r, "resolve session", err)
			return
		}
		if sess.LastUsedAt == nil || time.Since(*sess.LastUsedAt) > time.Minute {
			// Off the request path; a lost touch costs nothing but accuracy.
			go func() {
				ctx, cancel := context.WithTimeout(reqctx.Detached(r.Context()), 5*time.Second)
				defer cancel()
				if err := s.store.TouchSession(ctx, s.store.DB(), sess.ID); err != nil {
					s.log.WarnContext(ctx, "touch session", "err", err)
				}
			}()
		}
		v := viewer.Viewer{Kind: viewer.Customer, UserID: sess.UserID, SessionID: sess.ID, SessionExpiresAt: sess.ExpiresAt, Account: &sess.User}
		reqctx.LogFieldsFrom(r.Context()).Viewer = string(v.Kind)
		fence, err := s.store.SettleReadFence(r.Context(), sess.ID, sess.ReadFence)
		if err != nil {
			// Unsettled, the session reads the primary: slower, never stale.
			s.log.WarnContext(r.Context(), "settle read fence", "err", err)
		}
		ctx := s.store.DB().WithReadFence(viewer.With(r.Context(), v), sess.ID, 0, fence)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// serveReseller checks the key and its rate limit: every reseller response
// carries RateLimit-* headers, and one over the limit is a 429.
func (s *Server) serveReseller(w http.ResponseWriter, r *http.Request, next http.Handler, presented string) {
	key, err := s.resellers.Authenticate(r.Context(), presented)
	switch {
	case apperr.Is(err, apperr.Unauthenticated):
		next.ServeHTTP(w, r)
		return
	case err != nil:
		s.unavailable(w, r, "check api key", err)
		return
	}
	d, err := s.resellers.Admit(r.Context(), key)
	if err != nil {
		s.unavailable(w, r, "rate limit", err)
		return
	}
	setRateLimitHeaders(w.Header(), d)
	if !d.Allowed {
		w.Header().Set("Retry-After", strconv.Itoa(int(d.RetryAfter/time.Second)))
		writeGraphQLError(w, http.StatusTooManyRequests, apperr.RateLimited,
			fmt.Sprintf("rate limit of %d requests exceeded: retry in %d s", d.Limit, int(d.RetryAfter/time.Second)))
		return
	}
	v := viewer.Viewer{Kind: viewer.Reseller, ResellerID: key.ResellerID, KeyID: key.ID}
	reqctx.LogFieldsFrom(r.Context()).Viewer = string(v.Kind)
	ctx := s.store.DB().WithReadFence(viewer.With(r.Context(), v), 0, key.ID, key.ReadFence)
	next.ServeHTTP(w, r.WithContext(ctx))
}

func setRateLimitHeaders(h http.Header, d ratelimit.Decision) {
	h.Set("RateLimit-Limit", strconv.Itoa(d.Limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(d.Remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(int(d.Reset/time.Second)))
}

// unavailable answers when the database cannot say who the caller is.
func (s *Server) unavailable(w http.ResponseWriter, r *http.Request, what string, err error) {
	id := reqctx.RequestID(r.Context())
	s.log.ErrorContext(r.Context(), what, "err", err)
	writeGraphQLError(w, http.StatusServiceUnavailable, apperr.Unavailable, "service unavailable, retry shortly (request "+id+")")
}

// writeGraphQLError answers outside GraphQL execution in GraphQL's shape, so
// clients read every failure the same way.
func writeGraphQLError(w http.ResponseWriter, status int, code apperr.Code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": message, "extensions": map[string]any{"code": string(code)}}},
	})
}
