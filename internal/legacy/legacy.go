// Package legacy imports the accounts of the old account system (who owned
// which SIM card since when, the orders, the profile and addresses), so
// that they join the account of the same email once its owner verifies it
// here: the promise that the whole history is kept. See
// docs/legacy-import.md.
package legacy

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/store"
)

// Limits of the input.
const (
	// MaxLine is the longest line read; a longer one is reported and
	// skipped. One old account with hundreds of orders fits.
	MaxLine = 1 << 20
	// batch is how many accounts one transaction stores.
	batch = 1000
)

// BadLine is a line refused, with why.
type BadLine struct {
	Line   int
	Reason string
}

// Result is what an import did.
type Result struct {
	Format string // "jsonl" or "csv"
	Lines  int    // data lines read (blank ones aside)
	// Stored counts what was new or changed: profiles (Accounts), SIM
	// cards, orders and their lines.
	Stored store.LegacyCounts
	// Attached counts what joined accounts verified already, at once.
	Attached store.LegacyCounts
	Bad      []BadLine // in line order
}

// record is a checked line waiting for its batch.
type record struct {
	line int
	acct store.LegacyAccount
}

// Import reads old accounts, as JSON Lines (one account per line) or as CSV
// with the header email,iccid,label[,owned_since] (one SIM card per line),
// told apart by the first character. A bad line is reported with its
// number and reason and stores nothing of itself; good lines are kept.
// Importing a file again changes nothing. An account whose email has a
// verified owner here attaches at once.
func Import(ctx context.Context, st *store.Store, r io.Reader) (Result, error) {
	in := bufio.NewReaderSize(r, 64<<10)
	parse, format, lineNo, err := detect(in)
	res := Result{Format: format}
	if err != nil {
		return res, err
	}
	seen := newSeen()
	var pending []record
	flush := func() error {
		err := storeBatch(ctx, st, pending, &res)
		pending = pending[:0]
		return err
	}
	for {
		raw, tooLong, err := readLine(in, MaxLine)
		if err == io.EOF {
			break
		}
		if err != nil {
			return res, fmt.Errorf("read line %d: %w", lineNo+1, err)
		}
		lineNo++
		if tooLong {
			res.Lines++
			res.Bad = append(res.Bad, BadLine{lineNo, fmt.Sprintf("longer than %d bytes", MaxLine)})
			continue
		}
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 {
			continue
		}
		res.Lines++
		acct, reasons := parse(raw)
		if len(reasons) == 0 {
			reasons = seen.check(lineNo, acct)
		}
		if len(reasons) > 0 {
			res.Bad = append(res.Bad, BadLine{lineNo, strings.Join(reasons, "; ")})
			continue
		}
		pending = append(pending, record{lineNo, acct})
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

// parser reads one line into an account, or says why it cannot.
type parser func([]byte) (store.LegacyAccount, []string)

// detect tells the format by the first character (after a byte order mark
// and blank space) and answers the parser of its lines and how many lines
// it read (blank ones, a CSV header).
func detect(in *bufio.Reader) (parse parser, format string, lines int, err error) {
	for {
		b, err := in.Peek(1)
		if err == io.EOF {
			return nil, "", lines, fmt.Errorf("the file is empty")
		}
		if err != nil {
			return nil, "", lines, err
		}
		switch {
		case b[0] == '{':
			return parseJSONLine, "jsonl", lines, nil
		case b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n':
			if c, _ := in.ReadByte(); c == '\n' {
				lines++
			}
			continue
		}
		if bom, _ := in.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
			_, _ = in.Discard(3)
			continue
		}
		header, tooLong, err := readLine(in, MaxLine)
		if err != nil || tooLong {
			return nil, "csv", lines, fmt.Errorf("line %d: not a CSV header", lines+1)
		}
		parse, err := csvParser(string(header))
		return parse, "csv", lines + 1, err
	}
}

// readLine reads one line, without its end. A line longer than max is
// read to its end and answered tooLong, without its bytes. io.EOF comes only
// when nothing is left.
func readLine(in *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := in.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > max+2 { // room for \r\n
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(line) == 0 && !tooLong:
			return nil, false, io.EOF
		case err != nil && err != io.EOF:
			return nil, false, err
		}
		return bytes.TrimRight(line, "\r\n"), tooLong, nil
	}
}

// storeBatch checks the batch against what is here (under the import's
// lock, so nothing changes meanwhile), stores the good accounts and
// attaches those whose email is verified here already, in one transaction.
func storeBatch(ctx context.Context, st *store.Store, recs []record, res *Result) error {
	if len(recs) == 0 {
		return nil
	}
	return st.InTx(ctx, func(tx store.Querier) error {
		if err := st.LockLegacyImport(ctx, tx); err != nil {
			return err
		}
		good, bad, err := checkHere(ctx, st, tx, recs)
		if err != nil {
			return err
		}
		accounts := make([]store.LegacyAccount, len(good))
		var emails []string
		seen := map[string]bool{}
		for i, r := range good {
			accounts[i] = r.acct
			if key := strings.ToLower(r.acct.Email); !seen[key] {
				seen[key] = true
				emails = append(emails, r.acct.Email)
			}
		}
		stored, err := st.StoreLegacyAccounts(ctx, tx, accounts)
		if err != nil {
			return err
		}
		attached, err := st.ClaimLegacy(ctx, tx, emails)
		if err != nil {
			return err
		}
		res.Bad = append(res.Bad, bad...)
		res.Stored.Add(stored)
		res.Attached.Add(attached)
		return nil
	})
}

// Run is `tez legacy import`: it imports in and reports like the command,
// bad lines on stderr, the summary with the time taken on stdout.
func Run(ctx context.Context, st *store.Store, in io.Reader, stdout, stderr io.Writer) error {
	start := time.Now()
	res, err := Import(ctx, st, in)
	took := time.Since(start)
	for _, b := range res.Bad {
		fmt.Fprintf(stderr, "line %d: %s (skipped)\n", b.Line, b.Reason)
	}
	s, a := res.Stored, res.Attached
	fmt.Fprintf(stdout, "%s: %d lines, %d skipped; new or changed: %d accounts, %d SIM cards, %d orders (%d lines); "+
		"attached at once to verified accounts: %d SIM cards, %d orders, %d addresses; %s (%.0f lines/s)\n",
		res.Format, res.Lines, len(res.Bad), s.Accounts, s.SIMs, s.Orders, s.Items, a.SIMs, a.Orders, a.Addresses,
		took.Round(time.Millisecond), float64(res.Lines)/max(took.Seconds(), 1e-3))
	return err
}
