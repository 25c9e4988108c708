package server_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/iccid"
)

// exportSIM gives the customer a SIM owned since ownedSince with n
// sessions an hour apart from start, on networks whose names a
// spreadsheet would run as formulas, and one session from before they
// owned it.
func exportSIM(t testing.TB, api *apitest.API, userID int64, ownedSince, start time.Time, n int) string {
	t.Helper()
	id := iccid.WithCheckDigit(fmt.Sprintf("89997023%05d%05d", userID, 1))
	api.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since) VALUES ($1, 'ACTIVE', $2, $3)`, id, userID, ownedSince)
	api.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency)
		SELECT $1||'-'||g, $1, $2::timestamptz + g * interval '1 hour', $2::timestamptz + g * interval '1 hour' + interval '5 minutes',
		       g, 1000 * g, 'TR', (ARRAY['=HYPERLINK("http://evil.example")', '+1+2', '-3', '@SUM(A1)', 'Turkcell'])[g % 5 + 1], 7 * g, 'USD'
		FROM generate_series(0, $3::int - 1) g`, id, start, n)
	api.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency)
		VALUES ($1||'-before', $1, $2, $2, 1, 1, 'JP', 'Before', 1, 'USD')`, id, ownedSince.Add(-time.Hour))
	return id
}

func csvRows(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, body)
	}
	return rows
}

func TestUsageCSV(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	userID, token := api.Customer("csv@x.example")
	_, otherToken := api.Customer("csv-other@x.example")
	_, resellerKey := api.Reseller("CSV Resale", 50, 100, 0)
	start := time.Now().UTC().AddDate(0, 0, -10).Truncate(time.Hour)
	id := exportSIM(t, api, userID, start.Add(-time.Minute), start, 12)
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	path := func(q url.Values) string { return "/export/usage.csv?" + q.Encode() }
	from, to := start.Add(2*time.Hour), start.Add(9*time.Hour)
	ranged := url.Values{"iccid": {id}, "from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}}

	t.Run("a download of exactly the sessions My history shows", func(t *testing.T) {
		var h struct {
			Me struct {
				SimCard struct {
					UsageSessions struct {
						TotalCount int
						Edges      []struct {
							Node struct {
								StartedAt, NetworkName string
								BytesDown              json.Number
							}
						}
					}
				}
			}
		}
		api.Query(apitest.Request{Query: `query($id: ICCID!, $from: DateTime, $to: DateTime) { me { simCard(iccid: $id) {
			usageSessions(from: $from, to: $to, first: 100) { totalCount edges { node { startedAt networkName bytesDown } } } } } }`,
			Token: token, Variables: map[string]any{"id": id, "from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339)}}, &h)
		status, header, body := api.Get(path(ranged), bearer(token))
		if status != http.StatusOK || header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("status %d, Content-Type %q, Content-Disposition %q; want 200, text/csv; charset=utf-8, attachment",
				status, header.Get("Content-Type"), header.Get("Content-Disposition"))
		}
		rows := csvRows(t, body)
		if got := strings.Join(rows[0], ","); got != "started_at,ended_at,country,network,bytes_up,bytes_down,total_bytes,cost,currency" {
			t.Errorf("header = %s", got)
		}
		rows = rows[1:]
		history := h.Me.SimCard.UsageSessions
		if len(rows) != history.TotalCount || history.TotalCount != 7 {
			t.Fatalf("%d rows, totalCount %d; want 7 and 7", len(rows), history.TotalCount)
		}
		for i, e := range history.Edges {
			at, _ := time.Parse(time.RFC3339, e.Node.StartedAt)
			got, _ := time.Parse(time.RFC3339, rows[i][0])
			if !got.Equal(at) || rows[i][5] != e.Node.BytesDown.String() || strings.TrimPrefix(rows[i][3], "'") != e.Node.NetworkName {
				t.Errorf("row %d = %v, My history shows %+v", i, rows[i], e.Node)
			}
		}
	})

	t.Run("formulas are neutralised", func(t *testing.T) {
		_, _, body := api.Get(path(url.Values{"iccid": {id}}), bearer(token))
		seen := map[string]bool{}
		for _, r := range csvRows(t, body)[1:] {
			seen[r[3]] = true
			if c := r[3][0]; c == '=' || c == '+' || c == '-' || c == '@' {
				t.Errorf("network %q would run as a formula", r[3])
			}
		}
		for _, want := range []string{`'=HYPERLINK("http://evil.example")`, "'+1+2", "'-3", "'@SUM(A1)", "Turkcell"} {
			if !seen[want] {
				t.Errorf("no network %q in %v", want, seen)
			}
		}
		if seen["Before"] {
			t.Error("the download shows a session from before the SIM was the customer's")
		}
	})

	t.Run("times are in the customer's time zone with the offset", func(t *testing.T) {
		api.MustExec(`UPDATE users SET time_zone = 'Asia/Almaty' WHERE id = $1`, userID)
		defer api.MustExec(`UPDATE users SET time_zone = 'UTC' WHERE id = $1`, userID)
		_, _, body := api.Get(path(ranged), bearer(token))
		first := csvRows(t, body)[1]
		want := start.Add(8 * time.Hour).In(time.FixedZone("", 5*3600)).Format(time.RFC3339)
		if first[0] != want || !strings.HasSuffix(first[1], "+05:00") {
			t.Errorf("newest row starts %s, ends %s; want %s, +05:00", first[0], first[1], want)
		}
	})

	t.Run("another customer's SIM answers like a missing one", func(t *testing.T) {
		missing := iccid.WithCheckDigit("899970239999999999")
		s1, _, b1 := api.Get(path(url.Values{"iccid": {id}}), bearer(otherToken))
		s2, _, b2 := api.Get(path(url.Values{"iccid": {missing}}), bearer(otherToken))
		if s1 != http.StatusNotFound || s1 != s2 || b1 != b2 {
			t.Errorf("someone else's SIM: %d %s; a missing one: %d %s; want the same 404", s1, b1, s2, b2)
		}
	})

	t.Run("no download without a customer session", func(t *testing.T) {
		for name, c := range map[string]struct {
			header map[string]string
			status int
		}{
			"anonymous":      {nil, http.StatusUnauthorized},
			"unknown token":  {bearer("tzs_not-a-session"), http.StatusUnauthorized},
			"a reseller key": {bearer(resellerKey), http.StatusForbidden},
		} {
			status, header, body := api.Get(path(url.Values{"iccid": {id}}), c.header)
			if status != c.status || strings.Contains(body, "Turkcell") || header.Get("Content-Disposition") != "" {
				t.Errorf("%s: %d %s; want %d and no data", name, status, body, c.status)
			}
		}
	})

	t.Run("bad parameters are a 400 saying what is wrong", func(t *testing.T) {
		for name, q := range map[string]url.Values{
			"no iccid":      {},
			"garbled iccid": {"iccid": {"89997x"}},
			"bad check":     {"iccid": {id[:len(id)-1] + string('0'+(id[len(id)-1]-'0'+1)%10)}},
			"date, no time": {"iccid": {id}, "from": {"2026-11-01"}},
			"empty range":   {"iccid": {id}, "from": {to.Format(time.RFC3339)}, "to": {from.Format(time.RFC3339)}},
		} {
			status, _, body := api.Get(path(q), bearer(token))
			if status != http.StatusBadRequest || !strings.Contains(body, "BAD_USER_INPUT") {
				t.Errorf("%s: %d %s, want 400 BAD_USER_INPUT", name, status, body)
			}
		}
	})

	t.Run("usageExportUrl links to the same download", func(t *testing.T) {
		var out struct {
			Me struct {
				SimCard *struct {
					UsageExportURL string `json:"usageExportUrl"`
				}
			}
		}
		q := `query($id: ICCID!, $from: DateTime, $to: DateTime) { me { simCard(iccid: $id) { usageExportUrl(from: $from, to: $to) } } }`
		vars := map[string]any{"id": id, "from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339)}
		api.Query(apitest.Request{Query: q, Token: token, Variables: vars}, &out)
		u, err := url.Parse(out.Me.SimCard.UsageExportURL)
		if err != nil || u.Path != "/export/usage.csv" {
			t.Fatalf("usageExportUrl = %q", out.Me.SimCard.UsageExportURL)
		}
		_, _, viaLink := api.Get(u.RequestURI(), bearer(token))
		_, _, direct := api.Get(path(ranged), bearer(token))
		if viaLink != direct || len(csvRows(t, viaLink)) != 8 {
			t.Errorf("the link's download differs from the range's:\n%s\n%s", viaLink, direct)
		}
		api.Query(apitest.Request{Query: q, Token: otherToken, Variables: vars}, &out)
		if out.Me.SimCard != nil {
			t.Errorf("another customer gets a link for the SIM: %+v", out.Me.SimCard)
		}
	})
}

