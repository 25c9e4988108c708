// Package viewer says who is making the request: nobody, a signed-in
// customer, or a reseller with an API key. The HTTP layer puts it in the
// context; resolvers and services ask it before touching anyone's data.
package viewer

import (
	"context"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/store"
)

// Kind is the kind of caller.
type Kind string

// The kinds of callers (also the access log's viewer field).
const (
	Anonymous Kind = "anonymous"
	Customer  Kind = "customer"
	Reseller  Kind = "reseller"
)

// Viewer is the authenticated caller.
type Viewer struct {
	Kind      Kind
	UserID    int64 // customers
	SessionID int64 // customers: the session the token opened
	// SessionExpiresAt is when the customer's session ends (live updates
	// close then).
	SessionExpiresAt time.Time
	ResellerID       int64 // resellers
	KeyID            int64 // resellers: the API key used
	// Account is the customer's account as read with the session: resolvers
	// of `me` need no statement of their own.
	Account *store.User
}

type ctxKey struct{}

// With returns a context carrying v.
func With(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// From returns the viewer in ctx; anonymous when none was set.
func From(ctx context.Context) Viewer {
	v, ok := ctx.Value(ctxKey{}).(Viewer)
	if !ok {
		return Viewer{Kind: Anonymous}
	}
	return v
}

// CustomerID returns the signed-in customer's user id, Unauthenticated for
// anonymous callers and Forbidden for resellers (their keys never read
// customer data).
func CustomerID(ctx context.Context) (int64, error) {
	v := From(ctx)
	return v.idAs(Customer, v.UserID, "a reseller API key cannot read customer data",
		"sign in to see this: send Authorization: Bearer <token> from login")
}

// ResellerID returns the calling reseller's id, Forbidden for customers and
// Unauthenticated for anonymous callers.
func ResellerID(ctx context.Context) (int64, error) {
	v := From(ctx)
	return v.idAs(Reseller, v.ResellerID, "reseller fields need a reseller API key, not a customer session",
		"send a reseller API key as Authorization: Bearer tez_… or X-API-Key")
}

// idAs answers id when v is of kind want; Unauthenticated for anonymous
// callers and Forbidden for the other kind, with the messages given.
func (v Viewer) idAs(want Kind, id int64, forbidden, unauthenticated string) (int64, error) {
	switch v.Kind {
	case want:
		return id, nil
	case Customer, Reseller:
		return 0, apperr.New(apperr.Forbidden, "%s", forbidden)
	default:
		return 0, apperr.New(apperr.Unauthenticated, "%s", unauthenticated)
	}
}
