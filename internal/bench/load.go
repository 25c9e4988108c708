// Package bench drives the API over real HTTP the way clients do and
// measures it: a closed-loop load generator with per-request checks,
// latency percentiles, and the server process's memory and CPU.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Request is one HTTP request of a scenario.
type Request struct {
	Body   []byte
	Header map[string]string
}

// Scenario makes the requests of one benchmark; Next is called from many
// goroutines, each with its own random source.
type Scenario struct {
	Name string
	Next func(rng *rand.Rand) Request
}

// Result is what one scenario measured.
type Result struct {
	Scenario             string  `json:"scenario"`
	Connections          int     `json:"connections"`
	Seconds              float64 `json:"seconds"`
	Requests             int     `json:"requests"`
	Errors               int     `json:"errors"`
	FirstError           string  `json:"first_error,omitempty"`
	RequestsPerSecond    float64 `json:"requests_per_second"`
	P50ms                float64 `json:"p50_ms"`
	P95ms                float64 `json:"p95_ms"`
	P99ms                float64 `json:"p99_ms"`
	StatementsPerRequest float64 `json:"statements_per_request"`
	// PostgreSQL's time per request in the server's statements, from
	// pg_stat_statements: planning (with track_planning; PlanningTracked
	// says it was) and execution, in ms, and how many of the statements
	// were planned (fewer than sent when plans are reused).
	PlanMs          float64         `json:"plan_ms"`
	ExecMs          float64         `json:"exec_ms"`
	PlansPerRequest float64         `json:"plans_per_request"`
	PlanningTracked bool            `json:"planning_tracked"`
	Statements      []StatementCost `json:"statements,omitempty"`
	ServerRSSMiB    float64         `json:"server_rss_mib"`
	ServerCPUShare  float64         `json:"server_cpu_share"` // of one core
	// CPU per request, in ms: the server's, PostgreSQL's (all its processes
	// on this machine) and the load generator's.
	ServerCPUms float64 `json:"server_cpu_ms"`
	DBCPUms     float64 `json:"db_cpu_ms,omitempty"`
	LoadCPUms   float64 `json:"load_cpu_ms"`
	// CeilingPerSecond is pgbench's rate replaying the same statements, and
	// CeilingDBCPUms PostgreSQL's CPU per replayed request meanwhile.
	CeilingPerSecond float64 `json:"pgbench_ceiling_per_second,omitempty"`
	CeilingDBCPUms   float64 `json:"pgbench_db_cpu_ms,omitempty"`
	// Against is the scenario this one measures another server on (the
	// same requests in its shapes, e.g. PostGraphile's dashboard), whose
	// rate the tables compare with it at the same connections.
	Against string `json:"against,omitempty"`
}

// Load is a closed-loop load generator: Connections workers each send a
// request, wait for the answer, check it, and send the next.
type Load struct {
	URL         string
	Connections int
	Warmup      time.Duration
	Duration    time.Duration
}

// Run warms up, then measures sc for the duration. Every answer is checked:
// anything but a 200 whose JSON has data and no errors counts as an error.
func (l Load) Run(ctx context.Context, sc Scenario) Result {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: l.Connections, MaxConnsPerHost: l.Connections}}
	if l.Warmup > 0 {
		l.phase(ctx, client, sc, l.Warmup)
	}
	self0 := SelfCPU()
	samples, errs, first, elapsed := l.phase(ctx, client, sc, l.Duration)
	self := SelfCPU() - self0
	slices.Sort(samples)
	r := Result{
		Scenario:    sc.Name,
		Connections: l.Connections,
		Seconds:     elapsed.Seconds(),
		Requests:    len(samples) + errs,
		Errors:      errs,
		FirstError:  first,
	}
	r.RequestsPerSecond = float64(len(samples)) / elapsed.Seconds()
	r.LoadCPUms = PerRequestMs(self, r.Requests)
	r.P50ms, r.P95ms, r.P99ms = percentile(samples, 0.50), percentile(samples, 0.95), percentile(samples, 0.99)
	return r
}

func (l Load) phase(ctx context.Context, client *http.Client, sc Scenario, d time.Duration) (ok []time.Duration, errs int, first string, elapsed time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := range l.Connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			var mine []time.Duration
			var myErrs int
			var myFirst string
			for ctx.Err() == nil {
				t0 := time.Now()
				status, body, err := l.do(ctx, client, sc.Next(rng))
				took := time.Since(t0) // to the answer's last byte: checking it is the harness's work
				if ctx.Err() != nil {
					break // cut off by the end of the phase: neither success nor failure
				}
				if err == nil {
					err = Check(status, body)
				}
				if err != nil {
					myErrs++
					if myFirst == "" {
						myFirst = err.Error()
					}
					continue
				}
				mine = append(mine, took)
			}
			mu.Lock()
			ok = append(ok, mine...)
			errs += myErrs
			if first == "" {
				first = myFirst
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return ok, errs, first, time.Since(start)
}

// do sends one request and reads the whole answer.
func (l Load) do(ctx context.Context, client *http.Client, r Request) (status int, body []byte, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.URL, bytes.NewReader(r.Body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	body, err = io.ReadAll(res.Body)
	return res.StatusCode, body, err
}

// Check accepts only a 200 carrying data and no errors: a GraphQL error in
// a 200 is a failure, not a success.
func Check(status int, body []byte) error {
	var out struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return fmt.Errorf("status %d: not JSON: %.200s", status, body)
	}
	if status != http.StatusOK || len(out.Errors) > 0 || len(out.Data) == 0 || string(out.Data) == "null" {
		return fmt.Errorf("status %d: %.300s", status, body)
	}
	return nil
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return float64(sorted[i].Microseconds()) / 1000
}
