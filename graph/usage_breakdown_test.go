package graph_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/iccid"
)

const breakdownQuery = `query($from: DateTime!, $to: DateTime!) { me { simCards { iccid
  usage(from: $from, to: $to) {
    totalBytes bytesUp bytesDown sessionCount cost { amount }
    byDay { date totalBytes bytesUp bytesDown sessionCount cost { amount } }
    byNetwork { countryCode networkName totalBytes sessionCount cost { amount } }
  } } } }`

type totals struct {
	Date, CountryCode, NetworkName string
	TotalBytes, BytesUp, BytesDown json.Number
	SessionCount                   int
	Cost                           struct{ Amount string }
}

type breakdown struct {
	totals
	ByDay, ByNetwork []totals
}

// breakdownSIM gives the customer a SIM, owned since the day before base
// (a UTC midnight), with three sessions: base 10:00 and 20:30 UTC (the
// latter already the next day in Almaty, UTC+5) and base+1 12:00; and one
// from before they owned it.
func breakdownSIM(t *testing.T, api *apitest.API, userID int64, n int, base time.Time) string {
	t.Helper()
	id := iccid.WithCheckDigit(fmt.Sprintf("89997022%05d%05d", userID, n))
	api.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since) VALUES ($1, 'ACTIVE', $2, $3)`, id, userID, base.Add(-24*time.Hour))
	for i, s := range []struct {
		at               time.Duration
		up, down, cost   int
		country, network string
	}{
		{10 * time.Hour, 500, 500, 5, "TR", "Vodafone TR"},
		{20*time.Hour + 30*time.Minute, 1000, 9000, 10, "TR", "Turkcell"},
		{36 * time.Hour, 2000, 0, 20, "GE", "Magti"},
		{-10 * 24 * time.Hour, 7, 7, 99, "JP", "Before"},
	} {
		at := base.Add(s.at)
		api.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'USD')`, fmt.Sprintf("%s-%d", id, i), id, at, at.Add(10*time.Minute), s.up, s.down, s.country, s.network, s.cost)
	}
	return id
}

func setTimeZone(t *testing.T, api *apitest.API, token, zone string) []struct {
	Field []string
	Code  string
} {
	t.Helper()
	var out struct {
		ProfileUpdate struct {
			User       *struct{ TimeZone string }
			UserErrors []struct {
				Field []string
				Code  string
			}
		}
	}
	api.Query(apitest.Request{Query: `mutation($z: String!) { profileUpdate(input: { timeZone: $z }) { user { timeZone } userErrors { field code } } }`,
		Token: token, Variables: map[string]any{"z": zone}}, &out)
	if len(out.ProfileUpdate.UserErrors) == 0 && (out.ProfileUpdate.User == nil || (zone != "" && out.ProfileUpdate.User.TimeZone != zone)) {
		t.Fatalf("profileUpdate(timeZone: %q) = %+v", zone, out.ProfileUpdate.User)
	}
	errs := make([]struct {
		Field []string
		Code  string
	}, len(out.ProfileUpdate.UserErrors))
	for i, e := range out.ProfileUpdate.UserErrors {
		errs[i].Field, errs[i].Code = e.Field, e.Code
	}
	return errs
}

