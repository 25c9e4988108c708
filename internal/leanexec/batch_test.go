package leanexec

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

type sim struct{ iccid string }

// A list resolves each selected batch field once, for all its items, the
// fields side by side; an item finds its own result, and only its own: an
// object that is not the item (the same field below another SIM) or a field
// the list did not resolve is resolved on its own.
func TestBatchFieldsResolveOnceForTheList(t *testing.T) {
	a, b, other := &sim{"a"}, &sim{"b"}, &sim{"other"}
	parents := []*sim{a, b}
	fields := collected("usage", "balance", "label")
	var calls atomic.Int32
	started := make(chan struct{})
	overlapped := false
	batch, ok := ResolveBatch(context.Background(), "SimCard", parents, fields, map[string]bool{"usage": true, "balance": true},
		func(_ context.Context, f graphql.CollectedField) (any, bool) {
			calls.Add(1)
			if f.Name == "usage" {
				select {
				case <-started:
					overlapped = true
				case <-time.After(200 * time.Millisecond):
				}
			} else {
				close(started)
			}
			out := make([]string, len(parents))
			for i, p := range parents {
				out[i] = f.Name + " of " + p.iccid
			}
			return out, true
		})
	if !ok || calls.Load() != 2 {
		t.Fatalf("ResolveBatch = %v after %d calls, want true after 2 (one a batch field)", ok, calls.Load())
	}
	if !overlapped {
		t.Error("two batch fields did not resolve side by side")
	}
	usage, label := fields[0].Field, fields[2].Field
	for i, p := range parents {
		ctx := batch.Item(context.Background(), i)
		if got, ok := BatchResult[*sim, string](ctx, "SimCard", usage, p); !ok || got != "usage of "+p.iccid {
			t.Errorf("item %d: BatchResult = %q %v, want its own usage", i, got, ok)
		}
		if _, ok := BatchResult[*sim, string](ctx, "SimCard", usage, other); ok {
			t.Errorf("item %d: another SIM below it found the item's usage", i)
		}
		if _, ok := BatchResult[*sim, string](ctx, "SimCard", label, p); ok {
			t.Errorf("item %d: a field the list did not resolve has a result", i)
		}
		if _, ok := BatchResult[*sim, string](ctx, "Order", usage, p); ok {
			t.Errorf("item %d: another type's field found the SIM's result", i)
		}
		if !Batched(ctx, "SimCard", p) || Batched(ctx, "SimCard", other) {
			t.Errorf("item %d: Batched says the wrong object", i)
		}
	}
}

// A batch field that fails or panics gives the operation back; an empty
// list or one selecting no batch field resolves nothing.
func TestBatchFailuresGiveTheOperationBack(t *testing.T) {
	parents := []*sim{{"a"}}
	for name, resolve := range map[string]func(context.Context, graphql.CollectedField) (any, bool){
		"a failing field": func(context.Context, graphql.CollectedField) (any, bool) { return nil, false },
		"a panic":         func(context.Context, graphql.CollectedField) (any, bool) { panic("boom") },
	} {
		if _, ok := ResolveBatch(context.Background(), "SimCard", parents, collected("usage"), map[string]bool{"usage": true}, resolve); ok {
			t.Errorf("%s: ResolveBatch answered", name)
		}
	}
	never := func(context.Context, graphql.CollectedField) (any, bool) { t.Error("resolved"); return nil, false }
	if b, ok := ResolveBatch(context.Background(), "SimCard", []*sim{}, collected("usage"), map[string]bool{"usage": true}, never); !ok || b != nil {
		t.Error("an empty list resolved its batch fields")
	}
	if b, ok := ResolveBatch(context.Background(), "SimCard", parents, collected("label"), map[string]bool{"usage": true}, never); !ok || b != nil {
		t.Error("a list selecting no batch field resolved one")
	}
	if ctx := (*Batch)(nil).Item(context.Background(), 0); ctx != context.Background() {
		t.Error("a nil Batch changed the item's context")
	}
}
