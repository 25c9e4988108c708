// Package seed loads data into a database: the demo account that the
// embedded default shows, and (for benchmarks) many generated customers.
package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/password"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// The demo customer's sign-in. Demo data only: never load it in production.
const (
	DemoEmail    = "demo@tez.example"
	DemoPassword = "tez-demo-2026"
)

// StockSIM is an unassigned SIM card and the activation code printed on its
// holder, as a customer would read it.
type StockSIM struct {
	ICCID, ActivationCode string
}

// DemoStock lists the demo's stock SIMs that carry activation codes.
func DemoStock() []StockSIM {
	var out []StockSIM
	for n := 1; n <= 20; n++ {
		if n%2 == 1 {
			out = append(out, StockSIM{ICCID: demoICCID(100 + n), ActivationCode: fmt.Sprintf("TEZ%05d", 7919*n%100000)})
		}
	}
	return out
}

// demoSIMCode is the activation code printed with the demo customer's SIM n.
func demoSIMCode(n int) string { return fmt.Sprintf("DEMO%04d", n) }

// demoICCID makes a valid ICCID for demo SIM number n.
func demoICCID(n int) string { return iccid.WithCheckDigit(fmt.Sprintf("8999701%011d", n)) }

type demoProduct struct {
	sku, kind, name, desc string
	price                 int64
	voucher               *int64
	region                *string
	active                bool
}

func ptr[T any](v T) *T { return &v }

var catalogue = []demoProduct{
	{"SIM-EUROPE", "SIM_CARD", "Europe data SIM", "Data in 40 European countries.", 1500, nil, ptr("Europe"), true},
	{"SIM-ASIA", "SIM_CARD", "Asia data SIM", "Data in 18 Asian countries.", 1900, nil, ptr("Asia"), true},
	{"SIM-GLOBAL", "SIM_CARD", "Global data SIM", "Data in 120 countries.", 2900, nil, ptr("Global"), true},
	{"TOPUP-10", "TOPUP_VOUCHER", "Top-up voucher 10 USD", "Adds 10 USD to a SIM's balance.", 1000, ptr[int64](1000), nil, true},
	{"TOPUP-25", "TOPUP_VOUCHER", "Top-up voucher 25 USD", "Adds 25 USD to a SIM's balance.", 2500, ptr[int64](2500), nil, true},
	{"TOPUP-50", "TOPUP_VOUCHER", "Top-up voucher 50 USD", "Adds 50 USD to a SIM's balance.", 5000, ptr[int64](5000), nil, true},
	{"ACC-HOLDER-CASE", "ACCESSORY", "SIM holder case", "Keeps three SIM cards and the ejector pin.", 500, nil, nil, true},
	{"SIM-BALKANS-2025", "SIM_CARD", "Balkans data SIM (2025)", "Retired: replaced by the Europe SIM.", 1200, nil, ptr("Balkans"), false},
}

// Network is a mobile network a session can be on.
type Network struct {
	CountryCode, MCC, MNC, Name string
}

