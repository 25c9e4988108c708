package leanexec

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
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

// Items of a list keep their order, whether they run concurrently, in
// place, or in chunks side by side (a long list of plain items; 22 items
// on 3 cores make chunks of 8, 8 and 6); and objects inside a concurrent
// list do not fan out again.
func TestListKeepsOrder(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	for _, c := range []struct {
		n          int
		concurrent bool
	}{{4, false}, {4, true}, {22, false}} {
		var w bytes.Buffer
		ok := List(context.Background(), &w, c.n, c.concurrent, func(ctx context.Context, w *bytes.Buffer, i int) bool {
			time.Sleep(time.Duration(c.n-i) * 200 * time.Microsecond)
			if c.concurrent && ctx.Value(inConcurrentList{}) == nil {
				t.Error("an item of a concurrent list does not know it")
			}
			w.WriteString(strconv.Itoa(i))
			return true
		})
		want := make([]string, c.n)
		for i := range want {
			want[i] = strconv.Itoa(i)
		}
		if got := w.String(); !ok || got != "["+strings.Join(want, ",")+"]" {
			t.Errorf("%d items, concurrent=%v: List = %v %s", c.n, c.concurrent, ok, got)
		}
	}
	var w bytes.Buffer
	if List(context.Background(), &w, 22, false, func(_ context.Context, w *bytes.Buffer, i int) bool { return i != 17 }) {
		t.Errorf("a failing item in the last chunk: List answered %s", w.String())
	}
}

// Under a Loan, Response hands out its pooled buffer itself until Return;
// without one, a copy, which the pool's next use of the buffer leaves as
// it is.
func TestResponseLendsItsBufferOnlyUnderALoan(t *testing.T) {
	write := func(w *bytes.Buffer) bool { w.WriteString(`{"a":1}`); return true }
	ctx, loan := WithLoan(context.Background())
	data, ok := Response(ctx, write)
	if !ok || string(data) != `{"a":1}` {
		t.Fatalf("Response = %v %s", ok, data)
	}
	if loan.b == nil || &loan.b.Bytes()[0] != &data[0] {
		t.Error("the response is not the lent buffer")
	}
	loan.Return()
	if loan.b != nil {
		t.Error("the loan kept its buffer after Return")
	}

	data, _ = Response(context.Background(), write)
	b := responseBuffers.get()
	b.WriteString(`{"b":2}`)
	responseBuffers.put(b)
	if string(data) != `{"a":1}` {
		t.Errorf("without a loan the response changed with the pool's buffer: %s", data)
	}
}

// spawn runs every piece of work, however many at once, and keeps no more
// than maxIdle workers once they are done; later work reuses them instead
// of starting goroutines.
func TestSpawnRunsAllAndKeepsFewWorkers(t *testing.T) {
	before := runtime.NumGoroutine()
	const n = 3 * maxIdle
	release := make(chan struct{})
	var started, done sync.WaitGroup
	started.Add(n)
	done.Add(n)
	for range n {
		spawn(func() {
			started.Done()
			<-release
			done.Done()
		})
	}
	started.Wait() // all n at once: none waited for another's worker
	close(release)
	done.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+maxIdle && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := runtime.NumGoroutine() - before; got > maxIdle {
		t.Fatalf("%d goroutines left after the work, want at most %d idle workers", got, maxIdle)
	}
	kept := runtime.NumGoroutine()
	for range 10 * maxIdle {
		var one sync.WaitGroup
		one.Add(1)
		spawn(one.Done)
		one.Wait()
	}
	if got := runtime.NumGoroutine(); got > kept {
		t.Errorf("sequential work left %d goroutines, %d before: it started workers instead of reusing them", got, kept)
	}
}
