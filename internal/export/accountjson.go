package export

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/teztelecom/tez/internal/store"
)

// AccountJSONPath is where the data export is served.
const AccountJSONPath = "/export/account.json"

// Rows streams the data export's rows, section by section
// (store.ExportAccount).
type Rows func(ctx context.Context, fn func(section store.ExportSection, row []byte) error) error

// AccountJSON writes one JSON document: when it was made and the tables it
// covers, then one member per section (store.ExportSections), a list of
// objects or a single object, written in chunks as the rows come. before
// runs once the first row (or the end) is known, as in UsageCSV.
func AccountJSON(ctx context.Context, w io.Writer, now time.Time, each Rows, before func() error) error {
	d := &document{w: bufio.NewWriterSize(w, 32<<10), sections: store.ExportSections(), cur: -1, before: before}
	d.index = make(map[string]int, len(d.sections))
	for i, s := range d.sections {
		d.index[s.Name] = i
		d.tables = append(d.tables, s.Tables...)
	}
	d.now = now
	err := each(ctx, func(sec store.ExportSection, row []byte) error {
		if err := d.openUpTo(d.index[sec.Name]); err != nil {
			return err
		}
		if d.rows > 0 {
			d.w.WriteByte(',')
		}
		d.rows++
		_, err := d.w.Write(row)
		return err
	})
	if err != nil {
		return err
	}
	if err := d.openUpTo(len(d.sections) - 1); err != nil {
		return err
	}
	d.closeCurrent()
	d.w.WriteString("}\n")
	return d.w.Flush()
}

// document is the export being written: cur is the section open (-1:
// none yet), rows how many rows it has so far.
type document struct {
	w        *bufio.Writer
	sections []store.ExportSection
	index    map[string]int
	tables   []string
	now      time.Time
	before   func() error
	cur      int
	rows     int
}

// openUpTo closes the open section and opens the following ones up to i
// (empty ones in between are written empty); the first call writes the
// head of the document.
func (d *document) openUpTo(i int) error {
	if d.cur == -1 && i >= 0 {
		if err := d.before(); err != nil {
			return err
		}
		head, err := json.Marshal(map[string]any{"exportedAt": d.now.UTC().Format(time.RFC3339), "tables": d.tables})
		if err != nil {
			return err
		}
		d.w.Write(head[:len(head)-1]) // the sections follow as members
	}
	for d.cur < i {
		if d.cur >= 0 {
			d.closeCurrent()
		}
		d.cur++
		d.rows = 0
		d.w.WriteString(`,"` + d.sections[d.cur].Name + `":`)
		if !d.sections[d.cur].One {
			d.w.WriteByte('[')
		}
	}
	return nil
}

// closeCurrent ends the open section: a list's bracket, or null for a
// single object that had no row.
func (d *document) closeCurrent() {
	switch {
	case !d.sections[d.cur].One:
		d.w.WriteByte(']')
	case d.rows == 0:
		d.w.WriteString("null")
	}
}
