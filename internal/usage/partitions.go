package usage

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/store"
)

// MonthsAhead is how many months after the current one always have their
// partition, so that no session waits in the default partition.
const MonthsAhead = 3

// Keeper looks after the monthly partitions of usage_sessions, so that no
// deployment needs a cron job: it makes months ahead and, with a retention,
// retires the oldest ones, archived first when an archive directory is set.
// Every server runs one; their work is serialised by advisory locks held for
// a transaction, so nothing depends on a session (PgBouncer in transaction
// mode is fine).
type Keeper struct {
	Store *store.Store
	// Retention is how many months before the current one are kept; 0
	// keeps everything.
	Retention int
	// ArchiveDir receives each retired month as a gzipped CSV; "" retires
	// without a copy.
	ArchiveDir string
	Log        *slog.Logger
	Now        func() time.Time
}

// KeptSince is the start of the oldest month the retention keeps; zero
// when everything is kept. Sessions that started before it are gone, or
// going at the next pass.
func KeptSince(retention int, now time.Time) time.Time {
	if retention <= 0 {
		return time.Time{}
	}
	return monthOf(now).AddDate(0, -retention, 0)
}

// ArchivedBefore is what a history from from (zero: from the start) says
// of the retention: the instant before which sessions are no longer kept,
// when the range reaches back past it; nil when the whole range is kept.
// retired is how far back months were retired already, by the keeper or by
// hand (store.UsageRetiredBefore).
func ArchivedBefore(retention int, retired, from, now time.Time) *time.Time {
	kept := KeptSince(retention, now)
	if retired.After(kept) {
		kept = retired
	}
	if kept.IsZero() || (!from.IsZero() && !from.Before(kept)) {
		return nil
	}
	return &kept
}

func monthOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// KeeperReport says what one pass did.
type KeeperReport struct {
	Created int            // partitions made ahead
	Retired []RetiredMonth // months removed, oldest first
}

// RetiredMonth is one month removed, and where its copy went.
type RetiredMonth struct {
	Month    time.Time
	Sessions int64
	Archive  string // "" when not kept
}

// Run makes one pass now and then one every interval, until ctx ends. A
// failed pass is logged and tried again at the next.
func (k *Keeper) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		rep, err := k.Once(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			k.Log.Error("usage partitions: pass failed; trying again later", "err", err, "next", every)
		case rep.Created > 0 || len(rep.Retired) > 0:
			k.Log.Info("usage partitions", "created", rep.Created, "retired", len(rep.Retired))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Once makes the current month and MonthsAhead more, then retires what the
// retention no longer keeps.
func (k *Keeper) Once(ctx context.Context) (KeeperReport, error) {
	now := k.Now()
	var rep KeeperReport
	created, err := k.Store.EnsureUsagePartitions(ctx, k.Store.DB(), monthOf(now), 1+MonthsAhead)
	if err != nil {
		return rep, err
	}
	rep.Created = created
	if k.Retention <= 0 {
		return rep, nil
	}
	rep.Retired, err = k.Retire(ctx, KeptSince(k.Retention, now), k.ArchiveDir)
	if errors.Is(err, store.ErrRetireBusy) {
		return rep, nil // another server is at it
	}
	return rep, err
}

// Retire removes every month before the month before (a month's start),
// oldest first, each written first to dir as usage_sessions_YYYY-MM.csv.gz
// when dir is not "". It refuses a month after the current one: that would
// remove sessions still arriving.
func (k *Keeper) Retire(ctx context.Context, before time.Time, dir string) ([]RetiredMonth, error) {
	if !before.Equal(monthOf(before)) {
		return nil, fmt.Errorf("retire usage: %s is not the start of a UTC month", before.Format(time.RFC3339))
	}
	if before.After(monthOf(k.Now())) {
		return nil, fmt.Errorf("retire usage: %s is after the current month; sessions of it are still arriving", before.Format("2006-01"))
	}
	months, err := k.Store.UsageMonthsBefore(ctx, k.Store.DB(), before)
	if err != nil {
		return nil, err
	}
	var done []RetiredMonth
	for _, m := range months {
		r := RetiredMonth{Month: m.UTC()}
		var archive store.UsageArchive
		if dir != "" {
			r.Archive = filepath.Join(dir, "usage_sessions_"+r.Month.Format("2006-01")+".csv.gz")
			a, err := createArchive(r.Archive)
			if err != nil {
				return done, err
			}
			archive = a
		}
		r.Sessions, err = k.Store.RetireUsageMonth(ctx, r.Month, archive)
		if a, ok := archive.(*gzipCSV); ok {
			r.Archive = a.path // where it was placed
			a.discard()        // after a failure: nothing half-written stays
		}
		if err != nil {
			return done, err
		}
		k.Log.Info("usage month retired", "month", r.Month.Format("2006-01"), "sessions", r.Sessions, "archive", r.Archive)
		done = append(done, r)
	}
	return done, nil
}

// gzipCSV writes an archive to a temporary file and puts it in place, synced,
// on Close: a reader of the directory never sees half an archive.
type gzipCSV struct {
	f         *os.File
	gz        *gzip.Writer
	w         *csv.Writer
	path      string
	committed bool
}

func createArchive(path string) (*gzipCSV, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("usage archive: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".usage-archive-*")
	if err != nil {
		return nil, fmt.Errorf("usage archive: %w", err)
	}
	gz := gzip.NewWriter(f)
	return &gzipCSV{f: f, gz: gz, w: csv.NewWriter(gz), path: path}, nil
}

func (a *gzipCSV) Write(record []string) error { return a.w.Write(record) }

func (a *gzipCSV) Close() error {
	a.w.Flush()
	err := errors.Join(a.w.Error(), a.gz.Close(), a.f.Sync(), a.f.Close())
	if err == nil {
		err = a.place()
	}
	if err == nil {
		err = syncDir(filepath.Dir(a.path))
	}
	if err != nil {
		return fmt.Errorf("usage archive %s: %w", a.path, err)
	}
	a.committed = true
	return nil
}

// place links the finished file under its name, or, when an archive of that
// month is already there (a month's sessions imported again after it was
// retired), beside it as -2, -3…: an archive is never overwritten.
func (a *gzipCSV) place() error {
	base := strings.TrimSuffix(a.path, ".csv.gz")
	for n := 1; n < 1000; n++ {
		name := a.path
		if n > 1 {
			name = fmt.Sprintf("%s-%d.csv.gz", base, n)
		}
		err := os.Link(a.f.Name(), name)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		a.path = name
		return os.Remove(a.f.Name())
	}
	return fmt.Errorf("%s: too many archives of this month", a.path)
}

// discard removes the temporary file of an archive that was not closed.
func (a *gzipCSV) discard() {
	if !a.committed {
		a.f.Close()
		os.Remove(a.f.Name())
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
