package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/secret"
)

// The web account's sign-in (docs/frontend.md, "The web account").
// The browser holds the session token only in an HttpOnly cookie its
// scripts cannot read. Beside it, a readable cookie carries a CSRF token
// derived from the session token; the account's scripts echo it in
// X-CSRF-Token, which another site can neither read nor send without a
// CORS preflight this service refuses. A request with the cookie but
// without the matching header is anonymous.
const (
	sessionCookie = "tez_session"
	csrfCookie    = "tez_csrf"
	csrfHeader    = "X-CSRF-Token"
	sessionPath   = "/account/session"
)

// csrfFor is the CSRF token of a session token: an HMAC keyed by the
// secret token, so it names the session without revealing it, and a token
// planted from elsewhere matches no session.
func csrfFor(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("tez web csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// cookieToken is the session token of the cookie when the request may use
// it: not sent from another site (by Sec-Fetch-Site, or an Origin that is
// not the service's own, for browsers that send no Sec-Fetch-Site), and
// carrying the CSRF token, except for a download opened by a link
// (GET /export/…), which changes nothing and whose answer only the
// browser's own user sees. The live balance's SSE stream is such a
// request too: a POST with the header, so the same rules hold for it.
func (s *Server) cookieToken(r *http.Request) (string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || reseller.LooksLikeKey(c.Value) {
		return "", false
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" || !s.ownOrigin(r) {
		return "", false
	}
	if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/export/") {
		return c.Value, true
	}
	if !hmac.Equal([]byte(r.Header.Get(csrfHeader)), []byte(csrfFor(c.Value))) {
		return "", false
	}
	return c.Value, true
}

// ownOrigin: no Origin (a link followed, not a browser), or the service's
// own (the request's host, or TEZ_PUBLIC_URL's behind a proxy). Unlike
// originAllowed, TEZ_CORS_ORIGINS do not count: they get no credentials.
func (s *Server) ownOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if u.Host == r.Host {
		return true
	}
	pub, err := url.Parse(s.cfg.PublicURL)
	return err == nil && pub.Host != "" && u.Scheme == pub.Scheme && u.Host == pub.Host
}

// signedIn says whether a page request comes from a browser the cookie
// signs in; it only chooses which page to answer, reading no data.
func (s *Server) signedIn(r *http.Request) bool {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return false
	}
	_, err = s.store.SessionByTokenHash(r.Context(), s.store.DB(), secret.TokenHash(c.Value))
	return err == nil
}

func (s *Server) setSessionCookies(w http.ResponseWriter, token string, maxAge int) {
	for _, c := range []*http.Cookie{
		{Name: sessionCookie, Value: token, HttpOnly: true},
		{Name: csrfCookie, Value: csrfFor(token)},
	} {
		c.Path, c.MaxAge, c.SameSite, c.Secure = "/", maxAge, http.SameSiteLaxMode, s.cfg.Production()
		if maxAge < 0 {
			c.Value = ""
		}
		http.SetCookie(w, c)
	}
}

// sessionRoutes serves POST /account/session, which hands the token of a
// login or register answer to the browser as the cookie, and DELETE, which
// forgets it (logout ends the session itself).
func (s *Server) sessionRoutes(mux *http.ServeMux) {
	guard := http.NewCrossOriginProtection()
	if u, err := url.Parse(s.cfg.PublicURL); err == nil && u.Host != "" {
		_ = guard.AddTrustedOrigin(u.Scheme + "://" + u.Host) // pages.Routes warns when it is not an origin
	}
	mux.Handle("POST "+sessionPath, guard.Handler(http.HandlerFunc(s.startSession)))
	mux.Handle("DELETE "+sessionPath, guard.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.setSessionCookies(w, "", -1)
		w.WriteHeader(http.StatusNoContent)
	})))
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	// JSON only: a form another site posts cannot be JSON without a preflight.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeGraphQLError(w, http.StatusUnsupportedMediaType, apperr.BadRequest, `send {"token": "<the token login answered>"} as application/json`)
		return
	}
	var body struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&body); err != nil || body.Token == "" {
		writeGraphQLError(w, http.StatusBadRequest, apperr.BadRequest, `send {"token": "<the token login answered>"}`)
		return
	}
	sess, err := s.store.SessionByTokenHash(r.Context(), s.store.DB(), secret.TokenHash(body.Token))
	switch {
	case apperr.Is(err, apperr.NotFound) || reseller.LooksLikeKey(body.Token):
		writeGraphQLError(w, http.StatusUnauthorized, apperr.Unauthenticated, "this token opens no session: sign in again")
		return
	case err != nil:
		s.unavailable(w, r, "resolve session", err)
		return
	}
	s.setSessionCookies(w, body.Token, int(time.Until(sess.ExpiresAt)/time.Second))
	w.WriteHeader(http.StatusNoContent)
}
