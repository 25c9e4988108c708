package journey

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/seed"
)

// download fetches one of the account's downloads by its link (the URL a
// field such as usageExportUrl answers), with the customer's bearer token
// as a frontend sends it.
func (c *customer) download(link string) (int, http.Header, string) {
	c.shop.t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		c.shop.t.Fatalf("download link %q: %v", link, err)
	}
	header := map[string]string{}
	if c.Token != "" {
		header["Authorization"] = "Bearer " + c.Token
	}
	return c.shop.api.Get(u.RequestURI(), header)
}

// setTimeZone chooses the customer's time zone in My account.
func (c *customer) setTimeZone(zone string) []userError {
	c.shop.t.Helper()
	var out struct {
		ProfileUpdate struct {
			User       *struct{ TimeZone string }
			UserErrors []userError
		}
	}
	c.query(`mutation($z: String!) { profileUpdate(input: { timeZone: $z }) { user { timeZone } userErrors { field message code } } }`,
		map[string]any{"z": zone}, &out)
	return out.ProfileUpdate.UserErrors
}

// entry is a line of a breakdown of My history's totals.
type entry struct {
	Date, CountryCode, NetworkName string
	TotalBytes, BytesUp, BytesDown int64
	SessionCount                   int
	Cost                           money
}

// breakdowns are My history's totals with their days and networks.
type breakdowns struct {
	TotalBytes, BytesUp, BytesDown int64
	SessionCount                   int
	Cost                           money
	ByDay, ByNetwork               []entry
}

