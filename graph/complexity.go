package graph

import (
	"time"

	"github.com/teztelecom/tez/graph/generated"
	"github.com/teztelecom/tez/graph/model"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/reseller"
)

// Bounds of the lists that have no page size: what the account allows or
// what a customer plausibly has, so a query's cost is priced at its worst.
const (
	maxSIMsPerCustomer = 50
	maxAddresses       = 20
	maxOrderLines      = 10
)

// pageCost prices a connection: its items' cost times the page size asked
// (or the default), plus the connection itself.
func pageCost(child int, first, last *int) int {
	n := relay.DefaultPageSize
	if first != nil {
		n = *first
	} else if last != nil {
		n = *last
	}
	return 1 + child*max(n, 1)
}

// listCost prices a list of at most n items.
func listCost(child, n int) int { return 1 + child*n }

// setComplexity makes list fields cost in proportion to what they can
// return, so the complexity limit stops queries that fan out too far.
func setComplexity(c *generated.ComplexityRoot) {
	c.Query.Products = func(child int, first *int, _ *string, last *int, _ *string, _ *model.ProductKind) int {
		return pageCost(child, first, last)
	}
	c.Query.Nodes = func(child int, ids []string) int { return listCost(child, len(ids)) }
	// Priced on its list, not on the query field: gqlgen decodes a field's
	// arguments to call its cost function, and the resolver decodes them
	// again, 500 ICCIDs checked twice.
	c.ResellerSimCards.SimCards = func(child int) int { return listCost(child, reseller.MaxBalanceICCIDs) }
	c.Reseller.SimCards = func(child int, first *int, _ *string, _ *model.SimStatus) int { return pageCost(child, first, nil) }
	c.User.SimCards = func(child int) int { return listCost(child, maxSIMsPerCustomer) }
	c.User.Addresses = func(child int) int { return listCost(child, maxAddresses) }
	c.User.Orders = func(child int, first *int, _ *string, last *int, _ *string, _ *model.OrderStatus) int {
		return pageCost(child, first, last)
	}
	c.Order.Items = func(child int) int { return listCost(child, maxOrderLines) }
	c.SimCard.UsageSessions = func(child int, _, _ *time.Time, first *int, _ *string, last *int, _ *string) int {
		return pageCost(child, first, last)
	}
	c.SimCard.RecentUsageSessions = func(child int, _ *int) int { return listCost(child, maxRecentSessions) }
	c.SimCard.BalanceEntries = func(child int, first *int, _ *string) int { return pageCost(child, first, nil) }
}