func usageBreakdown(t *testing.T, api *apitest.API, token string, from, to time.Time) ([]breakdown, int) {
	t.Helper()
	res := api.Do(apitest.Request{Query: breakdownQuery, Token: token,
		Variables: map[string]any{"from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339)}})
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	var d struct {
		Me struct {
			SimCards []struct{ Usage breakdown }
		}
	}
	api.Decode(res, &d)
	out := make([]breakdown, len(d.Me.SimCards))
	for i, s := range d.Me.SimCards {
		out[i] = s.Usage
	}
	n, err := strconv.Atoi(res.Header.Get("X-SQL-Statements"))
	if err != nil {
		t.Fatalf("no statement count: %v", err)
	}
	return out, n
}

// sumOf adds up a breakdown's entries as the customer would.
func sumOf(entries []totals) (bytes, up, down int64, sessions int, cents int64) {
	for _, e := range entries {
		b, _ := e.TotalBytes.Int64()
		u, _ := e.BytesUp.Int64()
		d, _ := e.BytesDown.Int64()
		bytes, up, down, sessions = bytes+b, up+u, down+d, sessions+e.SessionCount
		f, _ := strconv.ParseFloat(e.Cost.Amount, 64)
		cents += int64(f*100 + 0.5)
	}
	return
}

func TestUsageBreakdowns(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	userID, token := api.Customer("days@x.example")
	base := time.Now().UTC().AddDate(0, 0, -20).Truncate(24 * time.Hour)
	breakdownSIM(t, api, userID, 0, base)
	from, to := base.AddDate(0, 0, -30), base.AddDate(0, 0, 3)

	t.Run("the breakdowns add up to the totals", func(t *testing.T) {
		got, _ := usageBreakdown(t, api, token, from, to)
		u := got[0]
		if u.SessionCount != 3 || u.TotalBytes != "13000" || u.Cost.Amount != "0.35" {
			t.Fatalf("totals = %+v; want 3 sessions, 13000 bytes, 0.35 (not the one from before the SIM was theirs)", u.totals)
		}
		for name, entries := range map[string][]totals{"byDay": u.ByDay, "byNetwork": u.ByNetwork} {
			bytes, up, down, sessions, cents := sumOf(entries)
			if strconv.FormatInt(bytes, 10) != string(u.TotalBytes) || strconv.FormatInt(up, 10) != string(u.BytesUp) && name == "byDay" ||
				strconv.FormatInt(down, 10) != string(u.BytesDown) && name == "byDay" || sessions != u.SessionCount || cents != 35 {
				t.Errorf("%s adds up to %d bytes (%d up, %d down), %d sessions, %d cents; totals %+v", name, bytes, up, down, sessions, cents, u.totals)
			}
		}
	})

	t.Run("networks come largest first", func(t *testing.T) {
		got, _ := usageBreakdown(t, api, token, from, to)
		var names []string
		for _, n := range got[0].ByNetwork {
			names = append(names, n.CountryCode+" "+n.NetworkName+" "+string(n.TotalBytes))
		}
		if want := "[TR Turkcell 10000 GE Magti 2000 TR Vodafone TR 1000]"; fmt.Sprint(names) != want {
			t.Errorf("byNetwork = %v, want %s", names, want)
		}
	})

	day := func(d time.Time) string { return d.Format("2006-01-02") }
	days := func(u breakdown) string {
		var out []string
		for _, d := range u.ByDay {
			out = append(out, fmt.Sprintf("%s:%d:%s", d.Date, d.SessionCount, d.TotalBytes))
		}
		return fmt.Sprint(out)
	}

	t.Run("days are UTC days until a time zone is chosen", func(t *testing.T) {
		got, _ := usageBreakdown(t, api, token, from, to)
		want := fmt.Sprintf("[%s:2:11000 %s:1:2000]", day(base), day(base.AddDate(0, 0, 1)))
		if days(got[0]) != want {
			t.Errorf("byDay = %s, want %s", days(got[0]), want)
		}
	})

	t.Run("days follow the customer's time zone", func(t *testing.T) {
		if errs := setTimeZone(t, api, token, "Asia/Almaty"); len(errs) > 0 {
			t.Fatalf("Asia/Almaty refused: %+v", errs)
		}
		defer setTimeZone(t, api, token, "")
		got, _ := usageBreakdown(t, api, token, from, to)
		// 20:30 UTC is 01:30 the next day in Almaty.
		want := fmt.Sprintf("[%s:1:1000 %s:2:12000]", day(base), day(base.AddDate(0, 0, 1)))
		if days(got[0]) != want {
			t.Errorf("byDay in Almaty = %s, want %s", days(got[0]), want)
		}
	})

	t.Run("a range starting within a day gives that day only what is inside", func(t *testing.T) {
		got, _ := usageBreakdown(t, api, token, base.Add(12*time.Hour), to)
		want := fmt.Sprintf("[%s:1:10000 %s:1:2000]", day(base), day(base.AddDate(0, 0, 1)))
		if days(got[0]) != want || got[0].SessionCount != 2 {
			t.Errorf("byDay from base 12:00 = %s (%d sessions), want %s", days(got[0]), got[0].SessionCount, want)
		}
	})

	t.Run("a time zone that is not an IANA name is a user error", func(t *testing.T) {
		for _, zone := range []string{"Mars/Olympus_Mons", "+03:00", "Local", "../../etc/passwd"} {
			errs := setTimeZone(t, api, token, zone)
			if len(errs) != 1 || errs[0].Code != "INVALID" || errs[0].Field[len(errs[0].Field)-1] != "timeZone" {
				t.Errorf("timeZone %q: %+v, want INVALID on timeZone", zone, errs)
			}
		}
		// A NUL byte, in this text as in any, is refused before anything runs
		// (graph/inputs.go): BAD_USER_INPUT on the argument's path.
		res := api.Do(apitest.Request{Query: `mutation($z: String!) { profileUpdate(input: { timeZone: $z }) { userErrors { code } } }`,
			Token: token, Variables: map[string]any{"z": "Europe/Moscow\x00"}})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" || fmt.Sprint(res.Errors[0].Path) != "[profileUpdate input timeZone]" {
			t.Errorf("timeZone with a NUL byte: %+v, want BAD_USER_INPUT on profileUpdate.input.timeZone", res.Errors)
		}
		var me struct{ Me struct{ TimeZone string } }
		api.Query(apitest.Request{Query: `{ me { timeZone } }`, Token: token}, &me)
		if me.Me.TimeZone != "UTC" {
			t.Errorf("timeZone after refused changes = %q, want UTC", me.Me.TimeZone)
		}
	})
}

// The breakdowns are read for all SIMs of the list at once: as many
// statements for twenty SIMs as for one.
func TestUsageBreakdownsBatchAcrossSIMs(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	base := time.Now().UTC().AddDate(0, 0, -20).Truncate(24 * time.Hour)
	statements := func(sims int) int {
		t.Helper()
		userID, token := api.Customer(fmt.Sprintf("batch-days-%d@x.example", sims))
		for i := range sims {
			breakdownSIM(t, api, userID, i, base)
		}
		got, n := usageBreakdown(t, api, token, base.AddDate(0, 0, -30), base.AddDate(0, 0, 3))
		for i, u := range got {
			if len(u.ByDay) != 2 || len(u.ByNetwork) != 3 {
				t.Errorf("%d SIMs: SIM %d has %d days and %d networks, want 2 and 3", sims, i, len(u.ByDay), len(u.ByNetwork))
			}
		}
		return n
	}
	if one, twenty := statements(1), statements(20); one != twenty {
		t.Errorf("statements: %d for 1 SIM, %d for 20; want the same", one, twenty)
	}
}
