package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// The dashboard's statements scan by column position, not by name (see
// queryRows): a field out of order between two columns of the same type
// would go unnoticed by the type system. Every column holds a value of its
// own here, and what the positional reads return must equal what sqlx
// reads by name.
func TestPositionalReadsMatchTheColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	st := store.New(db)
	var userID, resellerID int64
	db.QueryRowx(`INSERT INTO users (email, password_hash, terms_accepted_at, terms_version) VALUES ('scan@x.example', 'h', now(), 'v') RETURNING id`).Scan(&userID)
	db.QueryRowx(`INSERT INTO resellers (name) VALUES ('scan-reseller') RETURNING id`).Scan(&resellerID)
	const iccid = "8999700000000000018"
	db.MustExec(`INSERT INTO sim_cards (iccid, msisdn, status, user_id, owned_since, reseller_id, label, balance, currency, last_usage_at)
		VALUES ($1, '+77010000002', 'ACTIVE', $2, now() - interval '40 days', $3, 'Travel', 4321, 'EUR', now() - interval '1 day')`, iccid, userID, resellerID)
	// A second SIM, read after the first, with NULL where the first has values:
	// nothing of one row may stay behind in the next.
	db.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since, balance, currency) VALUES ('8999700000000000034', 'SUSPENDED', $1, now(), 0, 'USD')`, userID)
	db.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency)
		VALUES ('scan-1', $1, now() - interval '2 days', now() - interval '2 days' + interval '7 minutes', 111, 2222, 'GE', 'Magti', 33, 'EUR')`, iccid)

	got, err := st.SimCardsByUserID(ctx, st.DB(), []int64{userID})
	if err != nil {
		t.Fatal(err)
	}
	var want []store.SimCard
	if err := db.Select(&want, `SELECT iccid, msisdn, status, user_id, owned_since, reseller_id, label, balance, currency, last_usage_at, overdraft,
		greatest(balance_changed_at, CASE WHEN last_usage_at >= owned_since THEN last_usage_at END) AS balance_as_of
		FROM sim_cards WHERE user_id = $1 ORDER BY iccid`, userID); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got[userID], want) {
		t.Errorf("SimCardsByUserID = %+v, by name %+v", got[userID], want)
	}

	r := store.UsageRange{ICCID: iccid, From: time.Now().AddDate(0, 0, -30), To: time.Now()}
	sessions, err := st.NewestSessions(ctx, st.DB(), store.Scope{UserID: userID}, []store.NewestKey{{UsageRange: r, Limit: 5}})
	if err != nil {
		t.Fatal(err)
	}
	var wantSessions []store.UsageSession
	if err := db.Select(&wantSessions, `SELECT id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency
		FROM usage_sessions WHERE iccid = $1`, iccid); err != nil {
		t.Fatal(err)
	}
	if k := (store.NewestKey{UsageRange: r, Limit: 5}); !reflect.DeepEqual(sessions[k], wantSessions) {
		t.Errorf("NewestSessions = %+v, by name %+v", sessions[k], wantSessions)
	}

	totals, err := st.UsageByCountry(ctx, st.DB(), store.Scope{UserID: userID}, []store.UsageRange{r})
	if err != nil {
		t.Fatal(err)
	}
	wantTotals := []store.CountryUsage{{CountryCode: "GE", UsageTotals: store.UsageTotals{BytesUp: 111, BytesDown: 2222, Sessions: 1, CostMinor: 33}}}
	if !reflect.DeepEqual(totals[r], wantTotals) {
		t.Errorf("UsageByCountry = %+v, want %+v", totals[r], wantTotals)
	}
}

