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

	"github.com/teztelecom/tez/internal/ledger"
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
	if src.retiredBefore, err = im.store.UsageRetiredBefore(ctx, im.store.DB()); err != nil {
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
