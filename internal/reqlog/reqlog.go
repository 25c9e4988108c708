// Package reqlog collects, during a request, the access-log fields that
// inner layers learn (who the caller is, which operation ran), so the one
// access-log line written at the end can carry them.
package reqlog

import "context"

// Fields are the learned access-log fields.
type Fields struct {
	Viewer    string
	Operation string
}

type ctxKey struct{}

// With returns a context carrying fresh Fields.
func With(ctx context.Context) (context.Context, *Fields) {
	f := &Fields{}
	return context.WithValue(ctx, ctxKey{}, f), f
}

// From returns the request's Fields; a throwaway value when there are none,
// so callers never check.
func From(ctx context.Context) *Fields {
	if f, ok := ctx.Value(ctxKey{}).(*Fields); ok {
		return f
	}
	return &Fields{}
}
