package journey

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/store"
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

// importUsage imports CDRs as the operator's `tez usage import FILE`
// does (the same importer, ledger and options), and fails the journey on
// any rejected record.
func (s *shop) importUsage(records ...cdr) {
	s.t.Helper()
	var file strings.Builder
	file.WriteString(strings.Join(usage.Header, ",") + "\n")
	for _, r := range records {
		fmt.Fprintf(&file, "%s,%s,%s,%s,%d,%d,%s,%s,%s,%d,USD\n", r.ID, r.ICCID, r.Start.UTC().Format(time.RFC3339),
			r.Start.Add(time.Duration(r.Minutes)*time.Minute).UTC().Format(time.RFC3339), r.Up, r.Down, r.MCC, r.MNC, r.Name, r.CostCents)
	}
	st := store.New(s.api.DB)
	im := usage.NewImporter(st, ledger.New(st, ledger.Options{AllowNegativeBalance: s.api.Cfg.AllowNegativeBalance}), usage.Options{})
	var rejects bytes.Buffer
	sum, err := im.Import(context.Background(), strings.NewReader(file.String()), &rejects)
	if err != nil || sum.Rejected > 0 {
		s.t.Fatalf("tez usage import: %v, %s\n%s", err, sum, rejects.String())
	}
}
