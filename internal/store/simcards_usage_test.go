package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// The SIM cards read with their usage (SimCardsWithUsage) are, part for
// part, what the three reads it replaces give: the SIMs, their totals per
// country and their newest sessions, for every combination of the parts
// asked. The SIMs here have every column set or NULL, sessions before the
// owner got the SIM, none at all, and sessions out of range; another
// customer's SIM has sessions of its own.
func TestSimCardsWithUsageReadWhatTheSeparateReadsRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	st := store.New(db)
	customer := func(email string) (id int64) {
		t.Helper()
		if err := db.Get(&id, `INSERT INTO users (email, password_hash, terms_accepted_at, terms_version) VALUES ($1, 'h', now(), 'v') RETURNING id`, email); err != nil {
			t.Fatal(err)
		}
		return id
	}
	owner, other := customer("fold@x.example"), customer("fold-other@x.example")
	var reseller int64
	if err := db.Get(&reseller, `INSERT INTO resellers (name) VALUES ('fold-reseller') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	const (
		full   = "8999700000000000042" // every column set, sessions in two countries
		bare   = "8999700000000000059" // NULLs, no sessions
		later  = "8999700000000000067" // owned since yesterday: older sessions are someone else's
		theirs = "8999700000000000075" // the other customer's
	)
	db.MustExec(`INSERT INTO sim_cards (iccid, msisdn, status, user_id, owned_since, reseller_id, label, balance, currency, last_usage_at, overdraft, low_balance_threshold, runout_warning_days)
		VALUES ($1, '+77010000009', 'SUSPENDED', $2, now() - interval '90 days', $3, 'Trips', 250, 'EUR', now() - interval '1 day', 40, 500, 3)`, full, owner, reseller)
	db.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since, balance, currency) VALUES ($1, 'ACTIVE', $2, now() - interval '10 days', 0, 'USD')`, bare, owner)
	db.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since, balance, currency) VALUES ($1, 'ACTIVE', $2, now() - interval '1 day', 0, 'USD')`, later, owner)
	db.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since, balance, currency) VALUES ($1, 'ACTIVE', $2, now() - interval '90 days', 0, 'USD')`, theirs, other)
	for i, s := range []struct {
		iccid, country string
		ago            string
	}{
		{full, "GE", "2 days"}, {full, "GE", "3 days"}, {full, "TR", "4 days"}, {full, "TR", "5 days"}, {full, "DE", "45 days"},
		{later, "JP", "3 days"}, {later, "JP", "2 hours"}, {theirs, "KZ", "1 day"},
	} {
		db.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency)
			VALUES ('fold-'||$1::text, $2, now() - $3::interval, now() - $3::interval + interval '9 minutes', 100 + $1::int, 1000 * $1::int, $4, 'Net '||$1::text, 7 * $1::int, 'EUR')`,
			i, s.iccid, s.ago, s.country)
	}

	sims, err := st.SimCardsByUserID(ctx, st.DB(), []int64{owner})
	if err != nil {
		t.Fatal(err)
	}
	if len(sims[owner]) != 3 {
		t.Fatalf("the owner has %d SIMs, want 3", len(sims[owner]))
	}
	now := time.Now().UTC()
	month := store.UsageRange{From: now.AddDate(0, 0, -30), To: now.Add(time.Hour)}
	for _, ask := range []store.SimUsageAsk{
		{Totals: &month},
		{Newest: store.NewestKey{Limit: 3}},
		{Totals: &month, Newest: store.NewestKey{Limit: 4}},
		{Totals: &store.UsageRange{To: now}, Newest: store.NewestKey{UsageRange: month, Limit: 1}},
	} {
		read, err := st.SimCardsWithUsage(ctx, st.DB(), owner, ask)
		if err != nil {
			t.Fatalf("%+v: %v", ask, err)
		}
		if !reflect.DeepEqual(read.SIMs, sims[owner]) {
			t.Errorf("%+v: SIMs = %+v, want %+v", ask, read.SIMs, sims[owner])
		}
		var totalKeys []store.UsageRange
		var newestKeys []store.NewestKey
		for _, s := range sims[owner] {
			if ask.Totals != nil {
				k := *ask.Totals
				k.ICCID = s.ICCID
				totalKeys = append(totalKeys, k)
			}
			if ask.Newest.Limit > 0 {
				k := ask.Newest
				k.ICCID = s.ICCID
				newestKeys = append(newestKeys, k)
			}
		}
		scope := store.Scope{UserID: owner}
		var wantTotals map[store.UsageRange][]store.CountryUsage
		if totalKeys != nil {
			if wantTotals, err = st.UsageByCountry(ctx, st.DB(), scope, totalKeys); err != nil {
				t.Fatal(err)
			}
		}
		var wantNewest map[store.NewestKey][]store.UsageSession
		if newestKeys != nil {
			if wantNewest, err = st.NewestSessions(ctx, st.DB(), scope, newestKeys); err != nil {
				t.Fatal(err)
			}
		}
		if !sameTotals(read.Totals, wantTotals) {
			t.Errorf("%+v: totals = %+v, want %+v", ask, read.Totals, wantTotals)
		}
		if !reflect.DeepEqual(read.Newest, wantNewest) {
			t.Errorf("%+v: newest = %+v, want %+v", ask, read.Newest, wantNewest)
		}
	}

	// What the test stands on: the reads compared have something to show.
	read, err := st.SimCardsWithUsage(ctx, st.DB(), owner, store.SimUsageAsk{Totals: &month, Newest: store.NewestKey{Limit: 3}})
	if err != nil {
		t.Fatal(err)
	}
	key := func(iccid string) store.UsageRange { k := month; k.ICCID = iccid; return k }
	if got := read.Totals[key(full)]; len(got) != 2 {
		t.Errorf("totals of %s = %+v, want two countries (the 45-day-old session out of range)", full, got)
	}
	if got := read.Totals[key(later)]; len(got) != 1 || got[0].Sessions != 1 {
		t.Errorf("totals of %s = %+v, want the one session since it joined the account", later, got)
	}
	if got, ok := read.Newest[store.NewestKey{UsageRange: store.UsageRange{ICCID: bare}, Limit: 3}]; !ok || got != nil {
		t.Errorf("newest of %s (no sessions) = %+v, %v; want an empty entry", bare, got, ok)
	}
	if got := read.Newest[store.NewestKey{UsageRange: store.UsageRange{ICCID: full}, Limit: 3}]; len(got) != 3 || !got[0].StartedAt.After(got[1].StartedAt) {
		t.Errorf("newest of %s = %+v, want three, newest first", full, got)
	}
	for k := range read.Newest {
		if k.ICCID == theirs {
			t.Errorf("another customer's SIM %s is read", theirs)
		}
	}

	// A customer without SIMs reads none, whatever is asked.
	none, err := st.SimCardsWithUsage(ctx, st.DB(), customer("fold-none@x.example"), store.SimUsageAsk{Totals: &month, Newest: store.NewestKey{Limit: 3}})
	if err != nil || len(none.SIMs) != 0 || len(none.Totals) != 0 || len(none.Newest) != 0 {
		t.Errorf("no SIMs: %+v, %v", none, err)
	}
}

// sameTotals compares totals per country whatever their order: neither
// statement orders the countries.
func sameTotals(a, b map[store.UsageRange][]store.CountryUsage) bool {
	if len(a) != len(b) {
		return false
	}
	for k, rows := range a {
		want, ok := b[k]
		if !ok || len(rows) != len(want) {
			return false
		}
		for _, r := range rows {
			found := false
			for _, w := range want {
				found = found || r == w
			}
			if !found {
				return false
			}
		}
	}
	return true
}
