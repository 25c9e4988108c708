package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/teztelecom/tez/internal/server"
	"github.com/teztelecom/tez/internal/store"
	cdrs "github.com/teztelecom/tez/internal/usage" // main.go has a func usage
	"github.com/teztelecom/tez/internal/usagebench"
)

const usageUsage = `usage: tez usage import [--rejects FILE] [--batch N] [--workers N] FILE|-
       tez usage partitions [archive --before YYYY-MM [--dir DIR | --discard]]
       tez usage bench [--rows N] [--sims N] [--batch N] [--workers N] [--alerts] [--no-hooks] [--use-database-url]`

func runUsage(ctx context.Context, env *environment, args []string) error {
	return dispatch(ctx, env, "usage", usageUsage, args,
		action{"import", runUsageImport},
		action{"partitions", runUsagePartitions},
		action{"bench", runUsageBench})
}

func runUsageImport(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "usage import", "tez usage import [--rejects FILE] [--batch N] [--workers N] FILE|-")
	rejectsPath := fs.String("rejects", "", "write rejected records (CSV: line, reason, record) to this file instead of stderr")
	batchSize := fs.Int("batch", cdrs.DefaultBatchSize, "records per transaction")
	workers := fs.Int("workers", cdrs.DefaultWorkers, "batches committing at once (one connection each)")
	in, done, err := fs.parseInput(args)
	if err != nil {
		return err
	}
	defer done()
	rejects := env.stderr
	if *rejectsPath != "" {
		f, err := os.Create(*rejectsPath)
		if err != nil {
			return err
		}
		defer f.Close()
		rejects = f
	}
	return withStore(ctx, env, func(s *store.Store) error {
		im := cdrs.NewImporter(s, newLedger(env, s), cdrs.Options{BatchSize: *batchSize, Workers: *workers})
		sum, err := im.Import(ctx, in, rejects)
		fmt.Fprintln(env.stdout, sum)
		if err != nil {
			return fmt.Errorf("usage import stopped (the batches counted above are committed; importing the file again is safe): %w", err)
		}
		return nil
	})
}

const partitionsUsage = `usage: tez usage partitions list             list the partitions with their rows (also: tez usage partitions)
       tez usage partitions archive --before YYYY-MM [--dir DIR | --discard]`

// runUsagePartitions lists the partitions, or retires months by hand.
func runUsagePartitions(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		return withStore(ctx, env, func(s *store.Store) error { return usagePartitions(ctx, env, s) })
	}
	return dispatch(ctx, env, "usage partitions", partitionsUsage, args,
		storeAction("usage partitions", "list", usagePartitions),
		action{"archive", runUsageArchive})
}

// runUsageArchive retires every month before --before, as the server does
// for TEZ_USAGE_RETENTION: each month archived first, then dropped.
func runUsageArchive(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "usage partitions archive", "tez usage partitions archive --before YYYY-MM [--dir DIR | --discard]")
	before := fs.String("before", "", "retire every month before this one (UTC), e.g. 2023-01")
	dir := fs.String("dir", env.cfg.ArchiveDir, "write each month there as usage_sessions_YYYY-MM.csv.gz (default TEZ_ARCHIVE_DIR)")
	discard := fs.Bool("discard", false, "retire without an archive: the sessions are gone for good")
	fs.required = append(fs.required, "before")
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	month, err := time.Parse("2006-01", *before)
	if err != nil {
		return fs.fail(fmt.Sprintf("--before %q: want a month as YYYY-MM", *before))
	}
	switch {
	case *dir == "" && !*discard:
		return fs.fail("no archive directory: give --dir DIR (or set TEZ_ARCHIVE_DIR), or --discard to drop the sessions without a copy")
	case *dir != "" && *discard:
		return fs.fail("--discard and an archive directory exclude each other")
	}
	return withStore(ctx, env, func(s *store.Store) error {
		k := &cdrs.Keeper{Store: s, Log: env.log, Now: time.Now}
		done, err := k.Retire(ctx, month, *dir)
		for _, r := range done {
			where := "not kept"
			if r.Archive != "" {
				where = r.Archive
			}
			fmt.Fprintf(env.stdout, "%s\t%d sessions\t%s\n", r.Month.Format("2006-01"), r.Sessions, where)
		}
		if err == nil && len(done) == 0 {
			fmt.Fprintf(env.stdout, "no sessions before %s\n", month.Format("2006-01"))
		}
		if errors.Is(err, store.ErrRetireBusy) {
			return errors.New("another process (a server's partition keeper) is retiring months right now: try again in a minute")
		}
		return err
	})
}

