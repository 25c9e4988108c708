package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/password"
	"github.com/teztelecom/tez/internal/store"
)

// ScalePassword is the password of every generated customer.
const ScalePassword = "tez-seed-2026"

// ScaleEmail is generated customer n's email (n from 1).
func ScaleEmail(n int) string { return fmt.Sprintf("customer-%d@seed.tez.example", n) }

// HeavyEvery makes every HeavyEvery-th customer own the most SIMs (50), so
// benchmarks find heavy customers at known numbers.
const HeavyEvery = 100

// ScaleReport says what Scale loaded.
type ScaleReport struct {
	Customers, SIMs, Sessions, Orders, Items int
	Elapsed                                  time.Duration
}

// Scale generates n customers for benchmarks: 1–50 SIMs each (about 13 on
// average; every HeavyEvery-th has 50), about 16 sessions per SIM over the
// last year across 40+ countries, 0–40 orders each with 1–3 lines, 1–3
// addresses. Everything goes in through COPY in one transaction; balances
// equal their ledger (a starter top-up and one usage debit per SIM). A
// database that has generated customers already is left as it is.
func Scale(ctx context.Context, st *store.Store, n int) (ScaleReport, error) {
	start := time.Now()
	var rep ScaleReport
	var existing int
	if err := st.DB().GetContext(ctx, &existing, `SELECT count(*) FROM users WHERE email LIKE 'customer-%@seed.tez.example'`); err != nil {
		return rep, fmt.Errorf("seed scale: %w", err)
	}
	if existing > 0 {
		if existing != n {
			return rep, fmt.Errorf("seed scale: the database already has %d generated customers; use a fresh database for %d", existing, n)
		}
		return rep, nil
	}
	hash, err := password.Hash(ScalePassword) // once: argon2 per customer would take minutes
	if err != nil {
		return rep, err
	}
	err = st.InTx(ctx, func(tx store.Querier) error { return scaleTx(ctx, tx, n, hash, &rep) })
	if err != nil {
		return rep, err
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func scaleTx(ctx context.Context, tx store.Querier, n int, hash string, rep *ScaleReport) error {
	g := &generator{tx: tx, rng: rand.New(rand.NewPCG(42, uint64(n))), now: time.Now().UTC().Truncate(time.Second), rep: rep}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"settings", func(ctx context.Context) error {
			// A bulk load outlasts the server's per-statement bound.
			_, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`)
			return err
		}},
		{"catalogue", func(ctx context.Context) error { return ensureCatalogue(ctx, tx) }},
		{"customers", func(ctx context.Context) error { return g.customers(ctx, n, hash) }},
		{"sims", g.sims},
		{"addresses", g.addresses},
		{"orders", g.orders},
		{"analyze", func(ctx context.Context) error {
			_, err := tx.ExecContext(ctx, `ANALYZE users, sim_cards, usage_sessions, balance_entries, addresses, orders, order_items`)
			return err
		}},
	}
	for _, s := range steps {
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("seed scale %s: %w", s.name, err)
		}
	}
	return nil
}

type generator struct {
	tx    store.Querier
	rng   *rand.Rand
	now   time.Time
	rep   *ScaleReport
	users []int64 // ids of customers 1..n
}

// copyIn streams rows into table through COPY.
func (g *generator) copyIn(ctx context.Context, table string, columns []string, rows func(emit func(...any) error) error) error {
	stmt, err := g.tx.PrepareContext(ctx, pq.CopyIn(table, columns...))
	if err != nil {
		return err
	}
	emit := func(v ...any) error {
		_, err := stmt.ExecContext(ctx, v...)
		return err
	}
	if err := rows(emit); err != nil {
		stmt.Close()
		return err
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return err
	}
	return stmt.Close()
}

func (g *generator) customers(ctx context.Context, n int, hash string) error {
	err := g.copyIn(ctx, "users", []string{"email", "password_hash", "full_name", "terms_accepted_at", "terms_version", "email_verified_at", "created_at", "updated_at"},
		func(emit func(...any) error) error {
			for i := 1; i <= n; i++ {
				joined := g.now.AddDate(-1, 0, -g.rng.IntN(365))
				if err := emit(ScaleEmail(i), hash, fmt.Sprintf("Customer %d", i), joined, account.TermsVersion, joined, joined, joined); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	g.users = make([]int64, 0, n)
	if err := g.tx.SelectContext(ctx, &g.users, `
		SELECT id FROM users WHERE email LIKE 'customer-%@seed.tez.example'
		ORDER BY split_part(split_part(email, '@', 1), '-', 2)::int`); err != nil {
		return err
	}
	g.rep.Customers = len(g.users)
	return nil
}

// simsFor is how many SIMs customer number c (from 1) has: skewed towards
// few, mean about 13, and 50 for every HeavyEvery-th.
func (g *generator) simsFor(c int) int {
	if c%HeavyEvery == 0 {
		return 50
	}
	return 1 + int(49*math.Pow(g.rng.Float64(), 2.75))
}

func (g *generator) sims(ctx context.Context) error {
	type simBalance struct {
		iccid          string
		topup, usage   int64
		owned, lastUse time.Time
	}
	var balances []simBalance
	counts := make([]int, len(g.users))
	for c := range g.users {
		counts[c] = g.simsFor(c + 1)
	}
	simCols := []string{"iccid", "msisdn", "status", "user_id", "owned_since", "label", "balance", "currency", "last_usage_at"}
	sessionCols := []string{"cdr_id", "iccid", "started_at", "ended_at", "bytes_up", "bytes_down", "country_code", "mcc", "mnc", "network_name", "cost", "currency"}
	// Sessions first (they decide balances), then SIMs, then the ledger.
	err := g.copyIn(ctx, "usage_sessions", sessionCols, func(emit func(...any) error) error {
		for c := range g.users {
			for k := range counts[c] {
				id := iccid.WithCheckDigit(fmt.Sprintf("89997%07d%06d", c+1, k))
				owned := g.now.AddDate(0, 0, -370)
				sb := simBalance{iccid: id, owned: owned}
				net := Networks[g.rng.IntN(len(Networks))]
				for s := range 8 + g.rng.IntN(17) {
					if s%4 == 0 {
						net = Networks[g.rng.IntN(len(Networks))] // another trip
					}
					started := g.now.Add(-time.Duration(g.rng.Int64N(int64(365 * 24 * time.Hour))))
					down := g.rng.Int64N(400_000_000) + 100_000
					up := down / int64(4+g.rng.IntN(12))
					cost := SessionCost(up + down)
					sb.usage += cost
					if started.After(sb.lastUse) {
						sb.lastUse = started
					}
					if err := emit(fmt.Sprintf("seed-%s-%d", id, s), id, started, started.Add(time.Duration(60+g.rng.IntN(7200))*time.Second),
						up, down, net.CountryCode, net.MCC, net.MNC, net.Name, cost, "USD"); err != nil {
						return err
					}
					g.rep.Sessions++
				}
				sb.topup = sb.usage + int64(g.rng.IntN(5000))
				balances = append(balances, sb)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	i := 0
	err = g.copyIn(ctx, "sim_cards", simCols, func(emit func(...any) error) error {
		for c, uid := range g.users {
			for k := range counts[c] {
				b := balances[i]
				i++
				status := "ACTIVE"
				if b.topup == b.usage {
					status = "SUSPENDED"
				}
				if err := emit(b.iccid, fmt.Sprintf("+9997%07d%03d", c+1, k), status, uid, b.owned, fmt.Sprintf("SIM %d", k+1),
					b.topup-b.usage, "USD", b.lastUse); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	g.rep.SIMs = len(balances)
	return g.copyIn(ctx, "balance_entries", []string{"iccid", "amount", "kind", "reference", "idempotency_key", "balance_after", "created_at"},
		func(emit func(...any) error) error {
			for _, b := range balances {
				if err := emit(b.iccid, b.topup, "TOPUP", "starter balance", "seed:"+b.iccid+":topup", b.topup, b.owned); err != nil {
					return err
				}
				if b.usage > 0 {
					if err := emit(b.iccid, -b.usage, "USAGE", "usage in the last year", "seed:"+b.iccid+":usage", b.topup-b.usage, b.lastUse); err != nil {
						return err
					}
				}
			}
			return nil
		})
}

func (g *generator) addresses(ctx context.Context) error {
	cities := []struct{ city, postal, country string }{
		{"Almaty", "050000", "KZ"}, {"Tashkent", "100000", "UZ"}, {"Bishkek", "720000", "KG"}, {"Yerevan", "0010", "AM"},
		{"Tbilisi", "0105", "GE"}, {"Istanbul", "34000", "TR"}, {"Dubai", "00000", "AE"}, {"Berlin", "10115", "DE"},
	}
	return g.copyIn(ctx, "addresses", []string{"user_id", "recipient_name", "line1", "city", "postal_code", "country_code", "is_default", "last_used_at"},
		func(emit func(...any) error) error {
			for c, uid := range g.users {
				for k := range 1 + g.rng.IntN(3) {
					at := cities[g.rng.IntN(len(cities))]
					if err := emit(uid, fmt.Sprintf("Customer %d", c+1), fmt.Sprintf("Street %d, %d", g.rng.IntN(200)+1, k+1),
						at.city, at.postal, at.country, k == 0, g.now.AddDate(0, 0, -g.rng.IntN(300))); err != nil {
						return err
					}
				}
			}
			return nil
		})
}

func (g *generator) orders(ctx context.Context) error {
	var products []struct {
		ID    int64  `db:"id"`
		SKU   string `db:"sku"`
		Name  string `db:"name"`
		Price int64  `db:"price"`
	}
	if err := g.tx.SelectContext(ctx, &products, `SELECT id, sku, name, price FROM products WHERE active AND kind <> 'TOPUP_VOUCHER' ORDER BY id`); err != nil {
		return err
	}
	snapshot, err := json.Marshal(demoAddresses[0])
	if err != nil {
		return err
	}
	statuses := []string{"FULFILLED", "FULFILLED", "FULFILLED", "PAID", "CANCELLED", "PENDING_PAYMENT", "REFUNDED"}
	type line struct{ product, qty int }
	var plan [][]line // per order, in insertion order
	err = g.copyIn(ctx, "orders", []string{"number", "user_id", "email", "status", "subtotal", "total", "currency", "shipping_address", "created_at", "updated_at", "paid_at"},
		func(emit func(...any) error) error {
			for c, uid := range g.users {
				for k := range g.rng.IntN(41) {
					var lines []line
					var subtotal int64
					for range 1 + g.rng.IntN(3) {
						l := line{g.rng.IntN(len(products)), 1 + g.rng.IntN(3)}
						lines = append(lines, l)
						subtotal += products[l.product].Price * int64(l.qty)
					}
					plan = append(plan, lines)
					status := statuses[g.rng.IntN(len(statuses))]
					created := g.now.Add(-time.Duration(g.rng.Int64N(int64(365 * 24 * time.Hour))))
					var paid any
					if status != "PENDING_PAYMENT" && status != "CANCELLED" {
						paid = created.Add(time.Hour)
					}
					if err := emit(fmt.Sprintf("S-%d-%d", c+1, k+1), uid, ScaleEmail(c+1), status, subtotal, subtotal, "USD",
						string(snapshot), created, created, paid); err != nil {
						return err
					}
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	g.rep.Orders = len(plan)
	var ids []int64
	if err := g.tx.SelectContext(ctx, &ids, `SELECT id FROM orders WHERE number LIKE 'S-%' ORDER BY id`); err != nil {
		return err
	}
	if len(ids) != len(plan) {
		return fmt.Errorf("found %d generated orders, made %d", len(ids), len(plan))
	}
	return g.copyIn(ctx, "order_items", []string{"order_id", "line_no", "product_id", "sku", "name", "quantity", "unit_price", "line_total", "currency"},
		func(emit func(...any) error) error {
			for i, lines := range plan {
				for n, l := range lines {
					p := products[l.product]
					if err := emit(ids[i], n+1, p.ID, p.SKU, p.Name, l.qty, p.Price, p.Price*int64(l.qty), "USD"); err != nil {
						return err
					}
					g.rep.Items++
				}
			}
			return nil
		})
}

// String summarises the report in one line.
func (r ScaleReport) String() string {
	return strings.Join([]string{
		fmt.Sprintf("%d customers", r.Customers), fmt.Sprintf("%d SIM cards", r.SIMs), fmt.Sprintf("%d sessions", r.Sessions),
		fmt.Sprintf("%d orders", r.Orders), fmt.Sprintf("%d order lines", r.Items), fmt.Sprintf("in %s", r.Elapsed.Round(time.Second)),
	}, ", ")
}
