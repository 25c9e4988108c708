package usage

import (
	"context"
	"fmt"
	"time"

	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

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
			if err := im.store.EnsureUsagePartition(ctx, im.store.DB(), month); err != nil {
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
		err = im.store.InTx(ctx, func(tx store.Querier) error {
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
	currencies, err := im.store.SIMCurrencies(ctx, im.store.DB(), iccids)
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
func (im *Importer) debit(ctx context.Context, tx store.Querier, added []store.SIMUsage) error {
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
