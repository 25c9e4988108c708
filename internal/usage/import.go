// Package usage imports call detail records (CDRs): the data sessions the
// networks report, which "My history" shows and which are paid for from the
// SIM's balance.
//
// An import reads CSV in batches. Each batch is one transaction: its
// sessions are COPYed into a temporary staging table, moved into the
// partitioned usage_sessions (sessions already there are skipped: a CDR is
// identified by (cdr_id, started_at)), and their cost is debited through the
// ledger, one USAGE entry per SIM per batch. A cancelled import therefore
// leaves whole batches only, and importing a file again adds nothing.
package usage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// DefaultBatchSize is how many records one transaction imports: large enough
// that per-batch statements cost nothing per row, small enough that memory
// stays flat and a cancelled import loses seconds of work.
const DefaultBatchSize = 50_000

// DefaultWorkers is how many batches commit at once: two keep two cores
// busy inserting, which is what a two-core machine has.
const DefaultWorkers = 2

// Options tune an importer.
type Options struct {
	BatchSize int              // records per transaction; DefaultBatchSize when 0
	Workers   int              // batches committing at once, one connection each; DefaultWorkers when 0
	Now       func() time.Time // the clock that bounds started_at; time.Now when nil
}

// Importer imports CDR files.
type Importer struct {
	store  *store.Store
	ledger *ledger.Ledger
	opts   Options
}

// NewImporter makes an importer that debits through l.
func NewImporter(s *store.Store, l *ledger.Ledger, opts Options) *Importer {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Importer{store: s, ledger: l, opts: opts}
}

// Summary counts what an import did.
type Summary struct {
	Read       int // records read, good or bad
	Imported   int // sessions added
	Duplicates int // good records whose session was there already
	Rejected   int // records written to the rejects
	Elapsed    time.Duration
}

// RowsPerSecond is the import's speed over all records read.
func (s Summary) RowsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Read) / s.Elapsed.Seconds()
}

func (s Summary) String() string {
	return fmt.Sprintf("read %d, imported %d, duplicates %d, rejected %d, elapsed %s, %.0f rows/s",
		s.Read, s.Imported, s.Duplicates, s.Rejected, s.Elapsed.Round(time.Millisecond), s.RowsPerSecond())
}