func (c *customer) breakdowns(iccid string, from, to time.Time) breakdowns {
	c.shop.t.Helper()
	var out struct {
		Me struct{ SimCard struct{ Usage breakdowns } }
	}
	c.query(`query($iccid: ICCID!, $from: DateTime!, $to: DateTime!) { me { simCard(iccid: $iccid) { usage(from: $from, to: $to) {
		totalBytes bytesUp bytesDown sessionCount cost { amount currencyCode }
		byDay { date totalBytes bytesUp bytesDown sessionCount cost { amount currencyCode } }
		byNetwork { countryCode networkName totalBytes sessionCount cost { amount currencyCode } } } } } }`,
		map[string]any{"iccid": iccid, "from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339)}, &out)
	return out.Me.SimCard.Usage
}

// A traveller in Almaty looks at which day and which network burned the
// data, and downloads the history for their employer.
func TestMyHistoryByDayByNetworkAndAsCSV(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	almaty := time.FixedZone("Almaty", 5*3600)
	day := time.Now().In(almaty).AddDate(0, 0, -2)
	midnight := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, almaty)
	// Aida had the SIM in the old account system since before the trip;
	// registering and confirming her email brings it with its history.
	stock := struct{ ICCID string }{seed.DemoOldSystemSIMs()[0]}
	if out, errs := s.importOldAccounts(oldAccount("aida@journey.example", midnight.Add(-time.Hour))); errs != "" {
		t.Fatalf("tez legacy import: %s\n%s", out, errs)
	}
	aida := s.member("aida@journey.example", "a long new passphrase", "Aida")
	if errs := aida.setTimeZone("Mars/Olympus"); len(errs) != 1 || errs[0].Code != "INVALID" {
		t.Fatalf("a time zone that does not exist: %+v, want INVALID", errs)
	}
	noUserErrors(t, "profileUpdate(timeZone)", aida.setTimeZone("Asia/Almaty"))

	// The day before yesterday and yesterday, in Almaty: a day in Istanbul
	// ending late (23:50 in Almaty is 18:50 in UTC), then Tbilisi on two
	// networks, the first just after midnight in Almaty (the evening
	// before in UTC).
	s.importCDRs(
		cdr{ID: "d1-1", ICCID: stock.ICCID, Start: midnight.Add(10 * time.Hour), Minutes: 30, Up: 100_000, Down: 900_000, MCC: "286", MNC: "01", Name: "Turkcell", CostCents: 10},
		cdr{ID: "d1-2", ICCID: stock.ICCID, Start: midnight.Add(23*time.Hour + 50*time.Minute), Minutes: 20, Up: 50_000, Down: 450_000, MCC: "286", MNC: "02", Name: "=SUM(1+1)", CostCents: 5},
		cdr{ID: "d2-1", ICCID: stock.ICCID, Start: midnight.Add(24*time.Hour + 5*time.Minute), Minutes: 10, Up: 20_000, Down: 180_000, MCC: "282", MNC: "02", Name: "MagtiCom", CostCents: 3},
		cdr{ID: "d2-2", ICCID: stock.ICCID, Start: midnight.Add(36 * time.Hour), Minutes: 60, Up: 300_000, Down: 2_700_000, MCC: "282", MNC: "01", Name: "Geocell", CostCents: 30},
	)
	from, to := midnight, midnight.AddDate(0, 0, 2)

	t.Run("the days and the networks add up to the totals and to My history", func(t *testing.T) {
		b := aida.breakdowns(stock.ICCID, from, to)
		if b.SessionCount < 4 {
			t.Fatalf("totals: %d sessions, want the trip's 4 at least", b.SessionCount)
		}
		for name, list := range map[string][]entry{"byDay": b.ByDay, "byNetwork": b.ByNetwork} {
			var bytes int64
			var sessions int
			cost := money{Amount: "0.00", CurrencyCode: b.Cost.CurrencyCode}
			for _, e := range list {
				bytes += e.TotalBytes
				sessions += e.SessionCount
				cost = plus(t, cost, e.Cost.Amount)
			}
			if bytes != b.TotalBytes || sessions != b.SessionCount || cost != b.Cost {
				t.Errorf("%s adds up to %d bytes, %d sessions, %s; the totals say %d, %d, %s", name, bytes, sessions, cost, b.TotalBytes, b.SessionCount, b.Cost)
			}
		}
		// Aida's own check: My history's sessions counted per day in Almaty
		// and per network.
		perDay, perNetwork := map[string]int{}, map[string]int64{}
		for _, e := range aida.history(stock.ICCID, from, to).UsageSessions.Edges {
			perDay[e.Node.StartedAt.In(almaty).Format("2006-01-02")]++
			perNetwork[e.Node.CountryCode+" "+e.Node.NetworkName] += e.Node.TotalBytes
		}
		if len(b.ByDay) != len(perDay) {
			t.Errorf("byDay has %d days, My history %d: %+v", len(b.ByDay), len(perDay), b.ByDay)
		}
		for i, d := range b.ByDay {
			if perDay[d.Date] != d.SessionCount || i > 0 && d.Date <= b.ByDay[i-1].Date {
				t.Errorf("byDay %s: %d sessions, My history %d (days oldest first)", d.Date, d.SessionCount, perDay[d.Date])
			}
		}
		if first, second := midnight.Format("2006-01-02"), midnight.AddDate(0, 0, 1).Format("2006-01-02"); perDay[first] < 2 || perDay[second] < 2 {
			t.Errorf("Almaty days %s and %s have %d and %d sessions, want the trip's 2 each (23:50 on the first, 00:05 on the second)", first, second, perDay[first], perDay[second])
		}
		for i, n := range b.ByNetwork {
			if perNetwork[n.CountryCode+" "+n.NetworkName] != n.TotalBytes || i > 0 && n.TotalBytes > b.ByNetwork[i-1].TotalBytes {
				t.Errorf("byNetwork %s %s: %d bytes, My history %d (largest first)", n.CountryCode, n.NetworkName, n.TotalBytes, perNetwork[n.CountryCode+" "+n.NetworkName])
			}
		}
	})

	t.Run("the CSV is the history", func(t *testing.T) {
		var out struct {
			Me struct {
				SimCard struct {
					UsageExportURL string `json:"usageExportUrl"`
					UsageSessions  struct {
						TotalCount int
						Edges      []struct {
							Node struct {
								StartedAt   time.Time
								NetworkName string
								TotalBytes  json.Number
							}
						}
					}
				}
			}
		}
		aida.query(`query($iccid: ICCID!, $from: DateTime!, $to: DateTime!) { me { simCard(iccid: $iccid) {
			usageExportUrl(from: $from, to: $to)
			usageSessions(from: $from, to: $to, first: 100) { totalCount edges { node { startedAt networkName totalBytes } } } } } }`,
			map[string]any{"iccid": stock.ICCID, "from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339)}, &out)
		status, header, body := aida.download(out.Me.SimCard.UsageExportURL)
		if status != http.StatusOK || !strings.HasPrefix(header.Get("Content-Type"), "text/csv") {
			t.Fatalf("download: %d %s", status, body)
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("not CSV: %v", err)
		}
		history := out.Me.SimCard.UsageSessions
		if len(rows)-1 != history.TotalCount || history.TotalCount < 4 || len(history.Edges) != history.TotalCount {
			t.Fatalf("%d rows for %d sessions in My history", len(rows)-1, history.TotalCount)
		}
		for i, e := range history.Edges {
			r := rows[i+1]
			if r[0] != e.Node.StartedAt.In(almaty).Format(time.RFC3339) || r[6] != e.Node.TotalBytes.String() {
				t.Errorf("row %d = %v; My history shows %+v (in Almaty time)", i+1, r, e.Node)
			}
			if want := e.Node.NetworkName; strings.HasPrefix(want, "=") && r[3] != "'"+want || !strings.HasPrefix(want, "=") && r[3] != want {
				t.Errorf("row %d network %q, My history %q", i+1, r[3], want)
			}
		}
	})

	t.Run("someone else cannot download it", func(t *testing.T) {
		other := s.signUp("other@journey.example", "a long new passphrase", "")
		link := "/export/usage.csv?iccid=" + stock.ICCID
		st1, _, b1 := other.download(link)
		st2, _, b2 := other.download("/export/usage.csv?iccid=" + seed.DemoStock()[2].ICCID)
		if st1 != http.StatusNotFound || st1 != st2 || b1 != b2 {
			t.Errorf("another customer's SIM: %d %s; a SIM not theirs either: %d %s; want the same 404", st1, b1, st2, b2)
		}
		if st, _, _ := s.visitor("anon@journey.example").download(link); st != http.StatusUnauthorized {
			t.Errorf("anonymous download: %d, want 401", st)
		}
	})
}
