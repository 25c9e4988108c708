package graph

import (
	"context"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/viewer"
)

// checkoutBuyer is who places an order: the signed-in customer, or a guest
// (nobody signed in). Resellers' keys do not shop.
func checkoutBuyer(ctx context.Context) (orders.Buyer, error) {
	id, err := viewer.CustomerID(ctx)
	if apperr.Is(err, apperr.Unauthenticated) {
		return orders.Buyer{}, nil
	}
	return orders.Buyer{UserID: id, Email: accountEmail(ctx)}, err
}

// orderBuyer is who acts on an existing order: the signed-in customer, or
// a guest with the order's access token. With neither, the caller must
// sign in.
func orderBuyer(ctx context.Context, accessToken *string) (orders.Buyer, error) {
	token := deref(accessToken)
	id, err := viewer.CustomerID(ctx)
	if apperr.Is(err, apperr.Unauthenticated) && token != "" {
		return orders.Buyer{GuestToken: token}, nil
	}
	return orders.Buyer{UserID: id, Email: accountEmail(ctx), GuestToken: token}, err
}

// accountEmail is the signed-in customer's email, read with the session.
func accountEmail(ctx context.Context) string {
	if a := viewer.From(ctx).Account; a != nil {
		return a.Email
	}
	return ""
}
