// Package legacy imports who owned which SIM card in the old account
// system, so that those SIM cards join the account of the same email once
// it is verified here (the promise that the history of one's SIM cards is
// kept).
package legacy

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/store"
)

// batch is how many rows one statement stores.
const batch = 5000

// maxLabel matches sim_cards.label.
const maxLabel = 40

// BadRow is a row refused, with its line in the file.
type BadRow struct {
	Line   int
	Reason string
}

// Result is what an import did.
type Result struct {
	Rows     int      // data rows read
	Stored   int64    // rows new or with a changed label
	Attached int64    // SIMs that joined an account verified already
	Bad      []BadRow // rows refused, in file order
}

// row is a checked row waiting for its ICCID to be looked up.
type row struct {
	line int
	store.LegacyOwner
}

// Import reads CSV with the header email,iccid,label. Bad rows are
// reported and skipped, good ones kept; importing a file again changes
// nothing.
func Import(ctx context.Context, st *store.Store, r io.Reader) (Result, error) {
	var res Result
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return res, fmt.Errorf("read the header: %w", err)
	}
	if got := strings.ToLower(strings.Join(header, ",")); strings.TrimPrefix(got, "\ufeff") != "email,iccid,label" {
		return res, fmt.Errorf("the header is %q, want email,iccid,label", strings.Join(header, ","))
	}
	seen := map[[2]string]int{}
	var pending []row
	flush := func() error {
		good, err := checkKnown(ctx, st, pending, &res)
		if err != nil {
			return err
		}
		pending = pending[:0]
		if len(good) == 0 {
			return nil
		}
		stored, attached, err := st.ImportLegacyOwners(ctx, good)
		res.Stored += stored
		res.Attached += attached
		return err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			res.Rows++
			res.Bad = append(res.Bad, BadRow{Line: perr.Line, Reason: perr.Err.Error()})
			continue
		}
		if err != nil {
			return res, err
		}
		res.Rows++
		r, reason := check(rec)
		if reason == "" {
			key := [2]string{strings.ToLower(r.Email), r.ICCID}
			if first, dup := seen[key]; dup {
				reason = fmt.Sprintf("repeats line %d", first)
			} else {
				seen[key] = line
			}
		}
		if reason != "" {
			res.Bad = append(res.Bad, BadRow{Line: line, Reason: reason})
			continue
		}
		pending = append(pending, row{line: line, LegacyOwner: r})
		if len(pending) == batch {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	err = flush()
	sort.SliceStable(res.Bad, func(i, j int) bool { return res.Bad[i].Line < res.Bad[j].Line })
	return res, err
}

// check validates one record and answers why it is bad ("" when good).
func check(rec []string) (store.LegacyOwner, string) {
	if len(rec) != 3 {
		return store.LegacyOwner{}, fmt.Sprintf("%d fields, want 3 (email,iccid,label)", len(rec))
	}
	email, bad := account.NormalizeEmail("email", rec[0])
	if bad != nil {
		return store.LegacyOwner{}, "email: " + bad.Message
	}
	id := strings.Join(strings.Fields(rec[1]), "")
	if err := iccid.Valid(id); err != nil {
		return store.LegacyOwner{}, "iccid: " + err.Error()
	}
	label := strings.TrimSpace(rec[2])
	if utf8.RuneCountInString(label) > maxLabel {
		return store.LegacyOwner{}, fmt.Sprintf("label: longer than %d characters", maxLabel)
	}
	return store.LegacyOwner{Email: email, ICCID: id, Label: label}, ""
}

// checkKnown reports the rows whose SIM card is not here (it could never
// join an account) and answers the others.
func checkKnown(ctx context.Context, st *store.Store, rows []row, res *Result) ([]store.LegacyOwner, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ICCID
	}
	known, err := st.KnownICCIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	var good []store.LegacyOwner
	for _, r := range rows {
		if !known[r.ICCID] {
			res.Bad = append(res.Bad, BadRow{Line: r.line, Reason: "iccid: no SIM card " + r.ICCID + " here"})
			continue
		}
		good = append(good, r.LegacyOwner)
	}
	return good, nil
}