// Networks are the visited networks generated sessions use.
var Networks = []Network{
	{"DE", "262", "01", "Telekom.de"}, {"FR", "208", "01", "Orange F"}, {"TR", "286", "01", "Turkcell"},
	{"TH", "520", "03", "AIS"}, {"AE", "424", "02", "Etisalat"}, {"GE", "282", "02", "MagtiCom"},
	{"KZ", "401", "01", "Beeline KZ"}, {"US", "310", "260", "T-Mobile"}, {"JP", "440", "10", "NTT DOCOMO"},
	{"IT", "222", "01", "TIM"}, {"ES", "214", "07", "Movistar"}, {"AM", "283", "01", "Team Telecom"},
	{"GB", "234", "15", "Vodafone UK"}, {"NL", "204", "08", "KPN"}, {"BE", "206", "01", "Proximus"},
	{"AT", "232", "01", "A1"}, {"CH", "228", "01", "Swisscom"}, {"PL", "260", "02", "T-Mobile PL"},
	{"CZ", "230", "01", "T-Mobile CZ"}, {"HU", "216", "30", "Telekom HU"}, {"GR", "202", "01", "Cosmote"},
	{"PT", "268", "06", "MEO"}, {"SE", "240", "01", "Telia SE"}, {"NO", "242", "01", "Telenor NO"},
	{"FI", "244", "91", "Telia FI"}, {"DK", "238", "01", "TDC"}, {"UZ", "434", "05", "Ucell"},
	{"KG", "437", "01", "Beeline KG"}, {"AZ", "400", "01", "Azercell"}, {"EG", "602", "02", "Vodafone EG"},
	{"IL", "425", "01", "Partner"}, {"IN", "404", "10", "Airtel"}, {"CN", "460", "00", "China Mobile"},
	{"KR", "450", "05", "SK Telecom"}, {"VN", "452", "04", "Viettel"}, {"ID", "510", "10", "Telkomsel"},
	{"MY", "502", "12", "Maxis"}, {"SG", "525", "01", "Singtel"}, {"AU", "505", "01", "Telstra"},
	{"CA", "302", "610", "Bell"}, {"MX", "334", "020", "Telcel"}, {"BR", "724", "05", "Claro BR"},
}

// SessionCost is the demo tariff: 1 cent per started 10 MB.
func SessionCost(bytes int64) int64 { return (bytes + 10_000_000 - 1) / 10_000_000 }

// Demo loads the demo account in one transaction, unless it is there already.
func Demo(ctx context.Context, st *store.Store) error {
	if err := st.InTx(ctx, func(tx store.Querier) error { return demoTx(ctx, tx) }); err != nil {
		return err
	}
	return nil
}

func demoTx(ctx context.Context, tx store.Querier) error {
	// Two first starts at once must not both seed.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('tez seed demo'))`); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	var exists bool
	if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)`, DemoEmail); err != nil {
		return err
	}
	d := demo{tx: tx, now: time.Now().UTC().Truncate(time.Second), rng: rand.New(rand.NewPCG(1, 2))}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"products", d.products}, {"customer", d.customer}, {"addresses", d.addresses},
		{"stock", d.stock}, {"orders", d.orders}, {"sims", d.sims}, {"old system sims", d.oldSystemSIMs},
	}
	if exists {
		// A database seeded by an older version gets what was added since:
		// new products, the product of each stock SIM, what its vouchers
		// credit (without it, paying the pending demo order failed), and the
		// old system's SIMs.
		steps = []struct {
			name string
			run  func(context.Context) error
		}{{"products", d.products}, {"stock", d.stock}, {"voucher amounts", d.voucherAmounts}, {"old system sims", d.oldSystemSIMs}}
	}
	for _, s := range steps {
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}

type demo struct {
	tx       store.Querier
	now      time.Time
	rng      *rand.Rand
	userID   int64
	orderIDs map[string]int64 // by demoOrder.key
	// vouchers and refunds are the ledger entries the paid (and refunded)
	// top-up orders made, by ICCID.
	vouchers, refunds map[string][]entry
}

func (d *demo) products(ctx context.Context) error { return ensureCatalogue(ctx, d.tx) }

// ensureCatalogue adds the catalogue's products that are not there yet.
func ensureCatalogue(ctx context.Context, tx store.Querier) error {
	for _, p := range catalogue {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO products (sku, kind, name, description, price, currency, voucher_amount, region, active)
			VALUES ($1, $2, $3, $4, $5, 'USD', $6, $7, $8) ON CONFLICT (sku) DO NOTHING`,
			p.sku, p.kind, p.name, p.desc, p.price, p.voucher, p.region, p.active)
		if err != nil {
			return err
		}
	}
	return nil
}

func (d *demo) customer(ctx context.Context) error {
	hash, err := password.Hash(DemoPassword)
	if err != nil {
		return err
	}
	since := d.now.AddDate(0, 0, -130)
	return d.tx.GetContext(ctx, &d.userID, `
		INSERT INTO users (email, password_hash, full_name, phone, terms_accepted_at, terms_version, email_verified_at, created_at, updated_at)
		VALUES ($1, $2, 'Aigerim Demo', '+77011234567', $3, $4, $3, $3, $3) RETURNING id`,
		DemoEmail, hash, since, account.TermsVersion)
}

