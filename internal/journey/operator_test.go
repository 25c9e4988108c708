package journey

import (
	"fmt"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/usage"
)

// cdr is one data session as a network reports it.
type cdr struct {
	ID, ICCID      string
	Start          time.Time
	Minutes        int
	Up, Down       int64
	MCC, MNC, Name string // the visited network
	CostCents      int64
}

// importCDRs writes the records as the CSV file a network sends and
// imports it as `tez usage import FILE` does (importUsage).
func (s *shop) importCDRs(records ...cdr) {
	s.t.Helper()
	var file strings.Builder
	file.WriteString(strings.Join(usage.Header, ",") + "\n")
	for _, r := range records {
		fmt.Fprintf(&file, "%s,%s,%s,%s,%d,%d,%s,%s,%s,%d,USD\n", r.ID, r.ICCID, r.Start.UTC().Format(time.RFC3339),
			r.Start.Add(time.Duration(r.Minutes)*time.Minute).UTC().Format(time.RFC3339), r.Up, r.Down, r.MCC, r.MNC, r.Name, r.CostCents)
	}
	s.importUsage(file.String())
}
