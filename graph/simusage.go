package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/teztelecom/tez/graph/scalar"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/usage"
)

// simUsageShown is what the selection of the list of SIM cards being
// resolved shows of each SIM's usage that the list's statement can read
// along (store.SimUsageAsk): the first usage(from:, to:) and the first
// newest-sessions read (the first page of usageSessions, or
// recentUsageSessions) it selects, with their arguments as their resolvers
// read them, so that their keys are the loaders' own. Any other, and
// arguments their resolvers refuse, are left to those resolvers, which
// report them.
func simUsageShown(ctx context.Context) store.SimUsageAsk {
	var ask store.SimUsageAsk
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || !graphql.HasOperationContext(ctx) {
		return ask
	}
	op := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFields(op, fc.Field.Selections, []string{"SimCard"}) {
		args := f.ArgumentMap(op.Variables)
		switch f.Name {
		case "usage":
			if ask.Totals != nil {
				continue
			}
			from, okFrom := dateTimeArg(args, "from")
			to, okTo := dateTimeArg(args, "to")
			if !okFrom || !okTo || from == nil || to == nil {
				continue
			}
			if r, err := usage.Range("", from, to); err == nil {
				ask.Totals = &r
			}
		case "usageSessions":
			if ask.Newest.Limit > 0 {
				continue
			}
			if key, ok := firstSessionsPageArgs(args); ok {
				ask.Newest = key
			}
		case "recentUsageSessions":
			if ask.Newest.Limit > 0 {
				continue
			}
			if limit, ok := intArg(args, "limit"); ok {
				if key, err := recentKey("", limit); err == nil {
					ask.Newest = key
				}
			}
		}
	}
	return ask
}

// firstSessionsPageArgs is the newestSessions key of usageSessions' arguments
// when they ask a first page (firstSessionsPage).
func firstSessionsPageArgs(args map[string]any) (store.NewestKey, bool) {
	from, okFrom := dateTimeArg(args, "from")
	to, okTo := dateTimeArg(args, "to")
	first, okFirst := intArg(args, "first")
	last, okLast := intArg(args, "last")
	after, okAfter := stringArg(args, "after")
	before, okBefore := stringArg(args, "before")
	if !okFrom || !okTo || !okFirst || !okLast || !okAfter || !okBefore {
		return store.NewestKey{}, false
	}
	rng, err := usage.Range("", from, to)
	if err != nil {
		return store.NewestKey{}, false
	}
	page, err := relay.Args{First: first, After: after, Last: last, Before: before}.Page(2)
	if err != nil {
		return store.NewestKey{}, false
	}
	return firstSessionsPage(rng, page)
}

// firstSessionsPage is the newestSessions key of the first page of a SIM's
// history in rng; false for a page after or before a cursor.
func firstSessionsPage(rng store.UsageRange, page relay.Page) (store.NewestKey, bool) {
	if page.After != nil || page.Before != nil || page.Backward {
		return store.NewestKey{}, false
	}
	return store.NewestKey{UsageRange: rng, Limit: page.Fetch()}, true
}

// arg gives an argument's value as its resolver gets it (nil when absent
// or null), and false when it does not parse, which the resolver will
// report.
func arg[T any](args map[string]any, name string, unmarshal func(any) (T, error)) (*T, bool) {
	v, ok := args[name]
	if !ok || v == nil {
		return nil, true
	}
	t, err := unmarshal(v)
	return &t, err == nil
}

func dateTimeArg(args map[string]any, name string) (*time.Time, bool) {
	return arg(args, name, scalar.UnmarshalDateTime)
}

func intArg(args map[string]any, name string) (*int, bool) {
	return arg(args, name, graphql.UnmarshalInt)
}

func stringArg(args map[string]any, name string) (*string, bool) {
	return arg(args, name, graphql.UnmarshalString)
}
