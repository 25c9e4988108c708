package graph

import (
	"context"

	"github.com/teztelecom/tez/graph/model"
)

// changedUser is a payload's user: the customer as stored after the
// mutation, for a client to update its cache from the answer alone. It is
// read only when the payload selects it; the request's loaders then forget
// the customer's lists they hold, as an earlier mutation of the same
// document may have changed them.
func (r *Resolver) changedUser(ctx context.Context, id int64) (*model.User, error) {
	if id == 0 || descend(ctx, []string{"user"}) == nil {
		return nil, nil
	}
	l := loadersFor(ctx)
	l.addressesByUser.Clear(id)
	l.simCardsByUser.Clear(id)
	u, err := r.Store.UserByID(ctx, r.Store.DB(), id)
	if err != nil {
		return nil, err
	}
	return model.NewUser(&u), nil
}
