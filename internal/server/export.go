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
	mux.Handle("GET "+export.AccountJSONPath, s.withDeadline(apiHeaders(http.HandlerFunc(s.accountJSON))))
}

// accountJSON answers GET /export/account.json: everything the service
// keeps about the customer, one JSON document, streamed; the customer is
// mailed that it was downloaded.
func (s *Server) accountJSON(w http.ResponseWriter, r *http.Request) {
	me, ok := s.exportViewer(w, r)
	if !ok {
		return
	}
	now := time.Now()
	each := func(ctx context.Context, fn func(store.ExportSection, []byte) error) error {
		return s.store.InSnapshot(ctx, func(q store.Querier) error { return s.store.ExportAccount(ctx, q, me.UserID, fn) })
	}
	err := export.AccountJSON(r.Context(), w, now, each, func() error {
		attachment(w.Header(), "application/json; charset=utf-8", "tez-account-"+now.UTC().Format("2006-01-02")+".json")
		return nil
	})
	if err == nil {
		err = s.accounts.NotifyDataExport(r.Context(), me.UserID, now)
		if err != nil {
			s.log.ErrorContext(r.Context(), "mail about the data export", "err", err)
		}
		return
	}
	s.downloadFailed(w, r, "account export", err)
}

// attachment sets the headers of a download.
func attachment(h http.Header, contentType, filename string) {
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
}

// downloadFailed answers a download's error: 404 for what is not the
// customer's, 503 before the body began, and once it has begun a cut,
// which the client sees as an incomplete transfer.
func (s *Server) downloadFailed(w http.ResponseWriter, r *http.Request, what string, err error) {
	switch {
	case apperr.Is(err, apperr.NotFound):
		writeGraphQLError(w, http.StatusNotFound, apperr.NotFound, "no such SIM card in your account")
	case w.Header().Get("Content-Disposition") == "":
		s.unavailable(w, r, what, err)
	default:
		s.log.ErrorContext(r.Context(), what+" cut short", "err", err)
		panic(http.ErrAbortHandler)
	}
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
		return s.store.InSnapshot(ctx, func(q store.Querier) error { return s.store.EachUsageSession(ctx, q, me.UserID, rng, fn) })
	}
	err = export.UsageCSV(r.Context(), w, loc, each, func() error {
		attachment(w.Header(), "text/csv; charset=utf-8", "usage-"+rng.ICCID+".csv")
		return nil
	})
	if err != nil {
		s.downloadFailed(w, r, "usage export", err)
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
