package usage

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/csvline"
	"github.com/teztelecom/tez/internal/store"
)

// cdrReader reads a CDR file record by record: a header naming the columns
// (in any order; extra columns are ignored), then one CDR per record.
type cdrReader struct {
	csv    *csv.Reader
	cols   []int    // file position of each Header column
	width  int      // fields per record, from the header
	fields []string // scratch: the current record in Header order
	// retiredBefore refuses sessions of retired months (store.UsageRetiredBefore).
	retiredBefore time.Time
}

func newCDRReader(r io.Reader) (*cdrReader, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<16))
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // a short row is a rejected row, not the end of the import
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty input: want a header line " + strings.Join(Header, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	pos := make(map[string]int, len(header))
	for i, name := range header {
		name = strings.TrimSpace(strings.TrimPrefix(name, "\uFEFF"))
		if _, dup := pos[name]; dup {
			return nil, fmt.Errorf("header: column %q appears twice", name)
		}
		pos[name] = i
	}
	cols := make([]int, len(Header))
	for i, name := range Header {
		p, ok := pos[name]
		if !ok {
			return nil, fmt.Errorf("header: no column %q (want %s)", name, strings.Join(Header, ","))
		}
		cols[i] = p
	}
	return &cdrReader{csv: cr, cols: cols, width: len(header), fields: make([]string, len(Header))}, nil
}

// reject is a record that is not imported, and why.
type reject struct {
	line   int
	reason string
	fields []string // in Header order; nil when the record could not be split
}

// batch is what one transaction imports: the good records with their line
// numbers, and the records rejected on the way.
type batch struct {
	recs    []store.UsageRecord
	lines   []int
	rejects []reject
	read    int
}

func (b *batch) reset() {
	b.recs, b.lines, b.rejects, b.read = b.recs[:0], b.lines[:0], b.rejects[:0], 0
}

// fill reads up to n records into b; done reports the end of the input.
func (r *cdrReader) fill(b *batch, n int, now time.Time) (done bool, err error) {
	b.reset()
	if cap(b.recs) < n {
		b.recs, b.lines = make([]store.UsageRecord, 0, n), make([]int, 0, n)
	}
	for b.read < n {
		rec, line, bad, err := csvline.Next(r.csv)
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, fmt.Errorf("read CDRs: %w", err)
		}
		b.read++
		if bad != "" {
			b.rejects = append(b.rejects, reject{line: line, reason: "csv: " + bad})
			continue
		}
		if len(rec) != r.width {
			b.rejects = append(b.rejects, reject{line: line, reason: fmt.Sprintf("%d fields, the header has %d", len(rec), r.width)})
			continue
		}
		for i, p := range r.cols {
			r.fields[i] = rec[p]
		}
		cdr, err := ParseCDR(r.fields, now)
		if err == nil && cdr.StartedAt.Before(r.retiredBefore) {
			err = fmt.Errorf("started_at %s: sessions before %s are archived and retired; an old CDR is not imported (nor billed) again",
				cdr.StartedAt.UTC().Format(time.RFC3339), r.retiredBefore.UTC().Format(time.RFC3339))
		}
		if err != nil {
			b.rejects = append(b.rejects, reject{line: line, reason: err.Error(), fields: slices.Clone(r.fields)})
			continue
		}
		b.recs = append(b.recs, cdr)
		b.lines = append(b.lines, line)
	}
	return false, nil
}

// rejectWriter writes rejected records as CSV: line, reason, then the
// record's columns, with a header before the first one.
type rejectWriter struct {
	w       *csv.Writer
	started bool
}

func newRejectWriter(w io.Writer) *rejectWriter { return &rejectWriter{w: csv.NewWriter(w)} }

func (rw *rejectWriter) write(rs []reject) error {
	if len(rs) == 0 {
		return nil
	}
	if !rw.started {
		rw.started = true
		if err := rw.w.Write(append([]string{"line", "reason"}, Header...)); err != nil {
			return fmt.Errorf("write rejects: %w", err)
		}
	}
	slices.SortFunc(rs, func(a, b reject) int { return a.line - b.line })
	for _, r := range rs {
		fields := r.fields
		if fields == nil { // every row as wide as the header, for spreadsheets and csv readers
			fields = make([]string, len(Header))
		}
		if err := rw.w.Write(append([]string{fmt.Sprint(r.line), r.reason}, fields...)); err != nil {
			return fmt.Errorf("write rejects: %w", err)
		}
	}
	rw.w.Flush()
	if err := rw.w.Error(); err != nil {
		return fmt.Errorf("write rejects: %w", err)
	}
	return nil
}
