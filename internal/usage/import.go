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

// Options tune an importer.
type Options struct {
	BatchSize int              // records per transaction; DefaultBatchSize when 0
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
// reason, the record). The summary counts the batches that committed; an
// error means the import stopped (bad header, unreadable input, database
// failure, cancelled context) and the batch it was in left nothing behind.
func (im *Importer) Import(ctx context.Context, r io.Reader, rejects io.Writer) (sum Summary, err error) {
	start := time.Now()
	defer func() { sum.Elapsed = time.Since(start) }()
	src, err := newCDRReader(r)
	if err != nil {
		return sum, err
	}
	out := newRejectWriter(rejects)
	ensured := map[time.Time]bool{}
	var b batch
	for done := false; !done; {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if done, err = src.fill(&b, im.opts.BatchSize, im.opts.Now()); err != nil {
			return sum, err
		}
		imported, duplicates, err := im.importBatch(ctx, &b, ensured)
		if err != nil {
			if ctx.Err() != nil { // the driver reports a cancelled query in its own words
				return sum, fmt.Errorf("%w: %w", ctx.Err(), err)
			}
			return sum, err
		}
		if err := out.write(b.rejects); err != nil {
			return sum, err
		}
		sum.Read += b.read
		sum.Imported += imported
		sum.Duplicates += duplicates
		sum.Rejected += len(b.rejects)
	}
	return sum, nil
}

// importBatch checks the batch's SIMs, makes sure its months have
// partitions, and commits its sessions and debits in one transaction.
func (im *Importer) importBatch(ctx context.Context, b *batch, ensured map[time.Time]bool) (imported, duplicates int, err error) {
	if len(b.recs) == 0 {
		return 0, 0, nil
	}
	if err := im.checkSIMs(ctx, b); err != nil {
		return 0, 0, err
	}
	// Partitions are created before the batch's transaction and in their
	// own: DDL there would hold locks on usage_sessions for the whole batch.
	for _, r := range b.recs {
		month := time.Date(r.StartedAt.Year(), r.StartedAt.Month(), 1, 0, 0, 0, 0, time.UTC)
		if !ensured[month] {
			if err := im.store.EnsureUsagePartition(ctx, month); err != nil {
				return 0, 0, err
			}
			ensured[month] = true
		}
	}
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
	if err != nil {
		return 0, 0, fmt.Errorf("import batch of lines %d-%d: %w", b.lines[0], b.lines[len(b.lines)-1], err)
	}
	return imported, len(b.recs) - imported, nil
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
// set of CDRs it pays for, so it can never be taken twice.
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
			Key:       "usage:" + u.ICCID + ":" + u.CDRSet,
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