var demoAddresses = []map[string]string{
	{"recipientName": "Aigerim Demo", "line1": "Abay Avenue 10, apt 5", "line2": "", "city": "Almaty", "region": "",
		"postalCode": "050000", "countryCode": "KZ", "phone": "+77011234567"},
	{"recipientName": "Aigerim Demo", "line1": "Torstraße 120", "line2": "c/o Hostel Mitte", "city": "Berlin", "region": "Berlin",
		"postalCode": "10119", "countryCode": "DE", "phone": "+4915112345678"},
}

func (d *demo) addresses(ctx context.Context) error {
	for i, a := range demoAddresses {
		_, err := d.tx.ExecContext(ctx, `
			INSERT INTO addresses (user_id, recipient_name, line1, line2, city, region, postal_code, country_code, phone, is_default, last_used_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			d.userID, a["recipientName"], a["line1"], a["line2"], a["city"], a["region"], a["postalCode"], a["countryCode"],
			a["phone"], i == 0, d.now.AddDate(0, 0, -10*(i+1)))
		if err != nil {
			return err
		}
	}
	return nil
}

func (d *demo) stock(ctx context.Context) error {
	codes := map[string]string{}
	for _, s := range DemoStock() {
		codes[s.ICCID] = s.ActivationCode
	}
	for n := 1; n <= 20; n++ {
		id := demoICCID(100 + n)
		var hash []byte
		if code, ok := codes[id]; ok {
			hash = secret.ActivationCodeHash(code)
		}
		_, err := d.tx.ExecContext(ctx, `
			INSERT INTO sim_cards (iccid, msisdn, status, activation_code_hash, product_id)
			VALUES ($1, $2, 'IN_STOCK', $3, (SELECT id FROM products WHERE sku = $4))
			ON CONFLICT (iccid) DO UPDATE SET product_id = EXCLUDED.product_id
			WHERE sim_cards.product_id IS NULL AND sim_cards.status = 'IN_STOCK'`, id, fmt.Sprintf("+99970100%04d", 100+n), hash, stockSKU(n))
		if err != nil {
			return err
		}
	}
	return nil
}

// stockSKU is the product of stock SIM n: ten Europe, five Asia, five
// Global SIMs on the shelf.
func stockSKU(n int) string {
	switch {
	case n <= 10:
		return "SIM-EUROPE"
	case n <= 15:
		return "SIM-ASIA"
	}
	return "SIM-GLOBAL"
}

// demoOrder is an order of the demo customer.
type demoOrder struct {
	key     string
	status  string
	daysAgo int
	lines   []demoLine
}

type demoLine struct {
	sku   string
	qty   int
	iccid string // the SIM a voucher tops up
}

func (d *demo) orders(ctx context.Context) error {
	d.orderIDs = map[string]int64{}
	d.vouchers, d.refunds = map[string][]entry{}, map[string][]entry{}
	prices, vouchers := map[string]int64{}, map[string]int64{}
	kinds := map[string]store.ProductKind{}
	for _, p := range catalogue {
		prices[p.sku], kinds[p.sku] = p.price, store.ProductKind(p.kind)
		if p.voucher != nil {
			vouchers[p.sku] = *p.voucher
		}
	}
	// Paid orders are fulfilled at once, as the shop does: vouchers
	// credited, SIMs taken from stock, accessories handed to shipping.
	placed := []demoOrder{
		{"sims", "FULFILLED", 120, []demoLine{{"SIM-EUROPE", 1, ""}, {"SIM-ASIA", 1, ""}}},
		{"topup1", "FULFILLED", 60, []demoLine{{"TOPUP-25", 1, demoICCID(1)}}},
		{"case", "FULFILLED", 10, []demoLine{{"ACC-HOLDER-CASE", 2, ""}}},
		{"pending", "PENDING_PAYMENT", 1, []demoLine{{"TOPUP-10", 1, demoICCID(2)}}},
		{"cancelled", "CANCELLED", 30, []demoLine{{"SIM-GLOBAL", 1, ""}}},
		{"refunded", "REFUNDED", 45, []demoLine{{"TOPUP-50", 1, demoICCID(3)}}},
	}
	snapshot, err := json.Marshal(demoAddresses[0])
	if err != nil {
		return err
	}
	// The vouchers name the demo SIMs, which must exist first.
	for n := 1; n <= 3; n++ {
		if _, err := d.tx.ExecContext(ctx, `INSERT INTO sim_cards (iccid, msisdn, status) VALUES ($1, $2, 'IN_STOCK')`,
			demoICCID(n), fmt.Sprintf("+99970100%04d", n)); err != nil {
			return err
		}
	}
	for _, o := range placed {
		at := d.now.AddDate(0, 0, -o.daysAgo)
		var subtotal int64
		ships := false
		for _, l := range o.lines {
			subtotal += prices[l.sku] * int64(l.qty)
			ships = ships || orders.Ships(kinds[l.sku])
		}
		fee := orders.ShippingFee(money.New(subtotal, "USD"), ships).Amount
		var ship *string // jsonb goes as text: binary_parameters would send []byte as binary jsonb
		if ships {
			ship = ptr(string(snapshot))
		}
		var paidAt, cancelledAt, fulfilledAt *time.Time
		switch o.status {
		case "FULFILLED", "REFUNDED":
			paidAt, fulfilledAt = ptr(at.Add(time.Hour)), ptr(at.Add(time.Hour))
		case "CANCELLED":
			cancelledAt = ptr(at.Add(2 * time.Hour))
		}
		var row struct {
			ID     int64  `db:"id"`
			Number string `db:"number"`
		}
		err := d.tx.GetContext(ctx, &row, `
			INSERT INTO orders (user_id, email, status, subtotal, shipping_fee, total, currency, shipping_address, created_at, updated_at, paid_at, cancelled_at, fulfilled_at)
			VALUES ($1, $2, $3, $4, $5, $4::bigint + $5::bigint, 'USD', $6, $7, $7, $8, $9, $10) RETURNING id, number`,
			d.userID, DemoEmail, o.status, subtotal, fee, ship, at, paidAt, cancelledAt, fulfilledAt)
		if err != nil {
			return err
		}
		id := row.ID
		d.orderIDs[o.key] = id
		for i, l := range o.lines {
			if amount := vouchers[l.sku] * int64(l.qty); amount > 0 && paidAt != nil {
				// The keys and references fulfilment and a refund use.
				d.vouchers[l.iccid] = append(d.vouchers[l.iccid], entry{*paidAt, amount, "TOPUP", "Order " + row.Number,
					fmt.Sprintf("order:%d:line:%d", id, i+1)})
				if o.status == "REFUNDED" {
					d.refunds[l.iccid] = append(d.refunds[l.iccid], entry{paidAt.Add(24 * time.Hour), -amount, "REFUND",
						"Order " + row.Number + " refunded", fmt.Sprintf("refund:order:%d:line:%d", id, i+1)})
				}
			}
			fulfilled := 0
			if paidAt != nil { // a refunded voucher was credited, then taken back
				fulfilled = l.qty
			}
			var voucherSIM *string
			if l.iccid != "" {
				voucherSIM = &l.iccid
			}
			_, err := d.tx.ExecContext(ctx, `
				INSERT INTO order_items (order_id, line_no, product_id, sku, name, quantity, unit_price, line_total, currency, iccid, fulfilled_quantity, voucher_amount)
				SELECT $1, $2, id, sku, name, $3::int, price, price * $3::int, currency, $4, $5, voucher_amount FROM products WHERE sku = $6`,
				id, i+1, l.qty, voucherSIM, fulfilled, l.sku)
			if err != nil {
				return err
			}
		}
		if ships && o.status == "FULFILLED" {
			// Fulfilled with a parcel means it shipped: this one has arrived.
			if _, err := d.tx.ExecContext(ctx, `
				INSERT INTO shipments (order_id, status, carrier, tracking_number, tracking_url, created_at, shipped_at, delivered_at)
				VALUES ($1, 'DELIVERED', 'DHL', $2, 'https://www.dhl.com/en/express/tracking.html?AWB=' || $2, $3, $3, $4)`,
				id, fmt.Sprintf("JD01460000%06d", id), fulfilledAt, fulfilledAt.Add(72*time.Hour)); err != nil {
				return err
			}
		}
	}
	return nil
}

// voucherAmounts gives the demo customer's voucher lines that lack one
// the amount their product credits.
func (d *demo) voucherAmounts(ctx context.Context) error {
	_, err := d.tx.ExecContext(ctx, `
		UPDATE order_items i SET voucher_amount = p.voucher_amount
		FROM products p, orders o, users u
		WHERE p.id = i.product_id AND p.voucher_amount IS NOT NULL AND i.voucher_amount IS NULL
		  AND o.id = i.order_id AND u.id = o.user_id AND u.email = $1`, DemoEmail)
	return err
}

// demoSIM is one of the customer's SIM cards and how its balance came about.
type demoSIM struct {
	n            int
	label        string
	sessionsADay float64
	final        int64 // balance wanted at the end
	// runsOut: the balance did not cover the last session, which suspended
	// the SIM quietDays ago; it has used no data since.
	runsOut   bool
	quietDays int
}

type entry struct {
	at     time.Time
	amount int64
	kind   string
	ref    string
	key    string
}

func (d *demo) sims(ctx context.Context) error {
	sims := []demoSIM{
		{1, "My phone", 2, 1840, false, 0},
		{2, "Tablet", 1, 735, false, 0},
		{3, "Old travel SIM", 0.5, 0, true, 30},
	}
	owned := d.now.AddDate(0, 0, -100)
	for _, s := range sims {
		id := demoICCID(s.n)
		sessions := d.sessions(id, s.sessionsADay)
		quietFrom := d.now.AddDate(0, 0, -s.quietDays)
		for len(sessions) > 0 && !sessions[len(sessions)-1].ended.Before(quietFrom) {
			sessions = sessions[:len(sessions)-1]
		}
		final := s.final
		if s.runsOut && len(sessions) > 0 {
			final = -max(1, sessions[len(sessions)-1].cost/2) // part of the last session is owed
		}
		var entries []entry
		var used int64
		for _, ss := range sessions {
			used += ss.cost
			entries = append(entries, entry{ss.ended, -ss.cost, "USAGE", "CDR " + ss.cdrID, "usage:" + ss.cdrID})
		}
		var credited int64
		for _, v := range d.vouchers[id] { // the paid top-up orders, credited when paid
			credited += v.amount
			entries = append(entries, v)
		}
		for _, r := range d.refunds[id] {
			credited += r.amount
			entries = append(entries, r)
		}
		if starter := used + final - credited; starter > 0 {
			entries = append(entries, entry{owned, starter, "TOPUP", "starter balance", "starter:" + id})
		}
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].at.Before(entries[j].at) })
		if err := d.insertSessions(ctx, sessions); err != nil {
			return err
		}
		// The ledger's rule: a debit takes the balance to zero at most, the
		// rest is overdraft, and the SIM is suspended.
		var balance, overdraft int64
		status := "ACTIVE"
		var lastUsage *time.Time
		for _, e := range entries {
			amount, short := e.amount, int64(0)
			if balance+amount < 0 {
				amount, short = -balance, -(balance + amount)
				status = "SUSPENDED"
			}
			if amount == 0 && short == 0 {
				continue
			}
			balance, overdraft = balance+amount, overdraft+short
			if _, err := d.tx.ExecContext(ctx, `
				INSERT INTO balance_entries (iccid, amount, overdraft, kind, reference, idempotency_key, balance_after, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, amount, short, e.kind, e.ref, e.key, balance, e.at); err != nil {
				return err
			}
		}
		if n := len(sessions); n > 0 {
			lastUsage = &sessions[n-1].ended
		}
		var soldOrder *int64
		if s.n <= 2 {
			soldOrder = ptr(d.orderIDs["sims"])
		}
		if _, err := d.tx.ExecContext(ctx, `
			UPDATE sim_cards SET status = $2, user_id = $3, owned_since = $4, label = $5, balance = $6, overdraft = $11,
				last_usage_at = $7, sold_order_id = $8, sold_to_email = $9, activation_code_hash = $10,
				balance_changed_at = coalesce((SELECT max(created_at) FROM balance_entries WHERE iccid = $1), balance_changed_at)
			WHERE iccid = $1`,
			id, status, d.userID, owned, s.label, balance, lastUsage, soldOrder, DemoEmail, secret.ActivationCodeHash(demoSIMCode(s.n)), overdraft); err != nil {
			return err
		}
	}
	return nil
}

