// Package export writes the customer's downloads: the usage history as
// CSV, and everything the service keeps about them as one JSON document.
package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// UsageCSVHeader is the first line of the usage download.
var UsageCSVHeader = []string{"started_at", "ended_at", "country", "network", "bytes_up", "bytes_down", "total_bytes", "cost", "currency"}

// Sessions streams sessions to a callback (store.EachUsageSession).
type Sessions func(ctx context.Context, fn func(*store.UsageSession) error) error

// UsageCSV writes the header and one line per session read from each,
// times in loc with their offset. before runs once the first session (or
// the end) is known, so that a caller can still answer an error instead of
// a download; the body is written in chunks as the rows come.
func UsageCSV(ctx context.Context, w io.Writer, loc *time.Location, each Sessions, before func() error) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	out := csv.NewWriter(bw)
	started := false
	start := func() error {
		if started {
			return nil
		}
		started = true
		if err := before(); err != nil {
			return err
		}
		return out.Write(UsageCSVHeader)
	}
	record := make([]string, len(UsageCSVHeader))
	err := each(ctx, func(u *store.UsageSession) error {
		if err := start(); err != nil {
			return err
		}
		record[0] = u.StartedAt.In(loc).Format(time.RFC3339)
		record[1] = u.EndedAt.In(loc).Format(time.RFC3339)
		record[2] = Cell(u.CountryCode)
		record[3] = Cell(u.NetworkName)
		record[4] = strconv.FormatInt(u.BytesUp, 10)
		record[5] = strconv.FormatInt(u.BytesDown, 10)
		record[6] = strconv.FormatInt(u.TotalBytes(), 10)
		record[7] = money.New(u.CostMinor, u.Currency).Decimal()
		record[8] = Cell(u.Currency)
		return out.Write(record)
	})
	if err != nil {
		return err
	}
	if err := start(); err != nil {
		return err
	}
	out.Flush()
	if err := out.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// Cell neutralises a text cell a spreadsheet would run as a formula (OWASP
// "CSV injection"): one starting with =, +, -, @, a tab or a carriage
// return gets a leading apostrophe, which spreadsheets show as text.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// UsageCSVPath is where the usage download is served.
const UsageCSVPath = "/export/usage.csv"

// UsageCSVURL is the link of the usage download of r, under base (the
// service's public URL).
func UsageCSVURL(base string, r store.UsageRange) string {
	q := url.Values{"iccid": {r.ICCID}}
	if !r.From.IsZero() {
		q.Set("from", r.From.UTC().Format(time.RFC3339Nano))
	}
	if !r.To.IsZero() {
		q.Set("to", r.To.UTC().Format(time.RFC3339Nano))
	}
	return base + UsageCSVPath + "?" + q.Encode()
}
