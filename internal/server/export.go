package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/export"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/usage"
	"github.com/teztelecom/tez/internal/viewer"
)

// exportRoutes serves the customer's downloads, signed in by the same
// bearer token as the API.
func (s *Server) exportRoutes(mux *http.ServeMux) {
	mux.Handle("GET "+export.UsageCSVPath, s.withDeadline(apiHeaders(http.HandlerFunc(s.usageCSV))))
}

// usageCSV answers GET /export/usage.csv?iccid=…&from=…&to=…: the sessions
// My history shows for one of the customer's SIMs, as CSV, streamed. A SIM
// that is not theirs answers like one that does not exist.
func (s *Server) usageCSV(w http.ResponseWriter, r *http.Request) {
	me, ok := s.exportViewer(w, r)
	if !ok {
		return
	}
	rng, err := usageExportRange(r.URL.Query())
	if err != nil {
		writeGraphQLError(w, http.StatusBadRequest, apperr.Invalid, err.Error())
		return
	}
	loc := account.Location(me.Account.TimeZone)
	each := func(ctx context.Context, fn func(*store.UsageSession) error) error {
		return s.store.EachUsageSession(ctx, me.UserID, rng, fn)
	}
	err = export.UsageCSV(r.Context(), w, loc, each, func() error {
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="usage-`+rng.ICCID+`.csv"`)
		h.Set("Cache-Control", "no-store")
		return nil
	})
	switch {
	case err == nil:
	case apperr.Is(err, apperr.NotFound):
		writeGraphQLError(w, http.StatusNotFound, apperr.NotFound, "no such SIM card in your account")
	case w.Header().Get("Content-Disposition") == "":
		s.unavailable(w, r, "usage export", err)
	default:
		// The download has begun: all that is left is to cut it short,
		// which the client sees as an incomplete transfer.
		s.log.ErrorContext(r.Context(), "usage export cut short", "err", err)
		panic(http.ErrAbortHandler)
	}
}

// exportViewer is the signed-in customer of a download; anyone else gets
// 401 (anonymous, or a token that no longer works) or 403 (a reseller key).
func (s *Server) exportViewer(w http.ResponseWriter, r *http.Request) (viewer.Viewer, bool) {
	if _, err := viewer.CustomerID(r.Context()); err != nil {
		status := http.StatusForbidden
		if apperr.Is(err, apperr.Unauthenticated) {
			status = http.StatusUnauthorized
			w.Header().Set("WWW-Authenticate", `Bearer realm="tez"`)
		}
		writeGraphQLError(w, status, apperr.CodeOf(err), err.Error())
		return viewer.Viewer{}, false
	}
	v := viewer.From(r.Context())
	if v.Account == nil {
		v.Account = &store.User{TimeZone: account.DefaultTimeZone}
	}
	return v, true
}

// usageExportRange reads iccid (spaces ignored), from and to (RFC 3339,
// each optional) as usageSessions takes them.
func usageExportRange(q url.Values) (store.UsageRange, error) {
	id := strings.Join(strings.Fields(q.Get("iccid")), "")
	if id == "" {
		return store.UsageRange{}, apperr.New(apperr.Invalid, "iccid is required: /export/usage.csv?iccid=…")
	}
	if err := iccid.Valid(id); err != nil {
		return store.UsageRange{}, apperr.New(apperr.Invalid, "iccid: %s", err.Error())
	}
	var ends [2]*time.Time
	for i, name := range []string{"from", "to"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return store.UsageRange{}, apperr.New(apperr.Invalid, "%s must be an RFC 3339 time such as 2026-11-01T00:00:00+03:00, got %q", name, v)
		}
		ends[i] = &t
	}
	return usage.Range(id, ends[0], ends[1])
}
