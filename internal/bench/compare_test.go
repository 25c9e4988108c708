package bench

import (
	"strings"
	"testing"
)

// A tez dashboard answer and PostGraphile's for the same customer, as each
// writes them (shortened from real answers on the bench data): one address,
// one SIM with one recent session, one order with a line of a product and a
// line of none.
const (
	tezAnswer = `{"data":{"me":{"id":"VXNlcjox","email":"customer-1@seed.tez.example","emailVerified":true,"fullName":null,
	  "defaultAddress":{"id":"QWRkcmVzczox","city":"Tashkent","countryCode":"UZ"},
	  "addresses":[{"id":"QWRkcmVzczox","recipientName":"Customer 1","line1":"Street 130, 1","line2":"","city":"Tashkent","postalCode":"100000","countryCode":"UZ","phone":null,"isDefault":true}],
	  "simCards":[{"id":"U2ltQ2FyZDo4OTk5NzAwMDAwMDEwMDAwMDE0","iccid":"8999700000010000014","msisdn":"+99970000001001","label":null,"status":"ACTIVE",
	    "balance":{"amount":"8.69","currencyCode":"USD"},
	    "usage":{"totalBytes":209611456,"bytesUp":34935242,"bytesDown":174676214,"sessionCount":1,"cost":{"amount":"0.21","currencyCode":"USD"}},
	    "recentUsageSessions":[{"id":"VXNhZ2VTZXNzaW9uOjIwMjYtMTEtMjRUMTM6MjM6MjcuNDQ4ODIyWnwyNA","startedAt":"2026-11-24T13:23:27.448822Z","endedAt":"2026-11-24T14:36:45.448822Z",
	      "bytesUp":34935242,"bytesDown":174676214,"countryCode":"AZ","networkName":"Azercell","cost":{"amount":"0.21","currencyCode":"USD"}}]}],
	  "orders":{"totalCount":13,"edges":[{"node":{"id":"T3JkZXI6MQ","number":"S-1-1","status":"REFUNDED","createdAt":"2026-11-28T18:05:21.980185Z","total":{"amount":"204.00","currencyCode":"USD"},
	    "items":[{"quantity":2,"iccid":null,"unitPrice":{"amount":"15.00","currencyCode":"USD"},"product":{"id":"UHJvZHVjdDox","sku":"SIM-EUROPE","name":"Europe data SIM","kind":"SIM_CARD"}},
	             {"quantity":1,"iccid":"8999700000010000014","unitPrice":{"amount":"10.00","currencyCode":"USD"},"product":null}]}}],
	    "pageInfo":{"hasNextPage":true,"endCursor":"WyIyMDI2LTA2LTE0VDEyOjA3OjI5LjIwMzEzNVoiLCI1Il0"}}}}}`

	pglAnswer = `{"data":{"userByRowId":{"rowId":"1","email":"customer-1@seed.tez.example","emailVerifiedAt":"2025-08-17T16:41:32.000000+00:00","fullName":"",
	  "defaultAddress":{"nodes":[{"rowId":"1","city":"Tashkent","countryCode":"UZ"}]},
	  "addressesByUserId":{"nodes":[{"rowId":"1","recipientName":"Customer 1","line1":"Street 130, 1","line2":"","city":"Tashkent","postalCode":"100000","countryCode":"UZ","phone":null,"isDefault":true}]},
	  "simCardsByUserId":{"nodes":[{"iccid":"8999700000010000014","msisdn":"+99970000001001","label":"","status":"ACTIVE","balance":"869","currency":"USD",
	    "usage":{"nodes":[{"totalBytes":"209611456","bytesUp":"34935242","bytesDown":"174676214","sessionCount":1,"cost":"21"}]},
	    "recentUsageSessions":{"nodes":[{"rowId":"24","startedAt":"2026-11-24T13:23:27.448822+00:00","endedAt":"2026-11-24T14:36:45.448822+00:00",
	      "bytesUp":"34935242","bytesDown":"174676214","countryCode":"AZ","networkName":"Azercell","cost":"21","currency":"USD"}]}}]},
	  "ordersByUserId":{"totalCount":13,"nodes":[{"rowId":"1","number":"S-1-1","status":"REFUNDED","createdAt":"2026-11-28T18:05:21.980185+00:00","total":"20400","currency":"USD",
	    "orderItemsByOrderId":{"nodes":[{"quantity":2,"iccid":null,"unitPrice":"1500","currency":"USD","productByProductId":{"rowId":"1","sku":"SIM-EUROPE","name":"Europe data SIM","kind":"SIM_CARD"}},
	                                    {"quantity":1,"iccid":"8999700000010000014","unitPrice":"1000","currency":"USD","productByProductId":null}]}}],
	    "pageInfo":{"hasNextPage":true,"endCursor":"WyI0MDExNjlmYzlkIiwiMjAyNi0wNi0xNFQxMjowNzoyOS4yMDMxMzUrMDA6MDAiLCI1Il0="}}}}}`
)

