// Package reqctx carries what the server learns of a request through its
// context: the caller's connection (address, user agent, languages) for the services
// that record or throttle by it, the request id that every log line and
// masked error names, and the access-log fields inner layers learn.
package reqctx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// Client describes the client of a request.
type Client struct {
	IP        string // from the connection, or from a trusted proxy's headers (ClientAddress)
	UserAgent string
	// AcceptLanguage is the client's Accept-Language header: the language
	// a new account gets when registration names none.
	AcceptLanguage string
}

// slot is the context key of this package's value of type T.
type slot[T any] struct{}

func with[T any](ctx context.Context, v T) context.Context {
	return context.WithValue(ctx, slot[T]{}, v)
}

func from[T any](ctx context.Context) (T, bool) {
	v, ok := ctx.Value(slot[T]{}).(T)
	return v, ok
}

// WithClient returns a context carrying the client info.
func WithClient(ctx context.Context, c Client) context.Context { return with(ctx, c) }

// ClientFrom returns the client info in ctx (zero when none).
func ClientFrom(ctx context.Context) Client {
	c, _ := from[Client](ctx)
	return c
}

type requestID string

// WithRequestID returns a context carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return with(ctx, requestID(id))
}

// RequestID returns the request id in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := from[requestID](ctx)
	return string(id)
}

// NewRequestID makes a random request id.
func NewRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on Linux
	return hex.EncodeToString(b[:])
}

// ValidRequestID reports whether a client-supplied id is safe to echo and
// log: short, and only letters, digits, dashes, dots and underscores.
func ValidRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

// LogFields are the access-log fields inner layers learn during a request
// (who the caller is, which operation ran), so the one access-log line
// written at the end can carry them.
type LogFields struct {
	Viewer    string
	Operation string
}

// WithLogFields returns a context carrying fresh LogFields.
func WithLogFields(ctx context.Context) (context.Context, *LogFields) {
	f := &LogFields{}
	return with(ctx, f), f
}

// LogFieldsFrom returns the request's LogFields; a throwaway value when
// there are none, so callers never check.
func LogFieldsFrom(ctx context.Context) *LogFields {
	if f, ok := from[*LogFields](ctx); ok {
		return f
	}
	return &LogFields{}
}