type session struct {
	cdrID, iccid   string
	started, ended time.Time
	up, down, cost int64
	net            Network
}

// sessions makes ~90 days of sessions for one SIM, oldest first, a few
// countries per trip.
func (d *demo) sessions(id string, perDay float64) []session {
	var out []session
	start := d.now.AddDate(0, 0, -90)
	trip := Networks[d.rng.IntN(len(Networks))]
	for day := range 90 {
		if day%12 == 0 {
			trip = Networks[d.rng.IntN(len(Networks))]
		}
		count := int(perDay)
		if d.rng.Float64() < perDay-float64(count) {
			count++
		}
		for k := range count {
			started := start.AddDate(0, 0, day).Add(time.Duration(8+k*5)*time.Hour + time.Duration(d.rng.IntN(3600))*time.Second)
			down := int64(d.rng.IntN(300_000_000)) + 1_000_000
			up := down / int64(5+d.rng.IntN(10))
			out = append(out, session{
				cdrID:   fmt.Sprintf("demo-%s-%d-%d", id[len(id)-4:], day, k),
				iccid:   id,
				started: started,
				ended:   started.Add(time.Duration(60+d.rng.IntN(7200)) * time.Second),
				up:      up, down: down, cost: SessionCost(up + down), net: trip,
			})
		}
	}
	return out
}