func TestAccountJSON(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	userID, token := api.Customer("json@x.example")
	_, otherToken := api.Customer("json-other@x.example")
	start := time.Now().UTC().AddDate(0, 0, -3).Truncate(time.Hour)
	id := exportSIM(t, api, userID, start.Add(-time.Minute), start, 3)
	api.MustExec(`INSERT INTO addresses (user_id, recipient_name, line1, city, postal_code, country_code) VALUES ($1, 'Json Person', 'Main 1', 'Almaty', '050000', 'KZ')`, userID)
	api.MustExec(`INSERT INTO orders (user_id, email, status, subtotal, total, currency) VALUES ($1, 'json@x.example', 'PAID', 100, 100, 'USD')`, userID)
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

	type document struct {
		ExportedAt string
		Tables     []string
		Profile    map[string]any
		Addresses  []map[string]any
		SimCards   []struct {
			ICCID  string `json:"iccid"`
			Ledger []any
		}
		UsageSessions []map[string]any
		Orders        []struct {
			Number          string
			Items, Payments []any
		}
		Sessions []map[string]any
		Emails   []map[string]any
	}
	get := func(tok string) (int, http.Header, string, document) {
		status, header, body := api.Get("/export/account.json", bearer(tok))
		var d document
		if status == http.StatusOK {
			if err := json.Unmarshal([]byte(body), &d); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, body)
			}
		}
		return status, header, body, d
	}

	t.Run("everything of the account, and nothing secret", func(t *testing.T) {
		status, header, body, d := get(token)
		if status != http.StatusOK || header.Get("Content-Type") != "application/json; charset=utf-8" || !strings.HasPrefix(header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("status %d, %q, %q", status, header.Get("Content-Type"), header.Get("Content-Disposition"))
		}
		if d.Profile["email"] != "json@x.example" || len(d.Addresses) != 1 || len(d.SimCards) != 1 || d.SimCards[0].ICCID != id ||
			len(d.UsageSessions) != 3 || len(d.Orders) != 1 || len(d.Sessions) != 1 {
			t.Errorf("export = %+v; want the profile, 1 address, SIM %s, its 3 sessions since owned, 1 order, 1 session", d, id)
		}
		for _, secret := range []string{"password_hash", "token_hash", "activation_code_hash", "guest_token_hash", "Before"} {
			if strings.Contains(body, secret) {
				t.Errorf("the export carries %q", secret)
			}
		}
	})

	t.Run("the customer is told by email", func(t *testing.T) {
		var n int
		if err := api.DB.Get(&n, `SELECT count(*) FROM email_outbox WHERE to_address = 'json@x.example' AND subject = 'Your TEZ Telecom data was downloaded'`); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Error("no email about the download")
		}
	})

	t.Run("another customer's export holds none of it", func(t *testing.T) {
		_, _, body, d := get(otherToken)
		if strings.Contains(body, id) || strings.Contains(body, "Json Person") || len(d.Orders) != 0 {
			t.Errorf("another customer's export shows the first one's data: %s", body)
		}
	})

	t.Run("anonymous is 401", func(t *testing.T) {
		if status, _, body := api.Get("/export/account.json", nil); status != http.StatusUnauthorized || strings.Contains(body, "json@x.example") {
			t.Errorf("anonymous: %d %s", status, body)
		}
	})
}
