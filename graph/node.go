package graph

import (
	"context"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/viewer"
)

// Global ID type names: the GraphQL type each ID names.
const (
	typeProduct = "Product"
	typeUser    = "User"
)

// maxNodes caps the nodes(ids:) list.
const maxNodes = 100

// fetchNode loads the object a global ID names. An ID of an unknown type, of
// a missing object or of someone else's object all answer nil: the client
// cannot tell them apart.
func (r *Resolver) fetchNode(ctx context.Context, id string) (relay.Node, error) {
	typ, key, err := relay.ParseGlobalID(id)
	if err != nil {
		return nil, err
	}
	var node relay.Node
	switch typ {
	case typeProduct:
		node, err = r.productByKey(ctx, key)
	case typeUser:
		node, err = r.userByKey(ctx, key)
	default:
		return nil, nil
	}
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	return node, err
}

func (r *Resolver) productByKey(ctx context.Context, key string) (relay.Node, error) {
	id, err := store.ParseID(key, "product")
	if err != nil {
		return nil, err
	}
	products, err := r.Store.ProductsByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	p, ok := products[id]
	if !ok {
		return nil, apperr.New(apperr.NotFound, "product not found")
	}
	return p, nil
}

// userByKey answers only the viewer's own account.
func (r *Resolver) userByKey(ctx context.Context, key string) (relay.Node, error) {
	id, err := store.ParseID(key, "user")
	if err != nil {
		return nil, err
	}
	if me, err := viewer.CustomerID(ctx); err != nil || me != id {
		return nil, apperr.New(apperr.NotFound, "user not found")
	}
	u, err := r.Store.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return u, nil
}
