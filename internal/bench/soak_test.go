package bench

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The soak reports what happened, not what was planned: each operation's
// count and errors as the operations themselves counted them, the samples
// taken, a memory that grows as a rising slope and flat connections as
// none, the fault and the errors it caused apart from the others.
func TestSoakReportsWhatItMeasured(t *testing.T) {
	var mu sync.Mutex
	calls := map[string]int{}
	count := func(name string) {
		mu.Lock()
		calls[name]++
		mu.Unlock()
	}
	var faulted atomic.Bool
	ops := []Op{
		{Name: "read", Weight: 3, Do: func(ctx context.Context, _ *rand.Rand) error {
			count("read")
			if faulted.Load() {
				return errors.New("database restarting")
			}
			return nil
		}},
		{Name: "write", Weight: 1, Do: func(ctx context.Context, rng *rand.Rand) error {
			count("write")
			return nil
		}},
	}
	var jobs atomic.Int32
	var samples atomic.Int32
	s := Soak{
		Ops: ops, Rate: 400, Duration: 1500 * time.Millisecond, MaxInFlight: 8,
		Every: []Every{{Name: "import", Interval: 200 * time.Millisecond, Do: func(context.Context) error {
			jobs.Add(1)
			return nil
		}}},
		Faults: []Fault{{Name: "restart", At: 500 * time.Millisecond, Do: func(context.Context) error {
			faulted.Store(true)
			time.Sleep(50 * time.Millisecond)
			faulted.Store(false)
			return nil
		}}},
		SampleEvery: 50 * time.Millisecond,
		Sample: func(context.Context) (Sample, error) {
			n := samples.Add(1)
			return Sample{RSSMiB: 100 + float64(n), DBConns: 7}, nil
		},
	}
	// A stray calling after the run would change the counts it is compared to.
	rep := s.Run(context.Background())

	mu.Lock()
	defer mu.Unlock()
	byName := map[string]*OpStats{}
	for _, o := range rep.Ops {
		byName[o.Name] = o
	}
	// Operations cut off by the end are neither: at most MaxInFlight of them.
	for _, name := range []string{"read", "write"} {
		if got, made := byName[name].Count, calls[name]; got > made || made-got > s.MaxInFlight {
			t.Errorf("%s: reported %d, the operation ran %d times", name, got, made)
		}
	}
	if byName["read"].Count == 0 || byName["write"].Count == 0 {
		t.Fatalf("nothing ran: %+v", rep.Ops)
	}
	if byName["write"].Errors != 0 || byName["read"].Errors == 0 || !strings.Contains(byName["read"].FirstError, "restarting") {
		t.Errorf("errors: read %d (%q), write %d; want the reads during the fault only", byName["read"].Errors, byName["read"].FirstError, byName["write"].Errors)
	}
	if rep.ErrorsOutsideFaults != 0 || rep.Errors() != byName["read"].Errors {
		t.Errorf("%d errors outside the fault, %d in all; want 0 and the reads'", rep.ErrorsOutsideFaults, rep.Errors())
	}
	if got := byName["import"].Count; got == 0 || got > int(jobs.Load()) {
		t.Errorf("import reported %d times, ran %d", got, jobs.Load())
	}
	if len(rep.Faults) != 1 || rep.Faults[0].Name != "restart" || rep.Faults[0].Error != "" || rep.Faults[0].Errors != byName["read"].Errors {
		t.Errorf("faults = %+v", rep.Faults)
	}
	if len(rep.Samples) == 0 || len(rep.Samples) > int(samples.Load()) {
		t.Errorf("%d samples reported, %d taken", len(rep.Samples), samples.Load())
	}
	if rep.RSSSlopeMiBPerHour <= 0 || math.Abs(rep.ConnSlopePerHour) > 1e-6 {
		t.Errorf("slopes: RSS %+.1f MiB/h (it grew at every sample), connections %+.1f /h (constant)", rep.RSSSlopeMiBPerHour, rep.ConnSlopePerHour)
	}
	var out strings.Builder
	PrintSoak(&out, rep, 800, 0)
	for _, want := range []string{"read", "write", "import", "fault at", "restart", "tez ledger check: clean", "slope over the second half"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestSlope(t *testing.T) {
	for _, c := range []struct {
		x, y []float64
		want float64
	}{
		{[]float64{0, 1, 2, 3}, []float64{5, 7, 9, 11}, 2},
		{[]float64{0, 1, 2}, []float64{4, 4, 4}, 0},
		{[]float64{1, 1}, []float64{1, 9}, 0}, // x does not vary
	} {
		if got := Slope(c.x, c.y); got != c.want {
			t.Errorf("Slope(%v, %v) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}
