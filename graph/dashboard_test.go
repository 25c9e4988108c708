package graph_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/iccid"
)

// account is a customer made for a test, with what they own.
type account struct {
	id     int64
	token  string
	iccids []string
	orders []string // numbers
}

// newAccount makes a customer with sims SIM cards (5 sessions each in the
// last 30 days, plus one from before they owned it), orders orders of two
// lines each, and addresses addresses (the first default).
func newAccount(t testing.TB, api *apitest.API, email string, sims, orders, addresses int) account {
	t.Helper()
	var a account
	a.id, a.token = api.Customer(email)
	api.MustExec(`INSERT INTO products (sku, kind, name, price, currency, region) VALUES ('SIM-T', 'SIM_CARD', 'Test SIM', 1500, 'USD', 'Europe') ON CONFLICT DO NOTHING`)
	api.MustExec(`INSERT INTO products (sku, kind, name, price, currency, voucher_amount) VALUES ('TOPUP-T', 'TOPUP_VOUCHER', 'Test top-up', 1000, 'USD', 1000) ON CONFLICT DO NOTHING`)
	for i := range sims {
		id := iccid.WithCheckDigit(fmt.Sprintf("89997020%05d%05d", a.id, i))
		a.iccids = append(a.iccids, id)
		api.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since, label, balance)
			VALUES ($1, 'ACTIVE', $2, now() - interval '60 days', 'SIM '||$3::text, 1000 + $3::int)`, id, a.id, i)
		api.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency)
			SELECT $1||'-'||n, $1, now() - n * interval '5 days', now() - n * interval '5 days' + interval '10 minutes',
			       1000 * n, 10000 * n, CASE WHEN n % 2 = 0 THEN 'DE' ELSE 'TR' END, 'Net '||n, 10 * n, 'USD'
			FROM generate_series(1, 5) n`, id)
		// Before this customer owned the SIM: someone else's travels.
		api.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency)
			VALUES ($1||'-old', $1, now() - interval '70 days', now() - interval '70 days' + interval '1 hour', 7, 7, 'JP', 'Secret', 99, 'USD')`, id)
	}
	for i := range addresses {
		api.MustExec(`INSERT INTO addresses (user_id, recipient_name, line1, city, postal_code, country_code, is_default)
			VALUES ($1, 'Recipient', 'Street '||$2::text, 'Almaty', '050000', 'KZ', $2::int = 0)`, a.id, i)
	}
	for i := range orders {
		var number string
		err := api.DB.Get(&number, `INSERT INTO orders (user_id, email, status, subtotal, total, currency, created_at)
			VALUES ($1, $2, 'FULFILLED', 2500, 2500, 'USD', now() - $3::int * interval '1 hour') RETURNING number`, a.id, email, i)
		if err != nil {
			t.Fatal(err)
		}
		api.MustExec(`INSERT INTO order_items (order_id, line_no, product_id, sku, name, quantity, unit_price, line_total, currency)
			SELECT o.id, p.n, p.id, p.sku, p.name, 1, p.price, p.price, 'USD'
			FROM orders o, (SELECT id, sku, name, price, row_number() OVER (ORDER BY id) AS n FROM products WHERE sku IN ('SIM-T', 'TOPUP-T')) p
			WHERE o.number = $1`, number)
		a.orders = append(a.orders, number)
	}
	return a
}

type dashboard struct {
	Me struct {
		ID, Email      string
		DefaultAddress *struct{ ID, City string }
		Addresses      []struct {
			ID        string
			IsDefault bool
		}
		SimCards []struct {
			ID, ICCID string
			Balance   struct{ Amount string }
			Usage     struct {
				TotalBytes   json.Number
				SessionCount int
				Cost         struct{ Amount string }
			}
			// The newest sessions: recentUsageSessions in the project's
			// dashboard, the first page of usageSessions in the first one.
			RecentUsageSessions []dashboardSession
			UsageSessions       struct {
				Edges []struct{ Node dashboardSession }
			}
		}
		Orders struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID, Number string
					Items      []struct {
						Quantity int
						Product  struct{ SKU string }
					}
				}
			}
			PageInfo struct{ HasNextPage bool }
		}
	}
}

type dashboardSession struct{ ID, CountryCode, NetworkName string }

// dashboardDocuments are the dashboards the project ships: its own and the
// first contract, which must keep working.
var dashboardDocuments = []string{"dashboard.graphql", "dashboard-first-shipped.graphql"}

// recent is a SIM's newest sessions as whichever dashboard asked them.
func (d dashboard) recent(i int) []dashboardSession {
	s := d.Me.SimCards[i]
	if s.RecentUsageSessions != nil {
		return s.RecentUsageSessions
	}
	var out []dashboardSession
	for _, e := range s.UsageSessions.Edges {
		out = append(out, e.Node)
	}
	return out
}

func dashboardVars() map[string]any {
	now := time.Now().UTC()
	return map[string]any{"from": now.AddDate(0, 0, -90).Format(time.RFC3339), "to": now.Add(time.Hour).Format(time.RFC3339)}
}

func withSQLCount(c *config.Config) { c.SQLCountHeader = true }

// countedQuery runs a request that must answer without errors, decodes its
// data into out and says how many SQL statements it sent (withSQLCount).
func countedQuery(t *testing.T, api *apitest.API, req apitest.Request, out any) int {
	t.Helper()
	res := api.Do(req)
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(res.Header.Get("X-SQL-Statements"))
	if err != nil {
		t.Fatalf("no statement count: %v", err)
	}
	return n
}

func TestDashboardContract(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	small := newAccount(t, api, "small@x.example", 1, 1, 1)
	big := newAccount(t, api, "big@x.example", 50, 40, 10)

	run := func(t *testing.T, doc string, a account) (dashboard, int) {
		t.Helper()
		var d dashboard
		n := countedQuery(t, api, apitest.Request{Query: documents.Get(doc), Variables: dashboardVars(), Token: a.token}, &d)
		return d, n
	}
	statements := map[string]int{}
	newest := map[string][]dashboardSession{}
	for _, doc := range dashboardDocuments {
		t.Run(doc, func(t *testing.T) {
			ds, nSmall := run(t, doc, small)
			db, nBig := run(t, doc, big)
			statements[doc] = nBig
			newest[doc] = db.recent(0)

			t.Run("a constant, small number of SQL statements", func(t *testing.T) {
				if nSmall != nBig || nBig > 4 {
					t.Errorf("statements: %d for 1 SIM/1 order/1 address, %d for 50/40/10; want the same, at most 4", nSmall, nBig)
				}
			})

			t.Run("answers what the customer has", func(t *testing.T) {
				if len(db.Me.SimCards) != 50 || len(db.Me.Addresses) != 10 || db.Me.Orders.TotalCount != 40 || len(db.Me.Orders.Edges) != 5 || !db.Me.Orders.PageInfo.HasNextPage {
					t.Fatalf("big dashboard: %d SIMs, %d addresses, %d orders (%d shown); want 50, 10, 40 (5 shown, more after)",
						len(db.Me.SimCards), len(db.Me.Addresses), db.Me.Orders.TotalCount, len(db.Me.Orders.Edges))
				}
				if db.Me.DefaultAddress == nil || !db.Me.Addresses[0].IsDefault || db.Me.DefaultAddress.ID != db.Me.Addresses[0].ID {
					t.Errorf("default address = %+v, want the first listed, marked default", db.Me.DefaultAddress)
				}
				for _, o := range db.Me.Orders.Edges {
					if len(o.Node.Items) != 2 || o.Node.Items[0].Product.SKU != "SIM-T" {
						t.Errorf("order %s items = %+v, want its two lines with products", o.Node.Number, o.Node.Items)
					}
				}
				if db.Me.Orders.Edges[0].Node.Number != big.orders[0] {
					t.Errorf("first order %s, want the newest %s", db.Me.Orders.Edges[0].Node.Number, big.orders[0])
				}
				for i, s := range db.Me.SimCards {
					if s.ICCID != big.iccids[i] || len(db.recent(i)) != 3 || s.Usage.SessionCount != 5 {
						t.Fatalf("SIM %d = %s with %d recent sessions and %d in range; want %s, 3 and 5", i, s.ICCID, len(db.recent(i)), s.Usage.SessionCount, big.iccids[i])
					}
					// 5 sessions of 11000·n bytes and 10·n cents, n = 1..5.
					if s.Usage.TotalBytes != "165000" || s.Usage.Cost.Amount != "1.50" {
						t.Errorf("SIM %s usage = %s bytes, %s; want 165000 bytes, 1.50", s.ICCID, s.Usage.TotalBytes, s.Usage.Cost.Amount)
					}
				}
				if len(ds.Me.SimCards) != 1 || ds.Me.SimCards[0].Balance.Amount != "10.00" {
					t.Errorf("small dashboard SIMs = %+v, want one with balance 10.00", ds.Me.SimCards)
				}
			})

			t.Run("history starts when the SIM joined the account", func(t *testing.T) {
				for i, s := range db.Me.SimCards {
					for _, e := range db.recent(i) {
						if e.NetworkName == "Secret" {
							t.Fatalf("SIM %s shows a session from before its owner had it", s.ICCID)
						}
					}
				}
			})
		})
	}
	// The dedicated field costs no statement more than the connection did,
	// and shows the same sessions.
	own, first := dashboardDocuments[0], dashboardDocuments[1]
	if statements[own] > statements[first] {
		t.Errorf("statements: %d for %s, %d for %s; want no more", statements[own], own, statements[first], first)
	}
	if fmt.Sprint(newest[own]) != fmt.Sprint(newest[first]) {
		t.Errorf("newest sessions: %v in %s, %v in %s; want the same", newest[own], own, newest[first], first)
	}
}

// Fields below a list's SIMs that are resolved on each SIM's own summary or
// history (a history's totalCount, a summary's days) batch across the SIMs
// too: the SIMs' ranges are siblings in the loaders, so the first to ask
// fetches for all. The statements do not grow with the SIMs, and every
// count is right.
func TestFieldsBelowEachSIMBatchAcrossTheSIMs(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	const query = `query($from: DateTime!, $to: DateTime!) { me { simCards {
		usage(from: $from, to: $to) { sessionCount byDay { totalBytes } byNetwork { networkName } }
		usageSessions(first: 3) { totalCount edges { node { id } } }
	} } }`
	statements := func(sims int) int {
		t.Helper()
		a := newAccount(t, api, fmt.Sprintf("batched-%d@x.example", sims), sims, 0, 0)
		var d struct {
			Me struct {
				SimCards []struct {
					Usage struct {
						SessionCount int
						ByDay        []struct{ TotalBytes json.Number }
						ByNetwork    []struct{ NetworkName string }
					}
					UsageSessions struct {
						TotalCount int
						Edges      []struct{ Node struct{ ID string } }
					}
				}
			}
		}
		n := countedQuery(t, api, apitest.Request{Query: query, Variables: dashboardVars(), Token: a.token}, &d)
		for i, s := range d.Me.SimCards {
			if s.Usage.SessionCount != 5 || len(s.Usage.ByDay) != 5 || len(s.Usage.ByNetwork) != 5 ||
				s.UsageSessions.TotalCount != 5 || len(s.UsageSessions.Edges) != 3 {
				t.Errorf("%d SIMs: SIM %d has %d sessions in range over %d days and %d networks, %d in all, %d shown; want 5, 5, 5, 5, 3",
					sims, i, s.Usage.SessionCount, len(s.Usage.ByDay), len(s.Usage.ByNetwork), s.UsageSessions.TotalCount, len(s.UsageSessions.Edges))
			}
		}
		return n
	}
	if one, twenty := statements(1), statements(20); one != twenty {
		t.Errorf("statements: %d for 1 SIM, %d for 20; want the same", one, twenty)
	}
}

// A SIM's balance history, asked of every SIM of the account, costs the same
// statements for 1 SIM as for 50 (one for all their first pages), and each
// SIM shows its own entries, newest first, none from before it joined the
// account.
func TestBalanceEntriesOfEverySIMCostTheSame(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	const query = `{ me { simCards { iccid balanceEntries(first: 2) {
		edges { node { reference amount { amount } } }
		pageInfo { hasNextPage }
	} } } }`
	run := func(sims int) int {
		t.Helper()
		a := newAccount(t, api, fmt.Sprintf("ledger-%d@x.example", sims), sims, 0, 0)
		for _, id := range a.iccids {
			api.MustExec(`INSERT INTO balance_entries (iccid, kind, amount, balance_after, reference, idempotency_key, created_at)
				SELECT $1, 'TOPUP', 100 * n, 1000 + 100 * n, $1||'-'||n, $1||'-'||n, now() - (4 - n) * interval '1 day'
				FROM generate_series(1, 3) n`, id)
			// Before the customer owned the SIM: not theirs to see.
			api.MustExec(`INSERT INTO balance_entries (iccid, kind, amount, balance_after, reference, idempotency_key, created_at)
				VALUES ($1, 'TOPUP', 999, 999, 'earlier owner', $1||'-old', now() - interval '90 days')`, id)
		}
		var d struct {
			Me struct {
				SimCards []struct {
					ICCID          string
					BalanceEntries struct {
						Edges    []struct{ Node struct{ Reference string } }
						PageInfo struct{ HasNextPage bool }
					}
				}
			}
		}
		n := countedQuery(t, api, apitest.Request{Query: query, Token: a.token}, &d)
		if len(d.Me.SimCards) != sims {
			t.Fatalf("%d SIMs listed, want %d", len(d.Me.SimCards), sims)
		}
		for _, s := range d.Me.SimCards {
			got := []string{}
			for _, e := range s.BalanceEntries.Edges {
				got = append(got, e.Node.Reference)
			}
			if want := []string{s.ICCID + "-3", s.ICCID + "-2"}; fmt.Sprint(got) != fmt.Sprint(want) || !s.BalanceEntries.PageInfo.HasNextPage {
				t.Errorf("%d SIMs: SIM %s shows %v (more: %v); want %v and more", sims, s.ICCID, got, s.BalanceEntries.PageInfo.HasNextPage, want)
			}
		}
		return n
	}
	if one, fifty := run(1), run(50); one != fifty {
		t.Errorf("statements: %d for 1 SIM, %d for 50; want the same", one, fifty)
	}
}
