package bench

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// Op is one operation of a soak's mix: what a client does (a dashboard, a
// checkout paid on the sandbox page), checking every answer it gets.
type Op struct {
	Name   string
	Weight int // share of the mix
	Do     func(ctx context.Context, rng *rand.Rand) error
}

// Every is a job run at a fixed interval beside the mix (a CDR import).
type Every struct {
	Name     string
	Interval time.Duration
	Do       func(ctx context.Context) error
}

// Fault is something done to the service once, At into the run (a server
// killed, the database restarted); it answers when it is over.
type Fault struct {
	Name string
	At   time.Duration
	Do   func(ctx context.Context) error
}

// Sample is the service's resources at one moment of the run.
type Sample struct {
	At      time.Duration `json:"at_ns"`
	RSSMiB  float64       `json:"rss_mib"`  // the servers' resident memory, together
	DBConns int           `json:"db_conns"` // the servers' open database connections
}

// Soak drives a mixed load at a fixed rate (an open loop: operations start
// on time whether or not earlier ones are done) for Duration, samples the
// servers' resources every SampleEvery, and runs the periodic jobs and the
// faults on schedule.
type Soak struct {
	Ops         []Op
	Rate        float64 // operations per second, all ops together
	Duration    time.Duration
	Every       []Every
	Faults      []Fault
	SampleEvery time.Duration
	Sample      func(ctx context.Context) (Sample, error)
	// MaxInFlight bounds the operations running at once; one due while
	// that many are running is counted as late and dropped.
	MaxInFlight int
}

