// Package stock takes SIM cards into the shop's stock from an intake file
// (CSV: iccid,msisdn,sku,activation_code). Every line is checked on its
// own: a bad or repeated line is reported by its number and the good lines
// are added all the same. Adding the same file again adds nothing.
package stock

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/teztelecom/tez/internal/csvline"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/phone"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// Columns are the intake file's columns; a first line naming them is a
// header and skipped.
var Columns = []string{"iccid", "msisdn", "sku", "activation_code"}

// Activation codes are 6 to 32 characters, spaces aside (the hash ignores
// them).
const (
	MinCodeLen = 6
	MaxCodeLen = 32
)

// BatchSize is how many SIMs one transaction adds: a huge file is never held
// in memory at once, and a batch commits in well under a second.
const BatchSize = 10_000

// Problem is a line that was not added, and why.
type Problem struct {
	Line   int
	Reason string
}

// Result is what an intake did.
type Result struct {
	Lines int // data lines read (the header aside)
	Added int
	// Known counts lines whose ICCID is in the database already (added
	// before: the file was run again). They are not problems.
	Known int
	// Problems are the lines refused, in line order.
	Problems []Problem
}

// Intake adds SIM cards to stock.
type Intake struct {
	store *store.Store
}

// New makes an intake.
func New(st *store.Store) *Intake { return &Intake{store: st} }

// Add reads an intake file and adds its good lines in batches, each in a
// transaction of its own (an interrupted run keeps the batches it
// committed, and running the file again completes it).
func (in *Intake) Add(ctx context.Context, r io.Reader) (Result, error) {
	var res Result
	products := map[string]*store.Product{} // by SKU; nil: not a SIM product on sale
	seenICCID := map[string]int{}           // the line that had it first
	seenMSISDN := map[string]int{}
	var batch []store.StockSIM
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a line with the wrong count is that line's problem
	for first := true; ; first = false {
		rec, line, bad, err := csvline.Next(cr)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, fmt.Errorf("read intake file: %w", err)
		}
		if bad != "" {
			res.Lines++
			res.Problems = append(res.Problems, Problem{Line: line, Reason: "not readable as CSV: " + bad})
			continue
		}
		if first && isHeader(rec) {
			continue
		}
		res.Lines++
		sim, reason, err := in.check(ctx, rec, products)
		if err != nil {
			return res, fmt.Errorf("line %d: %w", line, err)
		}
		if reason == "" {
			if prev, ok := seenICCID[sim.ICCID]; ok {
				reason = fmt.Sprintf("ICCID %s repeats line %d", sim.ICCID, prev)
			} else if prev, ok := seenMSISDN[sim.MSISDN]; ok && sim.MSISDN != "" {
				reason = fmt.Sprintf("MSISDN %s repeats line %d", sim.MSISDN, prev)
			}
		}
		if reason != "" {
			res.Problems = append(res.Problems, Problem{Line: line, Reason: reason})
			continue
		}
		seenICCID[sim.ICCID] = line
		if sim.MSISDN != "" {
			seenMSISDN[sim.MSISDN] = line
		}
		sim.Line = line
		if batch = append(batch, sim); len(batch) == BatchSize {
			if err := in.addBatch(ctx, batch, &res); err != nil {
				return res, err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := in.addBatch(ctx, batch, &res); err != nil {
			return res, err
		}
	}
	slices.SortStableFunc(res.Problems, func(a, b Problem) int { return a.Line - b.Line })
	return res, nil
}

func isHeader(rec []string) bool {
	if len(rec) != len(Columns) {
		return false
	}
	for i, c := range Columns {
		if !strings.EqualFold(strings.TrimSpace(rec[i]), c) {
			return false
		}
	}
	return true
}

// check reads one line: a reason when it is refused.
func (in *Intake) check(ctx context.Context, rec []string, products map[string]*store.Product) (store.StockSIM, string, error) {
	if len(rec) != len(Columns) {
		return store.StockSIM{}, fmt.Sprintf("has %d fields, want %d: %s", len(rec), len(Columns), strings.Join(Columns, ",")), nil
	}
	id, number, sku, code := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), strings.ToUpper(strings.TrimSpace(rec[2])), rec[3]
	if err := iccid.Valid(id); err != nil {
		return store.StockSIM{}, err.Error(), nil
	}
	var msisdn string
	if number != "" {
		var err error
		if msisdn, err = phone.E164(number); err != nil {
			return store.StockSIM{}, fmt.Sprintf("MSISDN %q is not a phone number in international format (+ and the country code)", clip(number)), nil
		}
	}
	p, err := in.product(ctx, sku, products)
	if err != nil {
		return store.StockSIM{}, "", err
	}
	if p == nil {
		return store.StockSIM{}, fmt.Sprintf("%q is not a SIM card product on sale", clip(sku)), nil
	}
	if reason := checkCode(code); reason != "" {
		return store.StockSIM{}, reason, nil
	}
	return store.StockSIM{ICCID: id, MSISDN: msisdn, ProductID: p.ID, Currency: p.Currency, CodeHash: secret.ActivationCodeHash(code)}, "", nil
}

// clip shortens what a report quotes from a line: a garbled file must not
// flood the operator's terminal.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// product looks a SKU up once per intake; nil when it is not a SIM card
// product on sale (stock of a retired product would never sell).
func (in *Intake) product(ctx context.Context, sku string, products map[string]*store.Product) (*store.Product, error) {
	if p, ok := products[sku]; ok {
		return p, nil
	}
	found, err := in.store.ActiveProductsBySKU(ctx, in.store.DB(), []string{sku})
	if err != nil {
		return nil, err
	}
	var p *store.Product
	if f, ok := found[sku]; ok && f.Kind == store.ProductSIMCard {
		p = &f
	}
	products[sku] = p
	return p, nil
}

// checkCode: 6 to 32 printable characters, spaces aside.
func checkCode(code string) string {
	normal := strings.Join(strings.Fields(code), "")
	n := utf8.RuneCountInString(normal)
	if n < MinCodeLen || n > MaxCodeLen {
		return fmt.Sprintf("activation code has %d characters, want %d to %d", n, MinCodeLen, MaxCodeLen)
	}
	for _, r := range normal {
		if !unicode.IsPrint(r) || r == utf8.RuneError {
			return "activation code has a character that cannot be printed on a SIM holder"
		}
	}
	return ""
}

// addBatch adds one batch in a transaction and counts what it did.
func (in *Intake) addBatch(ctx context.Context, batch []store.StockSIM, res *Result) error {
	var skipped []store.StockSkipped
	err := in.store.InTx(ctx, func(tx store.Querier) error {
		var err error
		skipped, err = in.store.AddStock(ctx, tx, batch)
		return err
	})
	if err != nil {
		return fmt.Errorf("add stock (lines %d to %d): %w", batch[0].Line, batch[len(batch)-1].Line, err)
	}
	res.Added += len(batch) - len(skipped)
	for _, s := range skipped {
		if s.ICCIDKnown {
			res.Known++
			continue
		}
		res.Problems = append(res.Problems, Problem{Line: s.Line, Reason: fmt.Sprintf("MSISDN %s belongs to another SIM card", s.MSISDN)})
	}
	return nil
}
