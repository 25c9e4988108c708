// Package csvline reads an operator's CSV file (CDRs, SIM stock) a line at
// a time, telling a line that is not CSV, which the file's report names and
// the import passes over, from a failure to read the file at all.
package csvline

import (
	"encoding/csv"
	"errors"
)

// Next reads the next record of r and the line it starts on. A line that
// is not CSV answers why in bad (its record nil), and the file goes on. err
// is io.EOF at the end, or why the file could not be read.
func Next(r *csv.Reader) (rec []string, line int, bad string, err error) {
	rec, err = r.Read()
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return nil, perr.StartLine, perr.Err.Error(), nil
	}
	if err != nil {
		return nil, 0, "", err
	}
	line, _ = r.FieldPos(0)
	return rec, line, "", nil
}
