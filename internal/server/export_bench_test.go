package server_test

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
)

// BenchmarkUsageCSV downloads the CSV of a SIM with 10,000 and with
// 100,000 sessions through the real handler and reports the process's
// resident memory: its peak during the download and how much it grew over
// the level before. The rows come from a cursor, so the growth does not
// grow with the rows.
//
//	go test ./internal/server -run '^$' -bench UsageCSV -benchtime 3x
func BenchmarkUsageCSV(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(strconv.Itoa(n)+"-sessions", func(b *testing.B) { benchUsageCSV(b, n) })
	}
}

func benchUsageCSV(b *testing.B, sessions int) {
	api := apitest.New(b)
	userID, token := api.Customer("csv-bench@x.example")
	start := time.Now().UTC().AddDate(-1, 0, 0)
	id := exportSIM(b, api, userID, start.Add(-time.Minute), start, 0)
	api.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency)
		SELECT 'b-'||g, $1, $2::timestamptz + g * interval '5 minutes', $2::timestamptz + g * interval '5 minutes' + interval '4 minutes',
		       g, 1000 * g, 'TR', 'Turkcell', 7, 'USD'
		FROM generate_series(1, $3::int) g`, id, start, sessions)
	req, _ := http.NewRequest(http.MethodGet, api.URL+"/export/usage.csv?iccid="+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)

	var peak, growth, bytesOut int64
	b.ResetTimer()
	for range b.N {
		before := rssKiB(b)
		var high atomic.Int64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() { // sample the resident set while the download runs
			defer close(done)
			for {
				if kb := rssKiB(b); kb > high.Load() {
					high.Store(kb)
				}
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
		}()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, lines := countLines(b, res.Body)
		res.Body.Close()
		close(stop)
		<-done
		if res.StatusCode != http.StatusOK || lines != sessions+1 {
			b.Fatalf("status %d, %d lines; want 200 and %d", res.StatusCode, lines, sessions+1)
		}
		peak, growth, bytesOut = max(peak, high.Load()), max(growth, high.Load()-before), n
	}
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(growth)/1024, "RSS-growth-MiB")
	b.ReportMetric(float64(bytesOut)/(1<<20), "CSV-MiB")
	b.ReportMetric(0, "ns/op")
}

// rssKiB is the process's resident set (VmRSS) in KiB.
func rssKiB(b *testing.B) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status: resident memory cannot be read here")
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

func countLines(b *testing.B, r io.Reader) (n int64, lines int) {
	br := bufio.NewReaderSize(r, 64<<10)
	buf := make([]byte, 64<<10)
	for {
		k, err := br.Read(buf)
		n += int64(k)
		lines += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, lines
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
