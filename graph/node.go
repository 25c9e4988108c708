package graph

import (
	"context"
	"errors"
	"strings"

	"github.com/vikstrous/dataloadgen"

	"github.com/teztelecom/tez/graph/model"
	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/leanexec"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/viewer"
)

// maxNodes caps the nodes(ids:) list.
const maxNodes = 100

// nodeThunk starts loading the object a global ID names and returns how to
// wait for it, so that nodes(ids:) batches: every ID's load is asked before
// any is awaited. An ID of an unknown type, of a missing object or of
// someone else's object all answer nil: the client cannot tell them apart.
func (r *Resolver) nodeThunk(ctx context.Context, id string) func() (relay.Node, error) {
	typ, key, err := relay.ParseGlobalID(id)
	if err != nil {
		return func() (relay.Node, error) { return nil, err }
	}
	l := loadersFor(ctx)
	switch typ {
	case relay.TypeProduct:
		return byInt(ctx, key, l.productByID.Loader, model.NewProduct)
	case relay.TypeAddress:
		return byInt(ctx, key, l.addressByID, model.NewAddress)
	case relay.TypeOrder:
		return byInt(ctx, key, l.orderByID, func(o *store.Order) *store.Order { return o })
	case relay.TypeSimCard:
		return found(l.simCardByID.LoadThunk(ctx, key), func(s *store.SimCard) *store.SimCard { return s })
	case relay.TypeUsageSession:
		start, n, ok := strings.Cut(key, "|")
		if !ok {
			return none
		}
		return found(l.sessionByKey.LoadThunk(ctx, [2]string{start, n}), func(s *store.UsageSession) *store.UsageSession { return s })
	case relay.TypeUser:
		return func() (relay.Node, error) { return r.viewerUser(ctx, key) }
	}
	return none
}

func none() (relay.Node, error) { return nil, nil }

func byInt[V, N any](ctx context.Context, key string, l *dataloadgen.Loader[int64, V], conv func(*V) *N) func() (relay.Node, error) {
	id, err := store.ParseID(key, "object")
	if err != nil {
		return none
	}
	return found(l.LoadThunk(ctx, id), conv)
}

// found converts what a loader found to its GraphQL type, and its "not
// found" to the absent node.
func found[V, N any](thunk func() (V, error), conv func(*V) *N) func() (relay.Node, error) {
	return func() (relay.Node, error) {
		v, err := thunk()
		if errors.Is(err, dataloadgen.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return conv(&v), nil
	}
}

// viewerUser answers a User ID only for the viewer's own account.
func (r *Resolver) viewerUser(ctx context.Context, key string) (relay.Node, error) {
	id, err := store.ParseID(key, "user")
	if err != nil {
		return nil, nil
	}
	if me, err := viewer.CustomerID(ctx); err != nil || me != id {
		return nil, nil
	}
	u, err := leanexec.Remember(ctx, leanexec.Key("UserByID", id), func() (store.User, error) { return r.Store.UserByID(ctx, r.Store.DB(), id) })
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return model.NewUser(&u), nil
}
