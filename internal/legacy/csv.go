package legacy

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/store"
)

// csvParser checks the header of the CSV format (email,iccid,label with an
// optional owned_since) and answers the parser of its rows: one SIM card
// of an old account per line, without a profile.
func csvParser(header string) (parser, error) {
	got := strings.ToLower(strings.Join(strings.Fields(header), ""))
	var fields int
	switch got {
	case "email,iccid,label":
		fields = 3
	case "email,iccid,label,owned_since":
		fields = 4
	default:
		return nil, fmt.Errorf("line 1: the header is %q, want email,iccid,label or email,iccid,label,owned_since", header)
	}
	return func(raw []byte) (store.LegacyAccount, []string) {
		if !utf8.Valid(raw) || strings.ContainsRune(string(raw), 0) {
			return store.LegacyAccount{}, []string{"not UTF-8 text, or a NUL character"}
		}
		r := csv.NewReader(strings.NewReader(string(raw)))
		r.FieldsPerRecord = -1
		r.TrimLeadingSpace = true
		rec, err := r.Read()
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			return store.LegacyAccount{}, []string{perr.Err.Error()}
		}
		if err != nil || len(rec) != fields {
			return store.LegacyAccount{}, []string{fmt.Sprintf("%d fields, want %d (%s)", len(rec), fields, got)}
		}
		var p problems
		email, bad := account.NormalizeEmail("email", rec[0])
		if bad != nil {
			p.add("email", "%s", bad.Message)
		}
		since := ""
		if fields == 4 {
			since = rec[3]
		}
		sim, _ := checkSIM(&p, csvColumn, rec[1], rec[2], since, time.Now())
		return store.LegacyAccount{Email: email, SIMs: []store.LegacySIM{sim}}, p
	}, nil
}

// csvColumn names a field of a SIM card by its CSV column.
func csvColumn(field string) string {
	if field == "ownedSince" {
		return "owned_since"
	}
	return field
}