// The session lookup every signed-in request makes, and the dashboard's
// addresses, orders and order lines with their products: read by position,
// compared with sqlx's by-name reads of the same rows.
func TestPositionalReadsMatchTheColumnsOfAccountsAndOrders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	st := store.New(db)
	var userID, productID, orderID int64
	db.QueryRowx(`INSERT INTO users (email, password_hash, full_name, phone, terms_accepted_at, terms_version, email_verified_at, created_at, updated_at, time_zone, language)
		VALUES ('order-scan@x.example', 'hash', 'Ada Scan', '+77010000003', now() - interval '3 days', 'v7', now() - interval '2 days',
		        now() - interval '5 days', now() - interval '1 day', 'Asia/Tbilisi', 'ru') RETURNING id`).Scan(&userID)
	hash := []byte("0123456789abcdef0123456789abcdef")
	db.MustExec(`INSERT INTO auth_sessions (token_hash, user_id, expires_at, last_used_at) VALUES ($1, $2, now() + interval '9 days', now() - interval '4 hours')`, hash, userID)
	db.MustExec(`INSERT INTO addresses (user_id, recipient_name, line1, line2, city, region, postal_code, country_code, phone, delivery_note, is_default, last_used_at, created_at)
		VALUES ($1, 'Ada', 'Main 1', 'Flat 2', 'Tbilisi', 'Tb', '0105', 'GE', '+99532000000', 'ring twice', true, now() - interval '6 days', now() - interval '8 days')`, userID)
	db.QueryRowx(`INSERT INTO products (sku, kind, name, description, price, currency, voucher_amount, region, active, created_at)
		VALUES ('SCAN-TOPUP', 'TOPUP_VOUCHER', 'Top-up', 'ten euros', 1000, 'EUR', 1100, 'EU', false, now() - interval '30 days') RETURNING id`).Scan(&productID)
	db.QueryRowx(`INSERT INTO orders (user_id, email, status, subtotal, shipping_fee, total, currency, shipping_address, note, created_at, paid_at)
		VALUES ($1, 'order-scan@x.example', 'PAID', 2000, 300, 2300, 'EUR', '{"city": "Tbilisi"}', 'gift', now() - interval '7 days', now() - interval '6 days')
		RETURNING id`, userID).Scan(&orderID)
	db.MustExec(`INSERT INTO sim_cards (iccid, status, user_id, owned_since, balance, currency) VALUES ('8999700000000000026', 'ACTIVE', $1, now(), 0, 'EUR')`, userID)
	db.MustExec(`INSERT INTO order_items (order_id, line_no, product_id, sku, name, quantity, unit_price, line_total, currency, iccid, voucher_amount, fulfilled_quantity)
		VALUES ($1, 3, $2, 'SCAN-TOPUP', 'Top-up', 2, 1000, 2000, 'EUR', '8999700000000000026', 1100, 1)`, orderID, productID)
	// A line of an imported order whose SKU is not in the catalogue: no product.
	db.MustExec(`INSERT INTO order_items (order_id, line_no, product_id, sku, name, quantity, unit_price, line_total, currency)
		VALUES ($1, 4, NULL, 'GONE-1', 'Gone', 1, 500, 500, 'EUR')`, orderID)

	sess, err := st.SessionByTokenHash(ctx, st.DB(), hash)
	if err != nil {
		t.Fatal(err)
	}
	var want store.AuthSession
	if err := db.Get(&want, `SELECT id, user_id, expires_at, last_used_at, read_fence FROM auth_sessions WHERE token_hash = $1`, hash); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&want.User, `SELECT id, email, password_hash, full_name, phone, terms_accepted_at, terms_version, email_verified_at, created_at, updated_at, time_zone, language
		FROM users WHERE id = $1`, userID); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sess, want) {
		t.Errorf("SessionByTokenHash = %+v, by name %+v", sess, want)
	}

	addresses, err := st.AddressesByUserID(ctx, st.DB(), []int64{userID})
	if err != nil {
		t.Fatal(err)
	}
	var wantAddresses []store.Address
	if err := db.Select(&wantAddresses, `SELECT id, user_id, recipient_name, line1, line2, city, region, postal_code, country_code, phone,
		delivery_note, is_default, last_used_at, created_at FROM addresses WHERE user_id = $1`, userID); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(addresses[userID], wantAddresses) {
		t.Errorf("AddressesByUserID = %+v, by name %+v", addresses[userID], wantAddresses)
	}

	page, err := st.OrdersPage(ctx, st.DB(), userID, store.OrderFilter{Page: relay.Page{Limit: 5}})
	if err != nil {
		t.Fatal(err)
	}
	orders, total := page.Orders, page.Total
	var wantOrders []store.Order
	if err := db.Select(&wantOrders, `SELECT id, number, user_id, email, status, subtotal, shipping_fee, total, currency, shipping_address, note, created_at, paid_at, imported_at
		FROM orders WHERE user_id = $1`, userID); err != nil {
		t.Fatal(err)
	}
	if total != 1 || !reflect.DeepEqual(orders, wantOrders) {
		t.Errorf("OrdersPage = %+v (total %d), by name %+v (1)", orders, total, wantOrders)
	}

	items, products, err := st.OrderItemsWithProducts(ctx, st.DB(), []int64{orderID})
	if err != nil {
		t.Fatal(err)
	}
	var wantItems []store.OrderItem
	if err := db.Select(&wantItems, `SELECT id, order_id, line_no, product_id, sku, name, quantity, unit_price, line_total, currency, iccid, voucher_amount, fulfilled_quantity
		FROM order_items WHERE order_id = $1 ORDER BY line_no`, orderID); err != nil {
		t.Fatal(err)
	}
	var wantProduct store.Product
	if err := db.Get(&wantProduct, `SELECT id, sku, kind, name, description, price, currency, voucher_amount, region, active, created_at
		FROM products WHERE id = $1`, productID); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(items[orderID], wantItems) || !reflect.DeepEqual(products, map[int64]store.Product{productID: wantProduct}) {
		t.Errorf("OrderItemsWithProducts = %+v %+v, by name %+v %+v", items[orderID], products, wantItems, wantProduct)
	}

	// The page read with its lines gives the same orders, lines and products.
	withItems, err := st.OrdersPage(ctx, st.DB(), userID, store.OrderFilter{Page: relay.Page{Limit: 5}, WithItems: true})
	if err != nil {
		t.Fatal(err)
	}
	if withItems.Total != 1 || !reflect.DeepEqual(withItems.Orders, wantOrders) || !reflect.DeepEqual(withItems.Items[orderID], wantItems) ||
		!reflect.DeepEqual(withItems.Products, map[int64]store.Product{productID: wantProduct}) {
		t.Errorf("OrdersPage WithItems = %+v, by name %+v %+v %+v", withItems, wantOrders, wantItems, wantProduct)
	}
}
