// Package usagebench measures the CDR import on this machine: it writes a
// file of valid CDRs for benchmark SIMs, imports it, imports it again (all
// duplicates), and checks the ledger afterwards.
package usagebench

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/usage"
)

// Options size a run.
type Options struct {
	Rows      int    // CDRs in the file
	SIMs      int    // SIMs they are spread over
	BatchSize int    // records per import transaction (usage.DefaultBatchSize when 0)
	Workers   int    // batches committing at once (usage.DefaultWorkers when 0)
	Dir       string // where the CDR file is written (and removed after)
	// Alerts gives every SIM an owner with a low-balance threshold the
	// import crosses and a run-out warning, and a partner endpoint taking
	// every webhook event: the ledger hooks' worst case.
	Alerts bool
}

// Result is what a run measured.
type Result struct {
	Rows       int
	FileBytes  int64
	Import     usage.Summary
	Reimport   usage.Summary
	Mismatches int   // SIMs disagreeing with their ledger afterwards
	MaxRSSKiB  int64 // peak resident memory of this process
	// Load is the machine's load average (1, 5, 15 min) before the import
	// and after the re-import: on a shared machine, figures need it.
	LoadBefore, LoadAfter string
	// Alerts is what the hooks wrote (with Options.Alerts), after both
	// passes; ThresholdSIMs is how many SIMs had a threshold to cross.
	Alerts        *seed.BenchAlertCounts
	ThresholdSIMs int
}

// startingBalance is enough for every benchmark SIM's share of the sessions,
// so the run measures debits, not suspensions.
const startingBalance = 100_000_00

// Run prepares the SIMs, writes the file, and imports it twice.
func Run(ctx context.Context, s *store.Store, l *ledger.Ledger, opts Options, progress io.Writer) (Result, error) {
	res := Result{Rows: opts.Rows}
	fmt.Fprintf(progress, "preparing %d SIMs\n", opts.SIMs)
	sims, err := seed.BenchSIMs(ctx, s.DB(), opts.SIMs)
	if err != nil {
		return res, err
	}
	err = s.InTx(ctx, func(tx store.Querier) error {
		for _, id := range sims {
			p := ledger.Posting{ICCID: id, Amount: money.New(startingBalance, "USD"), Kind: store.EntryTopup,
				Reference: "benchmark starting balance", Key: "usagebench-start:" + id}
			if _, err := l.CreditTx(ctx, tx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}

	f, err := os.CreateTemp(opts.Dir, "tez-usagebench-*.csv")
	if err != nil {
		return res, fmt.Errorf("CDR file: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	fmt.Fprintf(progress, "writing %d CDRs to %s\n", opts.Rows, f.Name())
	now := time.Now().UTC()
	spend := map[string]int64{}
	if res.FileBytes, err = writeCDRs(f, sims, opts.Rows, now, spend); err != nil {
		return res, err
	}
	if opts.Alerts {
		if err := prepareAlerts(ctx, s, sims, spend); err != nil {
			return res, err
		}
		res.ThresholdSIMs = len(spend)
	}

	im := usage.NewImporter(s, l, usage.Options{BatchSize: opts.BatchSize, Workers: opts.Workers})
	res.LoadBefore = loadAverage()
	for _, pass := range []struct {
		name string
		sum  *usage.Summary
	}{{"import", &res.Import}, {"re-import", &res.Reimport}} {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return res, err
		}
		fmt.Fprintf(progress, "%s…\n", pass.name)
		sum, err := im.Import(ctx, f, progress)
		*pass.sum = sum
		if err != nil {
			return res, fmt.Errorf("%s: %w", pass.name, err)
		}
	}
	res.LoadAfter = loadAverage()
	bad, err := s.LedgerMismatches(ctx, s.DB())
	if err != nil {
		return res, err
	}
	res.Mismatches = len(bad)
	if opts.Alerts {
		c, err := seed.CountBenchAlerts(ctx, s.DB())
		if err != nil {
			return res, err
		}
		res.Alerts = &c
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		res.MaxRSSKiB = ru.Maxrss
	}
	return res, nil
}

// prepareAlerts sets each SIM's threshold halfway down what the file will
// spend of its balance, so the import crosses it once, and the partner's
// halfway down what the SIM spending least spends, so every SIM crosses it.
func prepareAlerts(ctx context.Context, s *store.Store, sims []string, spend map[string]int64) error {
	thresholds := make([]int64, len(sims))
	least := int64(startingBalance)
	for i, id := range sims {
		thresholds[i] = startingBalance - spend[id]/2
		least = min(least, spend[id])
	}
	return seed.BenchAlerts(ctx, s.DB(), sims, thresholds, money.New(startingBalance-least/2, "USD").Decimal())
}

// writeCDRs writes rows sessions of the last 90 days spread over the SIMs,
// on the demo's networks and tariff, with ids unique to this run, adding
// each SIM's cost to spend.
func writeCDRs(w io.Writer, sims []string, rows int, now time.Time, spend map[string]int64) (int64, error) {
	cw := &countingWriter{w: w}
	buf := bufio.NewWriterSize(cw, 1<<16)
	out := csv.NewWriter(buf)
	if err := out.Write(usage.Header); err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(uint64(now.UnixNano()), 7))
	run := now.Format("20060102T150405")
	from := now.AddDate(0, 0, -90)
	for i := range rows {
		net := seed.Networks[rng.IntN(len(seed.Networks))]
		started := from.Add(time.Duration(rng.Int64N(int64(89 * 24 * time.Hour)))).Truncate(time.Second)
		down := rng.Int64N(300_000_000) + 100_000
		up := down / (5 + rng.Int64N(10))
		rec := store.UsageRecord{
			CDRID:       fmt.Sprintf("bench-%s-%d", run, i),
			ICCID:       sims[rng.IntN(len(sims))],
			StartedAt:   started,
			EndedAt:     started.Add(time.Duration(60+rng.IntN(7200)) * time.Second),
			BytesUp:     up,
			BytesDown:   down,
			MCC:         net.MCC,
			MNC:         net.MNC,
			NetworkName: net.Name,
			Cost:        seed.SessionCost(up + down),
			Currency:    "USD",
		}
		spend[rec.ICCID] += rec.Cost
		if err := out.Write(usage.FormatCDR(rec)); err != nil {
			return 0, err
		}
	}
	out.Flush()
	if err := out.Error(); err != nil {
		return 0, fmt.Errorf("write CDR file: %w", err)
	}
	if err := buf.Flush(); err != nil {
		return 0, fmt.Errorf("write CDR file: %w", err)
	}
	return cw.n, nil
}

// loadAverage reads Linux's load average; "?" elsewhere.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
