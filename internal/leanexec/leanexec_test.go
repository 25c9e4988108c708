package leanexec

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

func collected(names ...string) []graphql.CollectedField {
	var out []graphql.CollectedField
	for _, n := range names {
		out = append(out, graphql.CollectedField{Field: &ast.Field{Name: n, Alias: n}})
	}
	return out
}

// Resolved fields run concurrently, yet the object keeps the selection's
// order; the slowest field first shows that order is not arrival order.
// Fields before the first one resolved on another goroutine are written in
// place, those after it into buffers of their own; both orders are tried.
func TestObjectKeepsOrderWhileResolvingConcurrently(t *testing.T) {
	for _, names := range [][]string{
		{"slow", "plain", "fast", "last"},
		{"first", "fast", "slow", "plain", "last"},
	} {
		fields := collected(names...)
		resolved := map[string]bool{"slow": true, "fast": true, "first": true}
		var w bytes.Buffer
		ok := Object(context.Background(), &w, fields, resolved, func(_ context.Context, w *bytes.Buffer, f graphql.CollectedField) bool {
			if f.Name == "slow" {
				time.Sleep(20 * time.Millisecond)
			}
			w.WriteString(strconv.Quote(f.Name))
			return true
		})
		var want strings.Builder
		want.WriteString("{")
		for i, n := range names {
			if i > 0 {
				want.WriteString(",")
			}
			fmt.Fprintf(&want, "%q:%q", n, n)
		}
		want.WriteString("}")
		if !ok || w.String() != want.String() {
			t.Errorf("Object = %v %s, want %s", ok, w.String(), want.String())
		}
	}
}

// A pool gives back no buffer grown past its bound: kept, it would hold
// that much memory for every small part it is later used for.
func TestBufferPoolDropsGrownBuffers(t *testing.T) {
	p := bufferPool{maxCap: 1 << 10}
	big := p.get()
	big.Grow(4 << 10)
	p.put(big)
	small := p.get()
	small.WriteString("part")
	p.put(small)
	for range 10 {
		b := p.get()
		if b == big {
			t.Fatal("the pool kept a buffer grown past its bound")
		}
		if b.Len() != 0 {
			t.Fatalf("a pooled buffer came back holding %q", b.String())
		}
	}
}

// A field that fails, or panics in its goroutine, gives the operation back
// (false) instead of writing a partial answer or crashing the server.
func TestFailuresGiveTheOperationBack(t *testing.T) {
	fields := collected("a", "b")
	for name, field := range map[string]Field{
		"a failing field": func(_ context.Context, w *bytes.Buffer, f graphql.CollectedField) bool { return f.Name != "b" },
		"a panic":         func(_ context.Context, w *bytes.Buffer, f graphql.CollectedField) bool { panic("boom") },
	} {
		var w bytes.Buffer
		if Object(context.Background(), &w, fields, map[string]bool{"a": true, "b": true}, field) {
			t.Errorf("%s: Object answered %s", name, w.String())
		}
	}
	var w bytes.Buffer
	if List(context.Background(), &w, 3, true, func(_ context.Context, w *bytes.Buffer, i int) bool {
		if i == 1 {
			panic("boom")
		}
		return true
	}) {
		t.Errorf("a panicking item: List answered %s", w.String())
	}
}

// Items of a concurrent list keep their order, and objects inside them do
// not fan out again.
func TestListKeepsOrder(t *testing.T) {
	for _, concurrent := range []bool{false, true} {
		var w bytes.Buffer
		ok := List(context.Background(), &w, 4, concurrent, func(ctx context.Context, w *bytes.Buffer, i int) bool {
			time.Sleep(time.Duration(4-i) * time.Millisecond)
			if concurrent && ctx.Value(inConcurrentList{}) == nil {
				t.Error("an item of a concurrent list does not know it")
			}
			w.WriteString(strconv.Itoa(i))
			return true
		})
		if want := `[0,1,2,3]`; !ok || w.String() != want {
			t.Errorf("concurrent=%v: List = %v %s, want %s", concurrent, ok, w.String(), want)
		}
	}
}