// OpStats is what one operation measured.
type OpStats struct {
	Name       string  `json:"name"`
	Count      int     `json:"count"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	P50ms      float64 `json:"p50_ms"`
	P99ms      float64 `json:"p99_ms"`
	latencies  []time.Duration
}

// FaultEvent is a fault as it happened.
type FaultEvent struct {
	Name  string        `json:"name"`
	At    time.Duration `json:"at_ns"`
	Took  time.Duration `json:"took_ns"`
	Error string        `json:"error,omitempty"`
	// Errors are the operations that failed while it lasted (and
	// faultSettle after).
	Errors int `json:"errors"`
}

// SoakReport is what a soak measured.
type SoakReport struct {
	Seconds float64      `json:"seconds"`
	Rate    float64      `json:"rate_per_second"`
	Late    int          `json:"late"` // operations dropped, MaxInFlight running
	Ops     []*OpStats   `json:"ops"`  // the mix's, then the periodic jobs'
	Samples []Sample     `json:"samples"`
	Faults  []FaultEvent `json:"faults,omitempty"`
	// Slopes per hour over the second half of the run, after warm-up:
	// what a leak would show.
	RSSSlopeMiBPerHour  float64 `json:"rss_slope_mib_per_hour"`
	ConnSlopePerHour    float64 `json:"db_conns_slope_per_hour"`
	SampleErrors        int     `json:"sample_errors"`
	FirstSampleError    string  `json:"first_sample_error,omitempty"`
	ErrorsOutsideFaults int     `json:"errors_outside_faults"`
}

// Errors is the number of failed operations and jobs.
func (r *SoakReport) Errors() int {
	n := 0
	for _, o := range r.Ops {
		n += o.Errors
	}
	return n
}

// Capacity measures how many operations of the mix a second the service
// answers with workers running them back to back for d: the soak runs at
// a share of it.
func Capacity(ctx context.Context, ops []Op, workers int, d time.Duration) (perSecond float64, errs int) {
	pick := picker(ops)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	done := 0
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			for ctx.Err() == nil {
				err := pick(rng).Do(ctx, rng)
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				if err != nil {
					errs++
				} else {
					done++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return float64(done) / time.Since(start).Seconds(), errs
}

// picker chooses an op by weight.
func picker(ops []Op) func(*rand.Rand) Op {
	total := 0
	for _, o := range ops {
		total += o.Weight
	}
	return func(rng *rand.Rand) Op {
		n := rng.IntN(total)
		for _, o := range ops {
			if n -= o.Weight; n < 0 {
				return o
			}
		}
		return ops[len(ops)-1]
	}
}

// Run runs the soak and reports it. Errors of operations that overlap a
// fault are counted apart (ErrorsOutsideFaults is the rest).
func (s Soak) Run(ctx context.Context) *SoakReport {
	rep := &SoakReport{Rate: s.Rate}
	stats := map[string]*OpStats{}
	for _, o := range s.Ops {
		stats[o.Name] = &OpStats{Name: o.Name}
		rep.Ops = append(rep.Ops, stats[o.Name])
	}
	for _, e := range s.Every {
		stats[e.Name] = &OpStats{Name: e.Name}
		rep.Ops = append(rep.Ops, stats[e.Name])
	}
	var mu sync.Mutex
	var faultWindows [][2]time.Duration
	start := time.Now()
	record := func(name string, t0 time.Time, err error) {
		took := time.Since(t0)
		mu.Lock()
		defer mu.Unlock()
		st := stats[name]
		st.Count++
		if err == nil {
			st.latencies = append(st.latencies, took)
			return
		}
		st.Errors++
		if st.FirstError == "" {
			st.FirstError = err.Error()
		}
		from, to := t0.Sub(start), time.Since(start)
		for i, w := range faultWindows {
			if from <= w[1] && to >= w[0] {
				rep.Faults[i].Errors++
				return
			}
		}
		rep.ErrorsOutsideFaults++
	}

	ctx, cancel := context.WithTimeout(ctx, s.Duration)
	defer cancel()
	var wg sync.WaitGroup
	// The sampler.
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.sampleLoop(ctx, start, rep, &mu)
	}()
	for _, e := range s.Every {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(e.Interval)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					t0 := time.Now()
					err := e.Do(ctx)
					if ctx.Err() == nil {
						record(e.Name, t0, err)
					}
				}
			}
		}()
	}
	for _, f := range s.Faults {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-ctx.Done():
				return
			case <-time.After(f.At):
			}
			t0 := time.Now()
			mu.Lock()
			i := len(faultWindows)
			// Until it is over, and a few seconds more: clients' retries
			// and the balancer's checks settle after it.
			faultWindows = append(faultWindows, [2]time.Duration{t0.Sub(start), s.Duration})
			rep.Faults = append(rep.Faults, FaultEvent{Name: f.Name, At: t0.Sub(start)})
			mu.Unlock()
			err := f.Do(ctx)
			mu.Lock()
			faultWindows[i][1] = time.Since(start) + faultSettle
			rep.Faults[i].Took = time.Since(t0)
			if err != nil {
				rep.Faults[i].Error = err.Error()
			}
			mu.Unlock()
		}()
	}

	// The open loop: one operation every 1/Rate, each on a goroutine of
	// its own, at most MaxInFlight at once.
	pick := picker(s.Ops)
	slots := make(chan struct{}, max(1, s.MaxInFlight))
	rng := rand.New(rand.NewPCG(1, uint64(start.UnixNano())))
	interval := time.Duration(float64(time.Second) / s.Rate)
	next := time.Now()
	for ctx.Err() == nil {
		next = next.Add(interval)
		if d := time.Until(next); d > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
		}
		if ctx.Err() != nil {
			break
		}
		select {
		case slots <- struct{}{}:
		default:
			mu.Lock()
			rep.Late++
			mu.Unlock()
			continue
		}
		op := pick(rng)
		opRNG := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			t0 := time.Now()
			err := op.Do(ctx, opRNG)
			if ctx.Err() == nil { // cut off by the end: neither success nor failure
				record(op.Name, t0, err)
			}
		}()
	}
	wg.Wait()
	rep.Seconds = time.Since(start).Seconds()
	for _, st := range rep.Ops {
		slices.Sort(st.latencies)
		st.P50ms, st.P99ms = percentile(st.latencies, 0.50), percentile(st.latencies, 0.99)
	}
	rep.RSSSlopeMiBPerHour, rep.ConnSlopePerHour = slopes(rep.Samples)
	return rep
}

// faultSettle is how long after a fault its aftermath lasts: a killed
// server's connections time out and HAProxy's two checks (1 s apart) take
// it out; the pool reconnects after a database restart.
const faultSettle = 5 * time.Second

func (s Soak) sampleLoop(ctx context.Context, start time.Time, rep *SoakReport, mu *sync.Mutex) {
	if s.Sample == nil {
		return
	}
	t := time.NewTicker(s.SampleEvery)
	defer t.Stop()
	for {
		smp, err := s.Sample(ctx)
		mu.Lock()
		if err != nil && ctx.Err() == nil {
			rep.SampleErrors++
			if rep.FirstSampleError == "" {
				rep.FirstSampleError = err.Error()
			}
		} else if err == nil {
			smp.At = time.Since(start)
			rep.Samples = append(rep.Samples, smp)
		}
		mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// slopes fits a line (least squares) to the RSS and the connections over
// the second half of the samples, per hour: the first half is warm-up
// (caches filling, the pool growing to its working size).
func slopes(samples []Sample) (rssPerHour, connsPerHour float64) {
	half := samples[len(samples)/2:]
	if len(half) < 2 {
		return 0, 0
	}
	x := make([]float64, len(half))
	rss := make([]float64, len(half))
	conns := make([]float64, len(half))
	for i, s := range half {
		x[i], rss[i], conns[i] = s.At.Hours(), s.RSSMiB, float64(s.DBConns)
	}
	return Slope(x, rss), Slope(x, conns)
}

// Slope is the least-squares slope of y over x (0 when x does not vary).
func Slope(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxx, sxy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		sxy += x[i] * y[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}
