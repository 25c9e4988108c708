package usage

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/currency"

	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/store"
)

// Header names the columns of a CDR file; ParseCDR takes fields in this order.
var Header = []string{
	"cdr_id", "iccid", "started_at", "ended_at", "bytes_up", "bytes_down",
	"mcc", "mnc", "network_name", "cost_minor", "currency",
}

const (
	colCDRID = iota
	colICCID
	colStartedAt
	colEndedAt
	colBytesUp
	colBytesDown
	colMCC
	colMNC
	colNetworkName
	colCost
	colCurrency
)

// Bounds on what a CDR may say; past them the file is wrong, not the session.
var earliestSession = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	clockSkew     = store.MaxSessionLead // how far ahead of now a session may start
	maxCDRID      = 128
	maxNetworkLen = 100
)

// ParseCDR reads the fields of one CDR (in Header order) as a usage session.
// The error says what is wrong in words an operator can fix the file with.
// Times are kept to the microsecond, as PostgreSQL stores them, so a CDR's
// identity (cdr_id, started_at) is the same in the file and in the table.
func ParseCDR(f []string, now time.Time) (store.UsageRecord, error) {
	var r store.UsageRecord
	if len(f) != len(Header) {
		return r, fmt.Errorf("%d fields, want %d", len(f), len(Header))
	}
	var err error
	if r.CDRID, err = text(f[colCDRID], maxCDRID); err != nil || r.CDRID == "" || strings.TrimSpace(r.CDRID) != r.CDRID {
		return r, errors.New("cdr_id: want a non-empty id without surrounding spaces, at most 128 bytes")
	}
	if err := iccid.Valid(f[colICCID]); err != nil {
		return r, fmt.Errorf("iccid: %w", err)
	}
	r.ICCID = f[colICCID]
	if r.StartedAt, err = timestamp(f[colStartedAt]); err != nil {
		return r, fmt.Errorf("started_at: %w", err)
	}
	if r.StartedAt.Before(earliestSession) || r.StartedAt.After(now.Add(clockSkew)) {
		return r, fmt.Errorf("started_at %s is before 2000 or in the future", f[colStartedAt])
	}
	if r.EndedAt, err = timestamp(f[colEndedAt]); err != nil {
		return r, fmt.Errorf("ended_at: %w", err)
	}
	if r.EndedAt.Before(r.StartedAt) {
		return r, errors.New("ended_at is before started_at")
	}
	if r.BytesUp, err = count(f[colBytesUp]); err != nil {
		return r, fmt.Errorf("bytes_up: %w", err)
	}
	if r.BytesDown, err = count(f[colBytesDown]); err != nil {
		return r, fmt.Errorf("bytes_down: %w", err)
	}
	if !digits(f[colMCC], 3, 3) {
		return r, errors.New("mcc: want 3 digits")
	}
	var ok bool
	if r.CountryCode, ok = CountryOfMCC(f[colMCC]); !ok {
		return r, fmt.Errorf("mcc: %s is not a country's mobile country code", f[colMCC])
	}
	r.MCC = f[colMCC]
	if !digits(f[colMNC], 2, 3) {
		return r, errors.New("mnc: want 2 or 3 digits")
	}
	r.MNC = f[colMNC]
	if r.NetworkName, err = text(f[colNetworkName], maxNetworkLen); err != nil {
		return r, fmt.Errorf("network_name: %w", err)
	}
	if r.Cost, err = count(f[colCost]); err != nil {
		return r, fmt.Errorf("cost_minor: %w", err)
	}
	if r.Currency, err = isoCurrency(f[colCurrency]); err != nil {
		return r, fmt.Errorf("currency: %w", err)
	}
	return r, nil
}

// FormatCDR writes a session as CDR fields, in Header order.
func FormatCDR(r store.UsageRecord) []string {
	return []string{
		r.CDRID, r.ICCID, r.StartedAt.UTC().Format(time.RFC3339Nano), r.EndedAt.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(r.BytesUp, 10), strconv.FormatInt(r.BytesDown, 10), r.MCC, r.MNC, r.NetworkName,
		strconv.FormatInt(r.Cost, 10), r.Currency,
	}
}

func timestamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, errors.New("want an RFC 3339 time such as 2026-03-01T10:00:00Z")
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

func count(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil:
		return 0, errors.New("want a whole number")
	case n < 0:
		return 0, errors.New("must not be negative")
	}
	return n, nil
}

// text accepts what PostgreSQL can store in a text column: UTF-8 without NUL.
func text(s string, maxLen int) (string, error) {
	if len(s) > maxLen || !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", fmt.Errorf("want UTF-8 text of at most %d bytes", maxLen)
	}
	return s, nil
}

func digits(s string, minLen, maxLen int) bool {
	if len(s) < minLen || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isoCurrency(s string) (string, error) {
	if len(s) != 3 || strings.ToUpper(s) != s {
		return "", errors.New("want an ISO 4217 code such as USD")
	}
	if u, err := currency.ParseISO(s); err != nil || u == (currency.Unit{}) {
		return "", fmt.Errorf("%s is not an ISO 4217 currency", s)
	}
	return s, nil
}
