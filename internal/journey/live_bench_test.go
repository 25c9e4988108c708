package journey

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/store"
)

// BenchmarkLiveIdleSubscriptions keeps 2,000 idle subscriptions open on
// one `tez serve` process (its own process, so its memory is its own): one
// WebSocket per customer screen, 200 customers with 10 screens each. It
// reports the server's memory per subscription (resident set, and Go heap
// plus goroutine stacks, from its /metrics) and the time from a ledger
// change (made by this process, as `tez ledger adjust` would: from its
// start, and from its commit) to the event on the subscriber's socket, p50
// and p99 over 300 changes.
//
//	go test ./internal/journey -run '^$' -bench LiveIdleSubscriptions -benchtime 1x
//
// The set-up writes straight to the database (customers, SIMs): this is a
// measurement, not a journey.
func BenchmarkLiveIdleSubscriptions(b *testing.B) {
	const customers, screens, changes = 200, 10, 300
	api := apitest.New(b)
	type screen struct {
		sim string
		ws  *apitest.LiveClient
	}
	// One more customer than screens' owners: the warm-up's.
	tokens := make([]string, customers+1)
	sims := make([]string, customers+1)
	for i := range customers + 1 {
		var id int64
		id, tokens[i] = api.Customer(fmt.Sprintf("screen%d@bench.example", i))
		sims[i] = iccid.WithCheckDigit(fmt.Sprintf("899970500000%06d", i))
		api.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since, balance) VALUES ($1, 'ACTIVE', $2, now(), 100000)`, sims[i], id)
	}

	// The server under test, on its own port (TEZ_HTTP_ADDR 127.0.0.1:0
	// picks one; the line it prints says which).
	cmd := exec.Command(tezPath(b), "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+api.DSN, "TEZ_HTTP_ADDR=127.0.0.1:0", "TEZ_LOG_LEVEL=error", "TEZ_PLAYGROUND=false")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("tez serve: %v", err)
	}
	_, rest, _ := strings.Cut(line, "http://")
	base := "http://" + strings.TrimSuffix(strings.Fields(rest)[0], "/graphql")
	metric := func(series string) float64 {
		res, err := http.Get(base + "/metrics")
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
				f, _ := strconv.ParseFloat(v, 64)
				return f
			}
		}
		return 0
	}
	memory := func() (rss, goMem float64) {
		return metric("process_resident_memory_bytes"), metric("go_memstats_heap_inuse_bytes") + metric("go_memstats_stack_inuse_bytes")
	}
	// One subscription first, so the listening connection and the
	// executor's caches are part of the baseline, not of the 2,000.
	warm, _, err := apitest.DialLive(b, base, nil)
	if err != nil {
		b.Fatal(err)
	}
	warm.Init(tokens[customers])
	warm.Expect("connection_ack")
	warm.Subscribe("warm", documents.Get("sim-card-updated.graphql"), map[string]any{"iccid": sims[customers]})
	time.Sleep(time.Second) // let the server settle before the baseline
	rss0, go0 := memory()

	doc := documents.Get("sim-card-updated.graphql")
	all := make([]screen, 0, customers*screens)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range customers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range screens {
				ws, _, err := apitest.DialLive(b, base, nil)
				if err != nil {
					b.Error(err)
					return
				}
				ws.Init(tokens[i])
				ws.Expect("connection_ack")
				ws.Subscribe("s", doc, map[string]any{"iccid": sims[i]})
				mu.Lock()
				all = append(all, screen{sims[i], ws})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	deadline := time.Now().Add(time.Minute)
	for metric("tez_live_subscriptions") < float64(len(all)+1) {
		if time.Now().After(deadline) {
			b.Fatalf("only %v subscriptions open", metric("tez_live_subscriptions"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	rss1, go1 := memory()
	n := float64(len(all))

	// Latency: one change at a time, to a random customer's SIM; every one
	// of that customer's 10 screens hears it, the first one counts.
	l := ledger.New(store.New(api.DB), ledger.Options{})
	bySIM := map[string][]*apitest.LiveClient{}
	for _, s := range all {
		bySIM[s.sim] = append(bySIM[s.sim], s.ws)
	}
	var lat, fromCommit []time.Duration
	b.ResetTimer()
	for k := range changes {
		i := rand.IntN(customers)
		start := time.Now()
		if _, err := l.Adjust(context.Background(), sims[i], "0.01", "bench", fmt.Sprintf("bench:%d", k)); err != nil {
			b.Fatal(err)
		}
		committed := time.Now()
		for j, ws := range bySIM[sims[i]] {
			ws.Expect("next")
			if j == 0 {
				lat = append(lat, time.Since(start))
				fromCommit = append(fromCommit, time.Since(committed))
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	slices.Sort(fromCommit)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	c50, c99 := fromCommit[len(lat)/2], fromCommit[len(lat)*99/100]
	b.ReportMetric(float64(len(all)), "subscriptions")
	b.ReportMetric((rss1-rss0)/n, "rss-bytes/sub")
	b.ReportMetric((go1-go0)/n, "heap+stack-bytes/sub")
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(c50.Microseconds())/1000, "commit-p50-ms")
	b.ReportMetric(float64(c99.Microseconds())/1000, "commit-p99-ms")
	b.Logf("%d idle subscriptions: RSS %.1f → %.1f MiB (%.1f KiB each), Go heap+stacks %.1f → %.1f MiB (%.1f KiB each); change→event p50 %v, p99 %v (commit→event p50 %v, p99 %v) over %d changes",
		len(all), rss0/(1<<20), rss1/(1<<20), (rss1-rss0)/n/1024, go0/(1<<20), go1/(1<<20), (go1-go0)/n/1024, p50, p99, c50, c99, len(lat))
}
