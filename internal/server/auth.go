package server

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/requestid"
	"github.com/teztelecom/tez/internal/viewer"
)

// withViewer resolves the bearer token into the viewer. A missing, expired
// or revoked token leaves the caller anonymous: `me` answers null and
// protected fields answer UNAUTHENTICATED.
func (s *Server) withViewer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		token = strings.TrimSpace(token)
		if !ok || token == "" {
			next.ServeHTTP(w, r)
			return
		}
		hash := sha256.Sum256([]byte(token))
		sess, err := s.store.SessionByTokenHash(r.Context(), hash[:])
		switch {
		case apperr.Is(err, apperr.NotFound):
			next.ServeHTTP(w, r)
			return
		case err != nil:
			s.log.ErrorContext(r.Context(), "resolve session", "err", err, "request_id", requestid.From(r.Context()))
			http.Error(w, "service unavailable", http.StatusServiceUnavailable)
			return
		}
		if sess.LastUsedAt == nil || time.Since(*sess.LastUsedAt) > time.Minute {
			// Off the request path; a lost touch costs nothing but accuracy.
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if err := s.store.TouchSession(ctx, sess.ID); err != nil {
					s.log.Warn("touch session", "err", err)
				}
			}()
		}
		v := viewer.Viewer{Kind: viewer.Customer, UserID: sess.UserID, SessionID: sess.ID}
		next.ServeHTTP(w, r.WithContext(viewer.With(r.Context(), v)))
	})
}
