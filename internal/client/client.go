// Package client carries what the server knows of the caller's connection
// (address, user agent) to the services that record or throttle by it.
package client

import "context"

// Info describes the client of a request.
type Info struct {
	IP        string // from the connection, or from a trusted proxy's headers (Address)
	UserAgent string
}

type ctxKey struct{}

// With returns a context carrying info.
func With(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, ctxKey{}, info)
}

// From returns the client info in ctx (zero when none).
func From(ctx context.Context) Info {
	info, _ := ctx.Value(ctxKey{}).(Info)
	return info
}
