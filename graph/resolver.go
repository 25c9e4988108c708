// Package graph holds the GraphQL resolvers: thin functions that read the
// arguments, authorise, call one service or loader and convert the result.
package graph

//go:generate go run ../cmd/gqlgen

import (
	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/address"
	"github.com/teztelecom/tez/internal/live"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/simcards"
	"github.com/teztelecom/tez/internal/store"
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
}