// The same dashboard in each server's shapes agrees: IDs, amounts, times,
// bigints, empty strings and the verification time are only written
// differently, and cursors are each server's own.
func TestSameDashboardAgreesAcrossShapes(t *testing.T) {
	if err := SameDashboard([]byte(tezAnswer), []byte(pglAnswer)); err != nil {
		t.Fatal(err)
	}
}

// A difference in any value is found and named with both sides' values.
func TestSameDashboardNamesTheDifference(t *testing.T) {
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"a cent", `"balance":"869"`, `"balance":"868"`, `me.simCards[0].balance.minor: tez 869, PostGraphile 868`},
		{"a currency", `"total":"20400","currency":"USD"`, `"total":"20400","currency":"EUR"`, `me.orders.edges[0].total.currency: tez "USD", PostGraphile "EUR"`},
		{"another session", `"rowId":"24"`, `"rowId":"25"`, `me.simCards[0].recentUsageSessions[0].id`},
		{"a session's start", `"startedAt":"2026-11-24T13:23:27.448822+00:00"`, `"startedAt":"2026-11-24T13:23:27.448822+01:00"`, `recentUsageSessions[0].id`},
		{"a session too few", `"recentUsageSessions":{"nodes":[{"rowId":"24","startedAt":"2026-11-24T13:23:27.448822+00:00","endedAt":"2026-11-24T14:36:45.448822+00:00",
	      "bytesUp":"34935242","bytesDown":"174676214","countryCode":"AZ","networkName":"Azercell","cost":"21","currency":"USD"}]}`, `"recentUsageSessions":{"nodes":[]}`,
			`me.simCards[0].recentUsageSessions: tez has 1, PostGraphile 0`},
		{"no default address", `"defaultAddress":{"nodes":[{"rowId":"1","city":"Tashkent","countryCode":"UZ"}]}`, `"defaultAddress":{"nodes":[]}`, `me.defaultAddress: tez {`},
		{"unverified", `"emailVerifiedAt":"2025-08-17T16:41:32.000000+00:00"`, `"emailVerifiedAt":null`, `me.emailVerified: tez true, PostGraphile false`},
		{"a label", `"label":""`, `"label":"Travel"`, `me.simCards[0].label: tez null, PostGraphile "Travel"`},
		{"no next page", `"hasNextPage":true,"endCursor":"WyI0`, `"hasNextPage":false,"endCursor":"WyI0`, `me.orders.hasNextPage`},
		{"another product", `"productByProductId":{"rowId":"1"`, `"productByProductId":{"rowId":"2"`, `me.orders.edges[0].items[0].product.id: tez "Product:1", PostGraphile "Product:2"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			changed := strings.Replace(pglAnswer, c.old, c.new, 1)
			if changed == pglAnswer {
				t.Fatalf("the case changes nothing: %q not in the answer", c.old)
			}
			err := SameDashboard([]byte(tezAnswer), []byte(changed))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want it to name %s", err, c.want)
			}
		})
	}
}

// An answer with errors, or without the customer, is no answer to compare.
func TestSameDashboardRefusesFailedAnswers(t *testing.T) {
	for name, pgl := range map[string]string{
		"errors":     `{"data":{"userByRowId":null},"errors":[{"message":"boom"}]}`,
		"no user":    `{"data":{"userByRowId":null}}`,
		"not json":   `<html>`,
		"bad amount": strings.Replace(pglAnswer, `"balance":"869"`, `"balance":"8.69"`, 1),
		"no totals":  strings.Replace(pglAnswer, `"usage":{"nodes":[{`, `"usage":{"nodes":[],"x":[{`, 1),
	} {
		if err := SameDashboard([]byte(tezAnswer), []byte(pgl)); err == nil || !strings.Contains(err.Error(), "PostGraphile's answer") {
			t.Errorf("%s: got %v, want PostGraphile's answer refused", name, err)
		}
	}
	if err := SameDashboard([]byte(strings.Replace(tezAnswer, `"8.69"`, `"8.7"`, 1)), []byte(pglAnswer)); err == nil || !strings.Contains(err.Error(), "the tez answer") {
		t.Errorf("a tez amount with one decimal place: got %v, want it refused", err)
	}
}

func TestMinorUnits(t *testing.T) {
	for _, c := range []struct {
		decimal, currency string
		want              int64
		ok                bool
	}{
		{"12.50", "USD", 1250, true},
		{"0.05", "EUR", 5, true},
		{"-0.50", "USD", -50, true},
		{"1200", "JPY", 1200, true},
		{"1.234", "KWD", 1234, true},
		{"12.5", "USD", 0, false},
		{"12", "USD", 0, false},
		{"12.00", "JPY", 0, false},
		{"1x.00", "USD", 0, false},
	} {
		got, err := minorUnits(c.decimal, c.currency)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("minorUnits(%q, %s) = %d, %v; want %d, ok %v", c.decimal, c.currency, got, err, c.want, c.ok)
		}
	}
}

// A key=value DSN, the embedded cluster's, and a URL both become libpq's
// variables, which node-postgres reads.
func TestConnEnv(t *testing.T) {
	for dsn, want := range map[string]string{
		"host=/work/.data/run port=5432 user=tez dbname=tez_bench sslmode=disable": "PGHOST=/work/.data/run PGPORT=5432 PGUSER=tez PGDATABASE=tez_bench PGSSLMODE=disable",
		"postgres://bench:s3cret@db.internal:6432/tez_bench?sslmode=require":       "PGHOST=db.internal PGPORT=6432 PGUSER=bench PGPASSWORD=s3cret PGDATABASE=tez_bench PGSSLMODE=require",
	} {
		env, err := ConnEnv(dsn)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(env, " "); got != want {
			t.Errorf("ConnEnv(%q)\n got %s\nwant %s", dsn, got, want)
		}
	}
}

// A result measured against the dashboard is compared with the dashboard
// at the same connections, in both tables.
func TestLeadOverAnotherServer(t *testing.T) {
	results := []Result{
		{Scenario: "dashboard", Connections: 16, RequestsPerSecond: 900},
		{Scenario: "dashboard", Connections: 1, RequestsPerSecond: 500},
		{Scenario: "postgraphile", Connections: 16, RequestsPerSecond: 300, Against: "dashboard"},
		{Scenario: "postgraphile-generic", Connections: 1, RequestsPerSecond: 200, Against: "dashboard"},
	}
	var text, md strings.Builder
	if err := PrintTable(&text, results); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, results); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"dashboard at 16 connections: 900 req/s, 3.00× postgraphile (300 req/s)",
		"dashboard at 1 connections: 500 req/s, 2.50× postgraphile-generic (200 req/s)",
	} {
		if !strings.Contains(text.String(), want) || !strings.Contains(md.String(), "- "+want) {
			t.Errorf("tables lack %q:\n%s\n%s", want, text.String(), md.String())
		}
	}
}