func (d *demo) insertSessions(ctx context.Context, sessions []session) error {
	if len(sessions) == 0 {
		return nil
	}
	if _, err := d.tx.ExecContext(ctx, `SELECT usage_ensure_partitions($1::date, 5)`, d.now.AddDate(0, -4, 0)); err != nil {
		return err
	}
	var cdr, iccids, started, ended, countries, mccs, mncs, names []string
	var up, down, cost []int64
	for _, s := range sessions {
		cdr, iccids = append(cdr, s.cdrID), append(iccids, s.iccid)
		started, ended = append(started, s.started.Format(time.RFC3339)), append(ended, s.ended.Format(time.RFC3339))
		up, down, cost = append(up, s.up), append(down, s.down), append(cost, s.cost)
		countries, mccs = append(countries, s.net.CountryCode), append(mccs, s.net.MCC)
		mncs, names = append(mncs, s.net.MNC), append(names, s.net.Name)
	}
	_, err := d.tx.ExecContext(ctx, `
		INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, cost, currency, country_code, mcc, mnc, network_name)
		SELECT c, i, s, e, u, dn, co, 'USD', cc, mc, mn, nm
		FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[], $6::bigint[], $7::bigint[],
		            $8::text[], $9::text[], $10::text[], $11::text[]) AS t(c, i, s, e, u, dn, co, cc, mc, mn, nm)`,
		pq.Array(cdr), pq.Array(iccids), pq.Array(started), pq.Array(ended), pq.Array(up), pq.Array(down), pq.Array(cost),
		pq.Array(countries), pq.Array(mccs), pq.Array(mncs), pq.Array(names))
	return err
}
