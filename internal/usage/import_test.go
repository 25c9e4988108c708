package usage_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/ledger/ledgertest"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
	"github.com/teztelecom/tez/internal/usage"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// now is the tests' clock: every session in them lies before it.
var now = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

type fixture struct{ ledgertest.Fixture }

func setup(t *testing.T) fixture {
	return fixture{ledgertest.New(t, ledger.Options{})}
}

func (f fixture) importer(batch int) *usage.Importer {
	return f.importerWith(usage.Options{BatchSize: batch})
}

func (f fixture) importerWith(opts usage.Options) *usage.Importer {
	opts.Now = func() time.Time { return now }
	return usage.NewImporter(f.Store, f.Ledger, opts)
}

// sim adds an active SIM with a starting balance (in USD minor units).
func (f fixture) sim(t *testing.T, n int, balance int64) string {
	t.Helper()
	id := iccid.WithCheckDigit(fmt.Sprintf("8999708%011d", n))
	f.DB.MustExec(`INSERT INTO sim_cards (iccid, status) VALUES ($1, 'ACTIVE')`, id)
	if balance > 0 {
		p := ledger.Posting{ICCID: id, Amount: money.New(balance, "USD"), Kind: store.EntryTopup, Key: "start:" + id}
		if _, err := f.Ledger.Credit(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func (f fixture) get(t *testing.T, dest any, query string, args ...any) {
	t.Helper()
	if err := f.DB.Get(dest, query, args...); err != nil {
		t.Fatal(err)
	}
}

// cdr is a good CDR row: a session of the SIM starting at start (hours
// after 2026-10-01) on Telekom.de, costing cost cents.
func cdr(id, sim string, hour int, cost int64) []string {
	return cdrAt(id, sim, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(hour)*time.Hour), cost)
}

func cdrAt(id, sim string, start time.Time, cost int64) []string {
	return []string{id, sim, start.Format(time.RFC3339), start.Add(30 * time.Minute).Format(time.RFC3339),
		"1000", "20000", "262", "01", "Telekom.de", fmt.Sprint(cost), "USD"}
}

func file(rows ...[]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(usage.Header)
	w.WriteAll(rows)
	return b.String()
}

func TestImport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	a, b := f.sim(t, 1, 10_000), f.sim(t, 2, 10_000)
	var rows [][]string
	for i := range 5 {
		rows = append(rows, cdr(fmt.Sprintf("a-%d", i), a, i, 100))
	}
	for i := range 3 {
		rows = append(rows, cdr(fmt.Sprintf("b-%d", i), b, 10+i, 7))
	}
	in := file(rows...)
	im := f.importer(4) // batches: a0-a3 | a4 b0 b1 b2

	sum, err := im.Import(ctx, strings.NewReader(in), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Read != 8 || sum.Imported != 8 || sum.Duplicates != 0 || sum.Rejected != 0 {
		t.Errorf("summary = %+v, want 8 read and imported", sum)
	}

	t.Run("sessions carry the MCC's country", func(t *testing.T) {
		var n int
		f.get(t, &n, `SELECT count(*) FROM usage_sessions WHERE country_code = 'DE' AND network_name = 'Telekom.de'`)
		if n != 8 {
			t.Errorf("%d sessions in DE, want 8", n)
		}
	})

	t.Run("costs are debited, one entry per SIM per batch", func(t *testing.T) {
		if got := f.Balance(t, a).Balance; got != 10_000-500 {
			t.Errorf("balance of a = %d, want 9500", got)
		}
		if got := f.Balance(t, b).Balance; got != 10_000-21 {
			t.Errorf("balance of b = %d, want 9979", got)
		}
		var refs []string
		if err := f.DB.Select(&refs, `SELECT reference FROM balance_entries WHERE kind = 'USAGE' ORDER BY reference`); err != nil {
			t.Fatal(err)
		}
		want := []string{
			"1 data session at 2026-10-01 04:00 UTC",
			"3 data sessions 2026-10-01 10:00 – 2026-10-01 12:00 UTC",
			"4 data sessions 2026-10-01 00:00 – 2026-10-01 03:00 UTC",
		}
		if strings.Join(refs, "\n") != strings.Join(want, "\n") {
			t.Errorf("usage entries:\n%s\nwant:\n%s", strings.Join(refs, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("last usage is the end of the latest session", func(t *testing.T) {
		var last time.Time
		f.get(t, &last, `SELECT last_usage_at FROM sim_cards WHERE iccid = $1`, a)
		if want := time.Date(2026, 10, 1, 4, 30, 0, 0, time.UTC); !last.Equal(want) {
			t.Errorf("last_usage_at = %s, want %s", last, want)
		}
	})

	t.Run("importing again adds nothing", func(t *testing.T) {
		var entries, sessions int
		f.get(t, &entries, `SELECT count(*) FROM balance_entries`)
		again, err := f.importer(3).Import(ctx, strings.NewReader(in), &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if again.Imported != 0 || again.Duplicates != 8 {
			t.Errorf("re-import summary = %+v, want 8 duplicates", again)
		}
		var entriesAfter int
		f.get(t, &entriesAfter, `SELECT count(*) FROM balance_entries`)
		f.get(t, &sessions, `SELECT count(*) FROM usage_sessions`)
		if entriesAfter != entries || sessions != 8 || f.Balance(t, a).Balance != 9500 {
			t.Errorf("after re-import: %d entries (was %d), %d sessions, balance %d", entriesAfter, entries, sessions, f.Balance(t, a).Balance)
		}
	})
	f.CheckClean(t)
}

func TestRejects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	a := f.sim(t, 1, 10_000)
	f.DB.MustExec(`INSERT INTO sim_cards (iccid, status, currency) VALUES ($1, 'ACTIVE', 'EUR')`, iccid.WithCheckDigit("899970800000000099"))
	eurSIM := iccid.WithCheckDigit("899970800000000099")
	unknown := iccid.WithCheckDigit("899970800000000777")

	edit := func(row []string, col int, v string) []string {
		row[col] = v
		return row
	}
	// A quoted network name spanning two lines moves every later line number.
	twoLines := cdr("ok-1", a, 1, 10)
	twoLines[8] = "Telekom\nDeutschland"
	in := file(
		cdr("ok-0", a, 0, 10), // line 2
		twoLines,              // lines 3-4
		edit(cdr("bad-time", a, 2, 10), 2, "2026-10-01 10:00"),       // 5
		edit(cdr("ends-early", a, 3, 10), 3, "2026-09-30T00:00:00Z"), // 6
		edit(cdr("neg-bytes", a, 4, 10), 5, "-5"),                    // 7
		cdr("no-sim", unknown, 5, 10),                                // 8
		edit(cdr("bad-currency", a, 6, 10), 10, "ABC"),               // 9
		cdr("other-currency", eurSIM, 7, 10),                         // 10
		edit(cdr("bad-mcc", a, 8, 10), 6, "999"),                     // 11
		edit(cdr("bad-iccid", a, 9, 10), 1, "8999708000000000019"),   // 12
		cdr("ok-2", a, 10, 10),                                       // 13
	) + "short,row\n" + // 14
		`bare"quote,` + a + ",x\n" + // 15
		strings.Join(cdr("ok-3", a, 11, 10), ",") + "\n" // 16

	var rejects bytes.Buffer
	sum, err := f.importer(4).Import(ctx, strings.NewReader(in), &rejects)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Read != 14 || sum.Imported != 4 || sum.Rejected != 10 {
		t.Errorf("summary = %+v, want 14 read, 4 imported, 10 rejected", sum)
	}
	records, err := csv.NewReader(&rejects).ReadAll()
	if err != nil {
		t.Fatalf("rejects are not CSV: %v\n%s", err, rejects.String())
	}
	want := []struct{ line, reason string }{
		{"5", "started_at: want an RFC 3339 time"},
		{"6", "ended_at is before started_at"},
		{"7", "bytes_down: must not be negative"},
		{"8", "iccid: no such SIM"},
		{"9", "currency: ABC is not an ISO 4217 currency"},
		{"10", "currency: the SIM's balance is in EUR, not USD"},
		{"11", "mcc: 999 is not a country's mobile country code"},
		{"12", "iccid: ICCID check digit is wrong"},
		{"14", "2 fields, the header has 11"},
		{"15", `csv: bare " in non-quoted-field`},
	}
	if len(records) != len(want)+1 || strings.Join(records[0][:3], ",") != "line,reason,cdr_id" {
		t.Fatalf("rejects file:\n%s", rejects.String())
	}
	for i, w := range want {
		got := records[i+1]
		if got[0] != w.line || !strings.HasPrefix(got[1], w.reason) {
			t.Errorf("reject %d = line %s %q, want line %s %q", i, got[0], got[1], w.line, w.reason)
		}
	}
	var ids []string
	if err := f.DB.Select(&ids, `SELECT cdr_id FROM usage_sessions ORDER BY cdr_id`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "ok-0,ok-1,ok-2,ok-3" {
		t.Errorf("imported %v, want the four good rows", ids)
	}
}

func TestHeader(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	a := f.sim(t, 1, 1000)

	t.Run("columns in any order, extra ones ignored", func(t *testing.T) {
		row := cdr("x-1", a, 0, 5)
		in := "note,currency,cost_minor,network_name,mnc,mcc,bytes_down,bytes_up,ended_at,started_at,iccid,cdr_id\n" +
			"hello," + strings.Join([]string{row[10], row[9], row[8], row[7], row[6], row[5], row[4], row[3], row[2], row[1], row[0]}, ",") + "\n"
		sum, err := f.importer(10).Import(ctx, strings.NewReader("\uFEFF"+in), &bytes.Buffer{})
		if err != nil || sum.Imported != 1 {
			t.Errorf("summary = %+v, %v; want 1 imported", sum, err)
		}
	})

	t.Run("a missing column stops the import", func(t *testing.T) {
		in := strings.Replace(file(cdr("x-2", a, 1, 5)), "cost_minor", "cost", 1)
		if _, err := f.importer(10).Import(ctx, strings.NewReader(in), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), `"cost_minor"`) {
			t.Errorf("err = %v, want one naming cost_minor", err)
		}
	})

	t.Run("empty input stops the import", func(t *testing.T) {
		if _, err := f.importer(10).Import(ctx, strings.NewReader(""), &bytes.Buffer{}); err == nil {
			t.Error("empty input imported")
		}
	})
}

func TestPartitionForMonthWithoutOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := setup(t)
	a := f.sim(t, 1, 1000)
	row := cdr("late-1", a, 0, 5)
	row[2], row[3] = "2019-03-10T10:00:00+03:00", "2019-03-10T11:00:00+03:00"
	var exists bool
	f.get(t, &exists, `SELECT to_regclass('usage_sessions_y2019m03') IS NOT NULL`)
	if exists {
		t.Fatal("the test needs a month without a partition")
	}
	if sum, err := f.importer(10).Import(ctx, strings.NewReader(file(row)), &bytes.Buffer{}); err != nil || sum.Imported != 1 {
		t.Fatalf("summary = %+v, %v", sum, err)
	}
	var where string
	f.get(t, &where, `SELECT tableoid::regclass::text FROM usage_sessions WHERE cdr_id = 'late-1'`)
	if where != "usage_sessions_y2019m03" {
		t.Errorf("session landed in %s, want usage_sessions_y2019m03", where)
	}
	parts, err := f.Store.UsagePartitions(ctx, f.Store.DB())
	if err != nil {
		t.Fatal(err)
	}
	if p := parts[0]; p.Name != "usage_sessions_y2019m03" || p.Rows != 1 || !p.From.Equal(time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first partition = %+v, want 2019-03 with 1 row", p)
	}
	if p := parts[len(parts)-1]; p.Name != "usage_sessions_default" || p.From != nil || p.Rows != 0 {
		t.Errorf("last partition = %+v, want the empty default", p)
	}
}

func TestCancelledImportLeavesNoHalfBatch(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d batches in flight", workers), func(t *testing.T) {
			t.Parallel()
			cancelledImport(t, workers)
		})
	}
}

// cancelledImport cancels an import while its second batch (SIM b's) waits
// inside its transaction, having inserted its sessions.
func cancelledImport(t *testing.T, workers int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := setup(t)
	a, b := f.sim(t, 1, 1000), f.sim(t, 2, 1000)
	in := file(cdr("a-0", a, 0, 10), cdr("a-1", a, 1, 10), cdr("b-0", b, 2, 10), cdr("b-1", b, 3, 10))

	// Hold SIM b's row lock, as a concurrent top-up would.
	holder, err := f.DB.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	holder.MustExec(`SELECT 1 FROM sim_cards WHERE iccid = $1 FOR UPDATE`, b)

	done := make(chan error, 1)
	var sum usage.Summary
	go func() {
		var err error
		sum, err = f.importerWith(usage.Options{BatchSize: 2, Workers: workers}).Import(ctx, strings.NewReader(in), &bytes.Buffer{})
		done <- err
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var waiting int
		f.get(t, &waiting, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the import never waited for the locked SIM")
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("import returned %v, want context.Canceled", err)
	}
	holder.Rollback()

	sessions := func(id string) (n int) {
		f.get(t, &n, `SELECT count(*) FROM usage_sessions WHERE iccid = $1`, id)
		return n
	}
	sa, sb := sessions(a), sessions(b)
	if sb != 0 || f.Balance(t, b).Balance != 1000 {
		t.Errorf("cancelled batch left %d sessions, balance %d", sb, f.Balance(t, b).Balance)
	}
	// With one batch at a time, the first had committed when the second
	// waited; with two, it may have been cancelled too, but only whole.
	if (workers == 1 && sa != 2) || (sa != 0 && sa != 2) || f.Balance(t, a).Balance != 1000-int64(10*sa) {
		t.Errorf("first batch: %d sessions, balance %d", sa, f.Balance(t, a).Balance)
	}
	if sum.Imported != sa+sb {
		t.Errorf("summary = %+v, want %d imported", sum, sa+sb)
	}
	f.CheckClean(t)

	again, err := f.importer(2).Import(context.Background(), strings.NewReader(in), &bytes.Buffer{})
	if err != nil || again.Imported != 4-sa || again.Duplicates != sa {
		t.Errorf("rerun = %+v, %v; want %d imported, %d duplicates", again, err, 4-sa, sa)
	}
}

func TestUsageBeyondBalanceSuspends(t *testing.T) {
	t.Parallel()
	f := setup(t)
	a := f.sim(t, 1, 100)
	sum, err := f.importer(10).Import(context.Background(), strings.NewReader(file(cdr("a-0", a, 0, 60), cdr("a-1", a, 1, 90))), &bytes.Buffer{})
	if err != nil || sum.Imported != 2 {
		t.Fatalf("summary = %+v, %v; want both sessions imported", sum, err)
	}
	if got := f.Balance(t, a); got.Balance != 0 || got.Overdraft != 50 || got.Status != store.SIMSuspended {
		t.Errorf("SIM = %+v, want balance 0, overdraft 50, SUSPENDED", got)
	}
	f.CheckClean(t)
}

func TestConcurrentImportsOfOneFile(t *testing.T) {
	t.Parallel()
	f := setup(t)
	sims := []string{f.sim(t, 1, 100_000), f.sim(t, 2, 100_000), f.sim(t, 3, 100_000)}
	// Sessions in 30 months that have no partition yet: the imports create
	// them while each other's batches insert.
	var rows [][]string
	for i := range 300 {
		rows = append(rows, cdrAt(fmt.Sprintf("c-%d", i), sims[i%3], time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 3*i), 10))
	}
	in := file(rows...)
	var wg sync.WaitGroup
	sums := make([]usage.Summary, 4)
	for g := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if sums[g], err = f.importer(50).Import(context.Background(), strings.NewReader(in), &bytes.Buffer{}); err != nil {
				t.Errorf("import %d: %v", g, err)
			}
		}()
	}
	wg.Wait()
	imported := 0
	for _, s := range sums {
		imported += s.Imported
	}
	if imported != 300 {
		t.Errorf("four concurrent imports added %d sessions in all, want 300", imported)
	}
	for _, id := range sims {
		if got := f.Balance(t, id).Balance; got != 100_000-1000 {
			t.Errorf("balance of %s = %d, want 99000", id, got)
		}
	}
	var inDefault int
	f.get(t, &inDefault, `SELECT count(*) FROM usage_sessions_default`)
	if inDefault != 0 {
		t.Errorf("%d sessions in the default partition", inDefault)
	}
	f.CheckClean(t)
}

// TestCancelledAtAnyMoment stops imports at arbitrary points: whatever
// committed, every SIM's sessions and its debits agree, and the rerun
// completes the file.
func TestCancelledAtAnyMoment(t *testing.T) {
	t.Parallel()
	f := setup(t)
	sims := []string{f.sim(t, 1, 1_000_000), f.sim(t, 2, 1_000_000), f.sim(t, 3, 1_000_000), f.sim(t, 4, 1_000_000)}
	var rows [][]string
	for i := range 3000 {
		rows = append(rows, cdr(fmt.Sprintf("r-%d", i), sims[i%4], i%600, int64(1+i%7)))
	}
	in := file(rows...)
	agree := func() {
		t.Helper()
		for _, id := range sims {
			var cost int64
			f.get(t, &cost, `SELECT coalesce(sum(cost), 0) FROM usage_sessions WHERE iccid = $1`, id)
			if got := f.Balance(t, id).Balance; got != 1_000_000-cost {
				t.Errorf("%s: balance %d, but its sessions cost %d", id, got, cost)
			}
		}
		f.CheckClean(t)
	}
	for _, ms := range []int{10, 30, 60, 100, 150, 250} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(ms)*time.Millisecond)
		sum, err := f.importer(250).Import(ctx, strings.NewReader(in), &bytes.Buffer{})
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("import stopped after %dms: %v", ms, err)
		}
		t.Logf("stopped after %dms: %s (%v)", ms, sum, err)
		if sum.Read%250 != 0 {
			t.Errorf("import stopped after %dms counted %d records read: not whole batches", ms, sum.Read)
		}
		agree()
	}
	if sum, err := f.importer(250).Import(context.Background(), strings.NewReader(in), &bytes.Buffer{}); err != nil || sum.Imported+sum.Duplicates != 3000 {
		t.Fatalf("rerun = %+v, %v", sum, err)
	}
	var n int
	f.get(t, &n, `SELECT count(*) FROM usage_sessions`)
	if n != 3000 {
		t.Errorf("%d sessions after the rerun, want 3000", n)
	}
	agree()
}
