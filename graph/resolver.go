// Package graph holds the GraphQL resolvers: thin functions that read the
// arguments, authorise, call one service or loader and convert the result
// to its GraphQL type (graph/model).
package graph

//go:generate go run ../cmd/gqlgen

import (
	"context"
	"time"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/address"
	"github.com/teztelecom/tez/internal/leanexec"
	"github.com/teztelecom/tez/internal/live"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/simcards"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/usage"
)

// Resolver carries the dependencies of every resolver.
type Resolver struct {
	Store     *store.Store
	Accounts  *account.Service
	Addresses *address.Service
	SIMs      *simcards.Service
	Resellers *reseller.Service
	Orders    *orders.Service
	// Live fans changes out to subscriptions; nil turns them off.
	Live *live.Hub
	// PublicURL is where customers reach the service: links start there.
	PublicURL string
	// UsageRetentionMonths is the sessions' retention (TEZ_USAGE_RETENTION);
	// 0 keeps everything.
	UsageRetentionMonths int
}

// archivedBefore says where a history's range stops being kept: the
// retention, or how far back months were retired already (one statement per
// operation, however many histories ask, and only when one does).
func (r *Resolver) archivedBefore(ctx context.Context, rng store.UsageRange) (*time.Time, error) {
	retired, err := leanexec.Remember(ctx, leanexec.Key("UsageRetiredBefore"), func() (time.Time, error) {
		return r.Store.UsageRetiredBefore(ctx, r.Store.DB())
	})
	if err != nil {
		return nil, err
	}
	return usage.ArchivedBefore(r.UsageRetentionMonths, retired, rng.From, time.Now()), nil
}