// Import reads a CDR file from r. Rejected records go to rejects (CSV: line,
// reason, the record), in file order. The summary counts the batches that
// committed. An error means the import stopped (bad header, unreadable
// input, database failure, cancelled context); each batch commits whole or
// not at all, and importing the file again is always safe.
func (im *Importer) Import(ctx context.Context, r io.Reader, rejects io.Writer) (sum Summary, err error) {
	start := time.Now()
	defer func() { sum.Elapsed = time.Since(start) }()
	src, err := newCDRReader(r)
	if err != nil {
		return sum, err
	}
	out := newRejectWriter(rejects)
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the reader and the batches in flight when the import stops early
	free, full := im.read(ctx, src)

	// Batches commit concurrently (one connection each) but are reported in
	// file order: queue holds those in flight, oldest first.
	var queue []*inFlight
	finish := func() error {
		f := queue[0]
		queue = queue[1:]
		<-f.done
		if f.err != nil {
			return f.err
		}
		if err := out.write(f.b.rejects); err != nil {
			return err
		}
		sum.Read += f.b.read
		sum.Imported += f.imported
		sum.Duplicates += len(f.b.recs) - f.imported
		sum.Rejected += len(f.b.rejects)
		free <- f.b
		return nil
	}
	ensured := map[time.Time]bool{}
	for next := range full {
		if err = next.err; err == nil {
			err = im.prepare(ctx, next.b, ensured)
		}
		if err != nil {
			break
		}
		f := &inFlight{b: next.b, done: make(chan struct{})}
		go func() {
			defer close(f.done)
			f.imported, f.err = im.commit(ctx, f.b)
		}()
		queue = append(queue, f)
		if len(queue) == im.opts.Workers {
			if err = finish(); err != nil {
				break
			}
		}
	}
	if err != nil {
		cancel()
	}
	for len(queue) > 0 { // batches in flight commit whole or roll back; count the ones that did commit
		if ferr := finish(); err == nil {
			err = ferr
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil && parent.Err() != nil && !errors.Is(err, parent.Err()) {
		err = fmt.Errorf("%w: %w", parent.Err(), err) // the driver reports a cancelled query in its own words
	}
	return sum, err
}

// inFlight is a batch whose transaction is running.
type inFlight struct {
	b        *batch
	done     chan struct{}
	imported int
	err      error
}

// filled is a batch the reader has filled, or why it stopped.
type filled struct {
	b   *batch
	err error
}

// read parses the next batch while the database imports earlier ones. The
// batch buffers go round between the reader, the transactions and back
// (free), so memory holds Workers+1 batches at most. full is closed at the
// end of the input, after an error, or when ctx is done.
func (im *Importer) read(ctx context.Context, src *cdrReader) (free chan<- *batch, full <-chan filled) {
	buffers := im.opts.Workers + 1
	freeCh, fullCh := make(chan *batch, buffers), make(chan filled)
	for range buffers {
		freeCh <- &batch{}
	}
	go func() {
		defer close(fullCh)
		for {
			var b *batch
			select {
			case b = <-freeCh:
			case <-ctx.Done():
				return
			}
			done, err := src.fill(b, im.opts.BatchSize, im.opts.Now())
			select {
			case fullCh <- filled{b: b, err: err}:
			case <-ctx.Done():
				return
			}
			if done || err != nil {
				return
			}
		}
	}()
	return freeCh, fullCh
}

// prepare rejects the batch's records whose SIM is unknown and makes sure
// the months of the rest have partitions. Partitions are created before the
// batch's transaction and in their own: DDL inside it would hold locks on
// usage_sessions for the whole batch.
func (im *Importer) prepare(ctx context.Context, b *batch, ensured map[time.Time]bool) error {
	if len(b.recs) == 0 {
		return nil
	}
	if err := im.checkSIMs(ctx, b); err != nil {
		return err
	}
	for _, r := range b.recs {
		month := time.Date(r.StartedAt.Year(), r.StartedAt.Month(), 1, 0, 0, 0, 0, time.UTC)
		if !ensured[month] {
			if err := im.store.EnsureUsagePartition(ctx, month); err != nil {
				return err
			}
			ensured[month] = true
		}
	}
	return nil
}

// deadlockRetries bounds how often a batch is retried after PostgreSQL broke
// a deadlock by rolling it back: two batches in flight that hold the same
// CDRs in crossing order (a file with duplicates far apart) can deadlock.
const deadlockRetries = 3

// commit imports the batch's sessions and debits their cost in one
// transaction and returns how many sessions were new.
func (im *Importer) commit(ctx context.Context, b *batch) (imported int, err error) {
	if len(b.recs) == 0 {
		return 0, nil
	}
	for attempt := 1; ; attempt++ {
		err = im.store.InTx(ctx, func(tx *sqlx.Tx) error {
			if err := im.store.StageUsage(ctx, tx, b.recs); err != nil {
				return err
			}
			added, err := im.store.ImportStagedUsage(ctx, tx)
			if err != nil {
				return err
			}
			imported = 0
			for _, u := range added {
				imported += int(u.Sessions)
			}
			return im.debit(ctx, tx, added)
		})
		if err == nil || attempt > deadlockRetries || !store.IsDeadlock(err) {
			break
		}
	}
	if err != nil {
		return 0, fmt.Errorf("import batch of lines %d-%d: %w", b.lines[0], b.lines[len(b.lines)-1], err)
	}
	return imported, nil
}

// checkSIMs rejects the records whose SIM does not exist or keeps its
// balance in another currency than the CDR is rated in.
func (im *Importer) checkSIMs(ctx context.Context, b *batch) error {
	seen := map[string]bool{}
	var iccids []string
	for _, r := range b.recs {
		if !seen[r.ICCID] {
			seen[r.ICCID] = true
			iccids = append(iccids, r.ICCID)
		}
	}
	currencies, err := im.store.SIMCurrencies(ctx, iccids)
	if err != nil {
		return err
	}
	kept := 0
	for i, r := range b.recs {
		reason := ""
		switch cur, ok := currencies[r.ICCID]; {
		case !ok:
			reason = "iccid: no such SIM"
		case cur != r.Currency:
			reason = fmt.Sprintf("currency: the SIM's balance is in %s, not %s", cur, r.Currency)
		}
		if reason != "" {
			b.rejects = append(b.rejects, reject{line: b.lines[i], reason: reason, fields: FormatCDR(r)})
			continue
		}
		b.recs[kept], b.lines[kept] = r, b.lines[i]
		kept++
	}
	b.recs, b.lines = b.recs[:kept], b.lines[:kept]
	return nil
}

// debit moves each SIM's last usage forward and takes the cost of its new
// sessions from its balance: one USAGE entry per SIM per batch, keyed by the
// first of the CDRs it pays for, so it can never be taken twice.
func (im *Importer) debit(ctx context.Context, tx *sqlx.Tx, added []store.SIMUsage) error {
	if len(added) == 0 {
		return nil
	}
	iccids := make([]string, len(added))
	last := make([]time.Time, len(added))
	var postings []ledger.Posting
	for i, u := range added {
		iccids[i], last[i] = u.ICCID, u.LastEnded
		if u.Cost == 0 {
			continue
		}
		postings = append(postings, ledger.Posting{
			ICCID:     u.ICCID,
			Amount:    money.New(u.Cost, u.Currency),
			Kind:      store.EntryUsage,
			Reference: usageReference(u),
			Key:       "usage:" + u.ICCID + ":" + u.FirstCDR,
		})
	}
	// Every SIM of the batch is locked here, in ICCID order, before the
	// ledger locks the ones it debits (again in ICCID order).
	if err := im.store.TouchSIMUsage(ctx, tx, iccids, last); err != nil {
		return err
	}
	_, err := im.ledger.DebitEachTx(ctx, tx, postings)
	return err
}

// usageReference is what the customer reads next to the entry.
func usageReference(u store.SIMUsage) string {
	const layout = "2006-01-02 15:04"
	if u.Sessions == 1 {
		return "1 data session at " + u.FirstAt.UTC().Format(layout) + " UTC"
	}
	return fmt.Sprintf("%d data sessions %s – %s UTC", u.Sessions, u.FirstAt.UTC().Format(layout), u.LastAt.UTC().Format(layout))
}
