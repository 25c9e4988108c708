package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/teztelecom/tez/graph/model"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/usage"
)

// Batch resolvers (batch: true in gqlgen.yml) receive all the parents of a
// list at once, on either executor, and answer one result per parent in
// their order. They hand all their keys to a loader at once (LoadAll), so a
// list costs one statement per field however long it is.

// resolveAll loads keys (one per parent) and makes each parent's result
// from its value; a key's error is its parent's.
func resolveAll[K comparable, V, R any](ctx context.Context, l *batchLoader[K, V], keys []K, result func(i int, v V) R) ([]R, error) {
	vals, err := l.LoadAll(ctx, keys)
	out := make([]R, len(keys))
	for i, v := range vals {
		out[i] = result(i, v)
	}
	return out, err
}

// spread places the results of some parents (those at positions at, in
// order) among n, the others' left zero; their errors move with them.
func spread[R any](n int, at []int, results []R, err error) ([]R, error) {
	out := make([]R, n)
	for j, i := range at {
		out[i] = results[j]
	}
	if errs, ok := err.(graphql.BatchErrorList); ok {
		moved := make(graphql.BatchErrorList, n)
		for j, i := range at {
			moved[i] = errs[j]
		}
		return out, moved
	}
	return out, err
}

// eachAfterCursor reads a page after a cursor for every parent, one by one:
// a cursor is one parent's own, so no batch serves it.
func eachAfterCursor[P, R any](parents []P, read func(P) (R, error)) ([]R, error) {
	out := make([]R, len(parents))
	for i, p := range parents {
		r, err := read(p)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// usageRanges is the range from–to of every SIM.
func usageRanges(sims []*model.SimCard, from, to *time.Time) ([]store.UsageRange, error) {
	out := make([]store.UsageRange, len(sims))
	for i, s := range sims {
		r, err := usage.Range(s.ICCID, from, to)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// runOuts projects each SIM's run-out (ledger.RunOut) from its balance,
// when that was brought up to date, and what it spent, read for all of
// them in one statement: only when the run-out is asked.
func runOuts[P any](ctx context.Context, sims []P, of func(P) (iccid string, asOf time.Time, balance int64)) ([]*time.Time, error) {
	iccids := make([]string, len(sims))
	for i, s := range sims {
		iccids[i], _, _ = of(s)
	}
	return resolveAll(ctx, loadersFor(ctx).spentByICCID, iccids, func(i int, spent int64) *time.Time {
		_, asOf, balance := of(sims[i])
		return ledger.RunOut(asOf, balance, spent)
	})
}

// resellerSIMsTogether makes the SIMs of a reseller's page siblings
// (Loaders.simsTogether), so that the page's run-outs are one statement.
func resellerSIMsTogether[E any](ctx context.Context, edges []E, node func(E) *model.ResellerSimCard) {
	iccids := make([]string, len(edges))
	for i, e := range edges {
		iccids[i] = node(e).ICCID
	}
	loadersFor(ctx).simsTogether(iccids)
}