func usagePartitions(ctx context.Context, env *environment, s *store.Store) error {
	parts, err := s.UsagePartitions(ctx, s.DB())
	if err != nil {
		return err
	}
	w := table(env, "partition\tfrom (UTC)\tto (UTC)\trows\t")
	day := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.UTC().Format(time.DateOnly)
	}
	for _, p := range parts {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t\n", p.Name, day(p.From), day(p.To), p.Rows)
	}
	return w.Flush()
}

// usageBenchDatabase is the embedded cluster's scratch database for the usage
// benchmark, dropped and created afresh by every run.
const usageBenchDatabase = "tez_usage_bench"

func runUsageBench(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "usage bench", "tez usage bench [--rows N] [--sims N] [--batch N] [--workers N] [--alerts] [--no-hooks] [--use-database-url]")
	opts := usagebench.Options{}
	fs.IntVar(&opts.Rows, "rows", 1_000_000, "CDRs to generate and import")
	fs.IntVar(&opts.SIMs, "sims", 1000, "SIMs the CDRs are spread over")
	fs.IntVar(&opts.BatchSize, "batch", cdrs.DefaultBatchSize, "records per transaction")
	fs.IntVar(&opts.Workers, "workers", cdrs.DefaultWorkers, "batches committing at once (one connection each)")
	fs.BoolVar(&opts.Alerts, "alerts", false, "give every SIM an owner's thresholds and a partner webhook endpoint (the alert hooks' worst case)")
	noHooks := fs.Bool("no-hooks", false, "import on a ledger without the alert and webhook hooks: the baseline their cost is measured against (the same SIMs and settings, nothing sent)")
	useURL := fs.Bool("use-database-url", false, "run in DATABASE_URL's database (adds SIMs, sessions and entries there)")
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	if opts.Rows < 1 || opts.SIMs < 1 {
		return errors.New("--rows and --sims must be positive")
	}
	if env.cfg.DatabaseURL != "" && !*useURL {
		return errors.New("DATABASE_URL is set: the benchmark would write a million sessions there; pass --use-database-url if that database is a scratch one")
	}
	return withDatabase(ctx, env, dbOptions{embeddedName: usageBenchDatabase, fresh: true}, func(d *database) error {
		l := newLedger(env, d.st)
		if *noHooks {
			l = server.LedgerWithoutHooks(env.cfg, d.st)
		}
		res, err := usagebench.Run(ctx, d.st, l, opts, env.stderr)
		if err != nil {
			return err
		}
		printBench(env.stdout, res, d.embedded, !*noHooks)
		if res.Mismatches > 0 {
			return fmt.Errorf("ledger check after the benchmark: %d SIMs disagree with their ledger", res.Mismatches)
		}
		return nil
	})
}

func printBench(w io.Writer, r usagebench.Result, embedded, hooks bool) {
	where := "DATABASE_URL"
	if embedded {
		where = "embedded cluster, database " + usageBenchDatabase
	}
	if !hooks {
		where += ", ledger hooks off (--no-hooks)"
	}
	fmt.Fprintf(w, "usage import benchmark: %d CDRs (%.0f MiB of CSV), %d CPUs, Go %s, %s\n",
		r.Rows, float64(r.FileBytes)/(1<<20), runtime.NumCPU(), runtime.Version(), where)
	fmt.Fprintf(w, "  import     %s\n", r.Import)
	fmt.Fprintf(w, "  re-import  %s\n", r.Reimport)
	fmt.Fprintf(w, "  ledger check: %d SIMs disagree; peak RSS %d MiB; load average %s before, %s after\n",
		r.Mismatches, r.MaxRSSKiB/1024, r.LoadBefore, r.LoadAfter)
	if a := r.Alerts; a != nil {
		fmt.Fprintf(w, "  alerts: %d SIMs with a threshold to cross; %d low-balance emails about %d SIMs, %d run-out, %d other; "+
			"partner events: balance.low %d about %d SIMs, balance.changed %d\n",
			r.ThresholdSIMs, a.LowBalanceEmails, a.LowBalanceSIMs, a.RunOutEmails, a.OtherEmails, a.PartnerLow, a.PartnerLowSIMs, a.PartnerChanged)
	}
}
