package csvline

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
)

// A line that is not CSV is named with its line and passed over; the lines
// after it are read; the end is io.EOF.
func TestNextPassesOverALineThatIsNotCSV(t *testing.T) {
	r := csv.NewReader(strings.NewReader("a,b\n\"broken,quote\nc,d\n"))
	r.FieldsPerRecord = -1
	rec, line, bad, err := Next(r)
	if err != nil || bad != "" || line != 1 || strings.Join(rec, ",") != "a,b" {
		t.Fatalf("line 1: %q %d %q %v", rec, line, bad, err)
	}
	rec, line, bad, err = Next(r)
	if err != nil || bad == "" || line != 2 || rec != nil {
		t.Fatalf("broken line: %q %d %q %v, want it named as line 2", rec, line, bad, err)
	}
	for err == nil {
		_, _, _, err = Next(r)
	}
	if !errors.Is(err, io.EOF) {
		t.Errorf("end: %v, want io.EOF", err)
	}
}
