package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/pgdriver"
	"github.com/teztelecom/tez/internal/reqctx"
	"github.com/teztelecom/tez/internal/viewer"
)

// withRequestID takes the client's X-Request-Id when it is sane, else makes
// one, and echoes it in the response; it also notes the client's address.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !reqctx.ValidRequestID(id) {
			id = reqctx.NewRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		ip := reqctx.ClientAddress(r, s.cfg.TrustedProxies)
		ctx := reqctx.WithClient(reqctx.WithRequestID(r.Context(), id), reqctx.Client{IP: ip, UserAgent: r.UserAgent(), AcceptLanguage: r.Header.Get("Accept-Language")})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// statusWriter remembers the status code for the access log and, when
// asked, writes the request's SQL statement count as a header just before
// the response starts (all of a GraphQL request's SQL is done by then).
type statusWriter struct {
	http.ResponseWriter
	status   int
	counter  *pgdriver.Counter
	countHdr bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		if w.countHdr {
			w.Header().Set("X-SQL-Statements", strconv.Itoa(w.counter.Count()))
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush sends what is buffered: SSE streams need it (gqlgen's transport
// asks for an http.Flusher itself, not through Unwrap).
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// withAccessLog writes one line per request, with the number of SQL
// statements it sent (counted from here in, so the credential check counts).
// It never logs headers or bodies: they carry tokens and passwords.
func (s *Server) withAccessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, counter := pgdriver.WithCounter(r.Context())
		ctx, fields := reqctx.WithLogFields(ctx)
		fields.Viewer = string(viewer.Anonymous)
		sw := &statusWriter{ResponseWriter: w, counter: counter, countHdr: s.cfg.SQLCountHeader}
		r = r.WithContext(ctx)
		next.ServeHTTP(sw, r)
		s.log.InfoContext(r.Context(), "request",
			"method", r.Method,
			"path", r.URL.Path,
			"status", sw.status,
			"duration_ms", float64(time.Since(start).Microseconds())/1000,
			"viewer", fields.Viewer,
			"operation", fields.Operation,
			"sql", counter.Count(),
		)
		s.metrics.Request(route(r.URL.Path), sw.status, counter.Count())
	})
}

// withDeadline bounds a request: its SQL is cancelled when the time is up,
// as it is when the client disconnects (the request context flows down to
// every statement).
func (s *Server) withDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// apiHeaders are the security headers of API answers: JSON that is never
// rendered, framed, cached or sent along as a referrer.
func apiHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// route names a request's path for metrics: known routes by name, anything
// else (client-chosen, unbounded) as "other".
func route(path string) string {
	switch path {
	case "/graphql", "/healthz", "/readyz", "/metrics", "/":
		return path
	}
	return "other"
}

// limitBody refuses bodies over maxBodyBytes with a clear error, not a
// 500: at once when the length is declared, else when reading passes it.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBodyBytes {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, apperr.BadRequest, "the request body is over 1 MiB")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		next.ServeHTTP(w, r)
	})
}
