package usage_test

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
	"github.com/teztelecom/tez/internal/usage"
)

// With a retention of 12 months, a pass of the keeper archives and drops
// every older month (from its partition or the default one), keeps the rest,
// has the months ahead, and a second pass finds nothing more to do.
func TestKeeperRetiresOldMonthsIntoArchives(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	st := store.New(db)
	now := time.Now().UTC()
	insert := func(cdr string, at time.Time) {
		t.Helper()
		db.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, cost, currency)
			VALUES ($1, '8999701000000000019', $2, $2::timestamptz + interval '1 minute', 1, 2, 'DE', 3, 'USD')`, cdr, at)
	}
	old := time.Date(2019, 3, 10, 12, 0, 0, 0, time.UTC) // no partition: the default one
	insert("2019-a", old)
	insert("2019-b", old.Add(time.Hour))
	insert("14-months", now.AddDate(0, -14, 0)) // a monthly partition
	insert("11-months", now.AddDate(0, -11, 0))
	insert("today", now.Add(-time.Hour))

	dir := t.TempDir()
	k := &usage.Keeper{Store: st, Retention: 12, ArchiveDir: dir, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
	rep, err := k.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	if err := db.Select(&left, `SELECT cdr_id FROM usage_sessions ORDER BY started_at`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(left, []string{"11-months", "today"}) {
		t.Errorf("sessions left %v, want the 12 months kept", left)
	}
	kept := usage.KeptSince(12, now)
	for _, r := range rep.Retired {
		if !r.Month.Before(kept) {
			t.Errorf("retired %s, inside the retention (kept since %s)", r.Month.Format("2006-01"), kept.Format("2006-01"))
		}
	}
	archived := map[string]bool{}
	for _, r := range rep.Retired {
		for _, rec := range readArchive(t, r.Archive) {
			archived[rec["cdr_id"]] = true
			if rec["bytes_down"] != "2" || rec["iccid"] != "8999701000000000019" {
				t.Errorf("archived record %v lost its values", rec)
			}
		}
	}
	for _, cdr := range []string{"2019-a", "2019-b", "14-months"} {
		if !archived[cdr] {
			t.Errorf("session %s was dropped without its archive", cdr)
		}
	}
	// The months ahead exist.
	parts, err := st.UsagePartitions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	ahead := now.AddDate(0, usage.MonthsAhead, 0)
	want := "usage_sessions_y" + ahead.Format("2006") + "m" + ahead.Format("01")
	if !slices.ContainsFunc(parts, func(p store.UsagePartition) bool { return p.Name == want }) {
		t.Errorf("no partition %s %d months ahead", want, usage.MonthsAhead)
	}
	again, err := k.Once(ctx)
	if err != nil || len(again.Retired) != 0 || again.Created != 0 {
		t.Errorf("second pass: %+v, %v; want nothing to do", again, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != len(rep.Retired) {
		t.Errorf("archive directory holds %d files for %d months (a temporary file left?)", len(entries), len(rep.Retired))
	}
}

// An archive that cannot be written drops nothing; another process already
// retiring makes a pass a no-op; and by hand, a month still arriving or not a
// month's start is refused.
func TestKeeperLosesNothing(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	st := store.New(db)
	now := time.Now().UTC()
	db.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, cost, currency)
		VALUES ('old', '8999701000000000019', '2019-03-10', '2019-03-10 00:01', 1, 2, 'DE', 3, 'USD')`)
	count := func() (n int) {
		t.Helper()
		if err := db.Get(&n, `SELECT count(*) FROM usage_sessions`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	k := &usage.Keeper{Store: st, Retention: 12, ArchiveDir: notADir, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
	if _, err := k.Once(ctx); err == nil {
		t.Error("a pass with an unwritable archive directory succeeded")
	}
	if count() != 1 {
		t.Fatal("the session went without its archive")
	}

	holder, err := db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	holder.MustExec(`SELECT pg_advisory_xact_lock(hashtext('usage_retire'))`)
	k.ArchiveDir = t.TempDir()
	if rep, err := k.Once(ctx); err != nil || len(rep.Retired) != 0 {
		t.Errorf("pass beside another retiring process: %+v, %v; want a quiet no-op", rep, err)
	}
	holder.Rollback()
	if count() != 1 {
		t.Fatal("a session went while another process held the retirement")
	}

	if _, err := k.Retire(ctx, time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC), k.ArchiveDir); err == nil || !strings.Contains(err.Error(), "not the start of a UTC month") {
		t.Errorf("Retire before the middle of a month: %v; want a refusal", err)
	}
	next := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	if _, err := k.Retire(ctx, next, k.ArchiveDir); err == nil || !strings.Contains(err.Error(), "still arriving") {
		t.Errorf("Retire before next month: %v; want a refusal", err)
	}
	if count() != 1 {
		t.Fatal("a refused retirement dropped sessions")
	}
}

func readArchive(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(gz).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], store.UsageArchiveHeader) {
		t.Fatalf("archive header %v", recs[0])
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// A retired month stays retired: its CDRs imported again are refused (not
// billed twice), a second archive of the month goes beside the first, and
// the history says where it stops, whether the month left by the retention
// or by hand.
func TestRetiredMonthsStayRetired(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	sim := f.sim(t, 1, 10_000)
	old := time.Date(2026, 9, 10, 12, 0, 0, 0, time.UTC)
	if _, err := f.importer(10).Import(ctx, strings.NewReader(file(cdrAt("old-1", sim, old, 15))), &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	k := &usage.Keeper{Store: f.Store, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
	before := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	if _, err := k.Retire(ctx, before, dir); err != nil {
		t.Fatal(err)
	}
	retired, err := f.Store.UsageRetiredBefore(ctx, f.Store.DB())
	if err != nil || !retired.Equal(before) {
		t.Fatalf("retired before %v, %v; want %s", retired, err, before)
	}
	var balance int64
	f.get(t, &balance, `SELECT balance FROM sim_cards WHERE iccid = $1`, sim)

	var rejects strings.Builder
	sum, err := f.importer(10).Import(ctx, strings.NewReader(file(cdrAt("old-1", sim, old, 15), cdrAt("old-2", sim, old.Add(time.Hour), 15))), &rejects)
	if err != nil || sum.Imported != 0 || sum.Rejected != 2 || !strings.Contains(rejects.String(), "retired") {
		t.Errorf("importing the retired month again: %+v, %v\n%s", sum, err, rejects.String())
	}
	var after int64
	f.get(t, &after, `SELECT balance FROM sim_cards WHERE iccid = $1`, sim)
	if after != balance {
		t.Errorf("balance %d after the retired CDRs, was %d: billed again", after, balance)
	}

	// A month whose sessions came back by another way is archived beside
	// the first archive, never over it.
	f.DB.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, cost, currency)
		VALUES ('back', $1, $2, $2::timestamptz + interval '1 minute', 1, 1, 'DE', 0, 'USD')`, sim, old)
	again, err := k.Retire(ctx, before, dir)
	if err != nil || len(again) != 1 || filepath.Base(again[0].Archive) != "usage_sessions_2026-09-2.csv.gz" {
		t.Fatalf("second archive of 2026-09: %+v, %v", again, err)
	}
	if first := readArchive(t, filepath.Join(dir, "usage_sessions_2026-09.csv.gz")); len(first) != 1 || first[0]["cdr_id"] != "old-1" {
		t.Errorf("the first archive was overwritten: %v", first)
	}

	if got := usage.ArchivedBefore(0, retired, time.Time{}, now); got == nil || !got.Equal(before) {
		t.Errorf("a history after a retirement by hand says archivedBefore %v, want %s", got, before)
	}
	if got := usage.ArchivedBefore(0, retired, before, now); got != nil {
		t.Errorf("a history inside what is kept says archivedBefore %v", got)
	}
}
