package legacy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/legacy"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func sim(n int) string { return iccid.WithCheckDigit(fmt.Sprintf("899970500000%06d", n)) }

// fixture is a database with SIM cards 1–9 (ACTIVE, nobody's), a catalogue
// of SIM-EUROPE and TOPUP-10, and accounts by email.
type fixture struct {
	t  *testing.T
	db *sqlx.DB
	st *store.Store
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	db := testdb.New(t)
	for n := 1; n <= 9; n++ {
		db.MustExec(`INSERT INTO sim_cards (iccid, status) VALUES ($1, 'ACTIVE')`, sim(n))
	}
	db.MustExec(`INSERT INTO products (sku, kind, name, price, currency) VALUES ('SIM-EUROPE', 'SIM_CARD', 'Europe data SIM', 1500, 'USD')`)
	db.MustExec(`INSERT INTO products (sku, kind, name, price, currency, voucher_amount) VALUES ('TOPUP-10', 'TOPUP_VOUCHER', 'Top-up 10', 1000, 'USD', 1000)`)
	return fixture{t, db, store.New(db)}
}

// user makes an account; verified says whether its email is confirmed.
func (f fixture) user(email string, verified bool) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.Get(&id, `INSERT INTO users (email, password_hash, terms_accepted_at, terms_version, email_verified_at)
		VALUES ($1, 'x', now(), 't', CASE WHEN $2 THEN now() END) RETURNING id`, email, verified); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.Get(&n, query, args...); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f fixture) importText(text string) legacy.Result {
	f.t.Helper()
	res, err := legacy.Import(context.Background(), f.st, strings.NewReader(text))
	if err != nil {
		f.t.Fatalf("import: %v", err)
	}
	return res
}

// verify confirms an account's email and runs what the verification
// transaction runs.
func (f fixture) verify(id int64, email string) {
	f.t.Helper()
	err := f.st.InTx(context.Background(), func(tx store.Querier) error {
		if _, err := f.st.MarkEmailVerified(context.Background(), tx, id, email); err != nil {
			return err
		}
		return f.st.ClaimHistory(context.Background(), tx, id, email)
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// account is one line of the JSON Lines format.
func account(email string, simCards []map[string]any, orders []map[string]any) map[string]any {
	return map[string]any{
		"email": email, "fullName": "Anna K", "phone": "+79161234567",
		"addresses": []map[string]any{address(true), {"recipientName": "Anna K", "line1": "Arbat 1", "line2": nil, "city": "Moscow",
			"region": nil, "postalCode": "119002", "countryCode": "RU", "phone": nil, "isDefault": false}},
		"simCards": simCards, "orders": orders,
	}
}

func address(isDefault bool) map[string]any {
	return map[string]any{"recipientName": "Anna K", "line1": "Tverskaya 7", "line2": nil, "city": "Moscow", "region": nil,
		"postalCode": "125009", "countryCode": "RU", "phone": "+74951234567", "isDefault": isDefault}
}

func simCard(id, since string) map[string]any {
	return map[string]any{"iccid": id, "label": "Europe trip", "ownedSince": since}
}

// order is an old order of a Europe SIM (a product still sold), a top-up
// of id and a line of a SKU that no longer exists: 15 + 10 + 3.50.
func order(number, id string) map[string]any {
	return map[string]any{"number": number, "placedAt": "2018-05-30T10:00:00Z", "status": "FULFILLED", "currency": "USD", "total": "33.50",
		"items": []map[string]any{
			{"sku": "SIM-EUROPE", "name": "Europe travel SIM", "quantity": 1, "unitPrice": "15.00"},
			{"sku": "TOPUP-10", "name": "Top-up voucher 10", "quantity": 1, "unitPrice": "10.00", "iccid": id},
			{"sku": "CASE-OLD", "name": "SIM card case", "quantity": 1, "unitPrice": "3.50"},
		},
		"shippingAddress": address(false)}
}

func jsonLine(t *testing.T, v map[string]any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// with copies an account with one field changed.
func with(v map[string]any, key string, value any) map[string]any {
	out := map[string]any{}
	for k, x := range v {
		out[k] = x
	}
	out[key] = value
	return out
}

func TestImportJSONLines(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	verifiedID := f.user("verified@x.example", true)
	otherID := f.user("other@x.example", true)
	unverifiedID := f.user("unverified@x.example", false)
	f.db.MustExec(`UPDATE sim_cards SET user_id = $1, owned_since = now() WHERE iccid = $2`, otherID, sim(4))
	badDigit := sim(5)[:18] + string('0'+(sim(5)[18]-'0'+1)%10)
	future := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)

	anna := account("anna@x.example", []map[string]any{simCard(sim(1), "2018-06-01T00:00:00Z")}, []map[string]any{order("OLD-2018-0042", sim(1))})
	lines := []string{
		jsonLine(t, anna), // 1: kept, waits for anna@ to register and verify
		jsonLine(t, account("Verified@x.example", []map[string]any{simCard(sim(2), "2019-01-01T00:00:00Z")},
			[]map[string]any{order("OLD-2019-0001", sim(2))})), // 2: kept, attached at once
		`{"email": "garbled@x.example", "simCards": [`,                                                            // 3
		jsonLine(t, account("future@x.example", []map[string]any{simCard(sim(3), future)}, nil)),                  // 4
		jsonLine(t, account("digit@x.example", []map[string]any{simCard(badDigit, "2018-01-01T00:00:00Z")}, nil)), // 5
		jsonLine(t, account("taker@x.example", []map[string]any{simCard(sim(4), "2018-01-01T00:00:00Z")}, nil)),   // 6: someone's SIM
		jsonLine(t, anna), // 7: the same account again
		jsonLine(t, account("tez@x.example", nil, []map[string]any{order("TEZ-100001", sim(1))})),                                 // 8
		`{"email": "huge@x.example", "fullName": "` + strings.Repeat("x", legacy.MaxLine) + `"}`,                                  // 9
		`{"email": "typo@x.example", "sim_cards": []}`,                                                                            // 10
		`{"email": "nul@x.example", "fullName": "Anna\u0000K"}`,                                                                   // 11
		jsonLine(t, account("unknown@x.example", []map[string]any{simCard(iccid.WithCheckDigit("899970500000999999"), "")}, nil)), // 12
		jsonLine(t, account("total@x.example", nil, []map[string]any{with(order("OLD-X-1", sim(1)), "total", "20.00")})),          // 13
		jsonLine(t, account("unverified@x.example", []map[string]any{simCard(sim(6), "2020-02-02T00:00:00Z")}, nil)),              // 14: kept, waits
		jsonLine(t, account("claims@x.example", []map[string]any{simCard(sim(1), "2018-01-01T00:00:00Z")}, nil)),                  // 15: anna's SIM
		jsonLine(t, account("twice@x.example", []map[string]any{simCard(sim(7), ""), simCard(sim(7), "")}, nil)),                  // 16
		"",
	}
	file := strings.Join(lines, "\n")
	res := f.importText(file)

	wantBad := map[int]string{
		3: "not a valid account", 4: "in the future", 5: "check digit", 6: "held by another account", 7: "on line 1 already",
		8: "must not start with TEZ-", 9: "longer than", 10: `unknown field "sim_cards"`, 11: "NUL", 12: "no SIM card",
		13: "less than the sum of the lines", 15: "on line 1 already, for another email", 16: "is simCards[0] too",
	}
	if len(res.Bad) != len(wantBad) {
		t.Errorf("%d bad lines, want %d: %+v", len(res.Bad), len(wantBad), res.Bad)
	}
	for _, b := range res.Bad {
		if want, ok := wantBad[b.Line]; !ok || !strings.Contains(b.Reason, want) {
			t.Errorf("line %d refused for %q, want a reason with %q", b.Line, b.Reason, want)
		}
	}
	if res.Format != "jsonl" || res.Lines != 16 {
		t.Errorf("format %s, %d lines; want jsonl, 16", res.Format, res.Lines)
	}
	wantStored := store.LegacyCounts{Accounts: 3, SIMs: 3, Orders: 2, Items: 6}
	wantAttached := store.LegacyCounts{Accounts: 1, SIMs: 1, Orders: 1, Addresses: 2}
	if res.Stored != wantStored || res.Attached != wantAttached {
		t.Errorf("stored %+v, attached %+v; want %+v and %+v", res.Stored, res.Attached, wantStored, wantAttached)
	}

	t.Run("a verified account has it all at once", func(t *testing.T) {
		var s struct {
			UserID     int64     `db:"user_id"`
			OwnedSince time.Time `db:"owned_since"`
			Label      string
		}
		if err := f.db.Get(&s, `SELECT user_id, owned_since, label FROM sim_cards WHERE iccid = $1`, sim(2)); err != nil {
			t.Fatal(err)
		}
		if s.UserID != verifiedID || !s.OwnedSince.Equal(time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)) || s.Label != "Europe trip" {
			t.Errorf("SIM 2: %+v, want the verified account's since 2019-01-01, labelled", s)
		}
		if n := f.count(`SELECT count(*) FROM orders WHERE user_id = $1 AND number = 'OLD-2019-0001'`, verifiedID); n != 1 {
			t.Errorf("the old order is not the account's")
		}
		if n := f.count(`SELECT count(*) FROM addresses WHERE user_id = $1`, verifiedID); n != 2 {
			t.Errorf("%d addresses, want 2", n)
		}
		var name, phone string
		f.db.QueryRowx(`SELECT full_name, phone FROM users WHERE id = $1`, verifiedID).Scan(&name, &phone)
		if name != "Anna K" || phone != "+79161234567" {
			t.Errorf("profile %q %q, want the old one where it was empty", name, phone)
		}
	})

	t.Run("an old order keeps its lines, a gone SKU without a product", func(t *testing.T) {
		var o struct {
			Status, Currency   string
			Subtotal, Fee, Tot int64
			PaidAt             *time.Time `db:"paid_at"`
		}
		if err := f.db.Get(&o, `SELECT status, currency, subtotal, shipping_fee AS fee, total AS tot, paid_at FROM orders WHERE number = 'OLD-2018-0042'`); err != nil {
			t.Fatal(err)
		}
		if o.Status != "FULFILLED" || o.Subtotal != 2850 || o.Fee != 500 || o.Tot != 3350 || o.PaidAt == nil {
			t.Errorf("order %+v, want FULFILLED 28.50 + 5.00 shipping = 33.50, paid", o)
		}
		var gone []struct {
			SKU       string `db:"sku"`
			Name      string
			UnitPrice int64 `db:"unit_price"`
		}
		f.db.Select(&gone, `SELECT i.sku, i.name, i.unit_price FROM order_items i JOIN orders o ON o.id = i.order_id
			WHERE o.number = 'OLD-2018-0042' AND i.product_id IS NULL`)
		if len(gone) != 1 || gone[0].SKU != "CASE-OLD" || gone[0].Name != "SIM card case" || gone[0].UnitPrice != 350 {
			t.Errorf("lines without a product: %+v, want the case at 3.50", gone)
		}
	})

	t.Run("nothing attaches to an unverified account or a stranger", func(t *testing.T) {
		var owner *int64
		f.db.Get(&owner, `SELECT user_id FROM sim_cards WHERE iccid = $1`, sim(6))
		if owner != nil {
			t.Errorf("SIM 6 went to %d before its email was verified", *owner)
		}
		f.db.Get(&owner, `SELECT user_id FROM sim_cards WHERE iccid = $1`, sim(4))
		if owner == nil || *owner != otherID {
			t.Errorf("someone else's SIM moved: %v", owner)
		}
		if n := f.count(`SELECT count(*) FROM orders WHERE number = 'OLD-2018-0042' AND user_id IS NULL`); n != 1 {
			t.Errorf("anna's old order has an owner before anna verified")
		}
	})

	t.Run("importing again changes nothing", func(t *testing.T) {
		tables := `SELECT (SELECT count(*) FROM legacy_accounts) + (SELECT count(*) FROM legacy_sim_owners) * 100
			+ (SELECT count(*) FROM orders) * 10000 + (SELECT count(*) FROM order_items) * 1000000 + (SELECT count(*) FROM addresses) * 100000000`
		before := f.count(tables)
		again := f.importText(file)
		if again.Stored != (store.LegacyCounts{}) || again.Attached != (store.LegacyCounts{}) || len(again.Bad) != len(wantBad) {
			t.Errorf("second import stored %+v, attached %+v, %d bad lines", again.Stored, again.Attached, len(again.Bad))
		}
		if after := f.count(tables); after != before {
			t.Errorf("rows %d after, %d before", after, before)
		}
	})

	t.Run("verifying brings the waiting account in one go, once", func(t *testing.T) {
		annaID := f.user("anna@x.example", false)
		f.db.MustExec(`INSERT INTO addresses (user_id, recipient_name, line1, city, postal_code, country_code) VALUES ($1, 'A', 'New 1', 'Almaty', '050000', 'KZ')`, annaID)
		f.verify(annaID, "anna@x.example")
		var since time.Time
		f.db.Get(&since, `SELECT owned_since FROM sim_cards WHERE iccid = $1 AND user_id = $2`, sim(1), annaID)
		if !since.Equal(time.Date(2018, 6, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("SIM 1 owned since %v, want 2018-06-01 from the file", since)
		}
		if n := f.count(`SELECT count(*) FROM orders WHERE user_id = $1`, annaID); n != 1 {
			t.Errorf("%d orders, want the old one", n)
		}
		if n := f.count(`SELECT count(*) FROM addresses WHERE user_id = $1`, annaID); n != 1 {
			t.Errorf("%d addresses, want only the account's own (it had one)", n)
		}
		f.verify(annaID, "anna@x.example") // a replayed verification
		f.importText(file)                 // and the file once more
		if n := f.count(`SELECT count(*) FROM addresses WHERE user_id = $1`, annaID); n != 1 {
			t.Errorf("%d addresses after replays, want 1", n)
		}
	})

	t.Run("an unverified account keeps waiting", func(t *testing.T) {
		if n := f.count(`SELECT count(*) FROM sim_cards WHERE user_id = $1`, unverifiedID); n != 0 {
			t.Errorf("the unverified account has %d SIMs", n)
		}
		if n := f.count(`SELECT count(*) FROM legacy_sim_owners WHERE email = 'unverified@x.example' AND claimed_at IS NULL`); n != 1 {
			t.Errorf("the unverified account's SIM does not wait")
		}
	})
}

func TestImportCSV(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	verifiedID := f.user("verified@x.example", true)
	otherID := f.user("other@x.example", true)
	f.db.MustExec(`UPDATE sim_cards SET user_id = $1, owned_since = now() WHERE iccid = $2`, otherID, sim(4))
	badDigit := sim(1)[:18] + string('0'+(sim(1)[18]-'0'+1)%10)
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)

	csv := strings.Join([]string{
		"email,iccid,label,owned_since",
		"old@x.example," + sim(1) + ",Mum's phone,2017-03-01T00:00:00Z",       // 2: kept, waits
		"Verified@x.example, " + sim(2) + " ,Tablet,2016-01-01T00:00:00Z",     // 3: kept, attached at once
		"verified@x.example," + sim(4) + ",Not yours,",                        // 4: someone else's SIM
		"not an email," + sim(3) + ",x,",                                      // 5
		"old@x.example," + badDigit + ",x,",                                   // 6
		"old@x.example," + sim(3) + "," + strings.Repeat("л", 41) + ",",       // 7: label too long
		"old@x.example," + iccid.WithCheckDigit("899970500000999999") + ",x,", // 8: no such SIM
		"old@x.example," + sim(1) + ",again,",                                 // 9: repeats line 2
		"old@x.example",                                                       // 10: one field
		"old@x.example," + sim(5) + ",x," + future,                            // 11: in the future
		"old@x.example," + sim(6) + ",\"never closed,",                        // 12: a quote that never closes
		"",
	}, "\n")
	res := f.importText(csv)
	var lines []int
	for _, b := range res.Bad {
		lines = append(lines, b.Line)
	}
	if fmt.Sprint(lines) != "[4 5 6 7 8 9 10 11 12]" || res.Lines != 11 || res.Stored.SIMs != 2 || res.Attached.SIMs != 1 {
		t.Fatalf("import = %+v (bad lines %v), want 2 stored, 1 attached, lines 4-12 bad", res, lines)
	}
	var s struct {
		UserID     *int64    `db:"user_id"`
		Label      string    `db:"label"`
		OwnedSince time.Time `db:"owned_since"`
	}
	f.db.Get(&s, `SELECT user_id, label, owned_since FROM sim_cards WHERE iccid = $1`, sim(2))
	if s.UserID == nil || *s.UserID != verifiedID || s.Label != "Tablet" || s.OwnedSince.Year() != 2016 {
		t.Errorf("the verified email's SIM: %+v, want attached with its label, owned since 2016", s)
	}
	if again := f.importText(csv); again.Stored.SIMs != 0 || again.Attached.SIMs != 0 || len(again.Bad) != 9 {
		t.Errorf("second import = %+v", again)
	}

	t.Run("the header of three columns still works", func(t *testing.T) {
		res := f.importText("email,iccid,label\nthree@x.example," + sim(7) + ",Old\n")
		if len(res.Bad) != 0 || res.Stored.SIMs != 1 {
			t.Errorf("import = %+v", res)
		}
	})
	t.Run("a wrong header is refused", func(t *testing.T) {
		if _, err := legacy.Import(context.Background(), f.st, strings.NewReader("iccid,email\n")); err == nil {
			t.Error("no error for a wrong header")
		}
	})
}

// Two operators starting the same import at once end as one import: the
// batches take turns, and the second finds everything there.
func TestConcurrentImports(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var lines []string
	for n := 1; n <= 9; n++ {
		lines = append(lines, jsonLine(t, account(fmt.Sprintf("c%d@x.example", n), []map[string]any{simCard(sim(n), "2018-01-01T00:00:00Z")},
			[]map[string]any{order(fmt.Sprintf("OLD-C-%d", n), sim(n))})))
	}
	file := strings.Join(lines, "\n")
	var wg sync.WaitGroup
	results := make([]legacy.Result, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Go(func() {
			results[i], errs[i] = legacy.Import(context.Background(), f.st, strings.NewReader(file))
		})
	}
	wg.Wait()
	var orders int64
	for i, r := range results {
		if errs[i] != nil || len(r.Bad) != 0 {
			t.Errorf("import %d: %v, bad %+v", i, errs[i], r.Bad)
		}
		orders += r.Stored.Orders
	}
	if orders != 9 || f.count(`SELECT count(*) FROM orders`) != 9 || f.count(`SELECT count(*) FROM legacy_sim_owners`) != 9 {
		t.Errorf("%d orders stored by the imports, want 9 in all", orders)
	}
}

// A customer who verifies while a batch naming them is being written waits
// for the batch and then gets all of it: the claim never runs on half an
// import, and never misses it.
func TestVerificationDuringAnImportBatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	annaID := f.user("anna@x.example", false)
	batch, err := f.db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Rollback()
	if err := f.st.LockLegacyImport(ctx, batch); err != nil {
		t.Fatal(err)
	}
	acct := store.LegacyAccount{Email: "anna@x.example", Profile: &store.LegacyProfile{FullName: "Anna K"},
		SIMs: []store.LegacySIM{{ICCID: sim(1), Label: "Old"}}}
	if _, err := f.st.StoreLegacyAccounts(ctx, batch, []store.LegacyAccount{acct}); err != nil {
		t.Fatal(err)
	}

	claimed := make(chan store.LegacyCounts, 1)
	go func() {
		var c store.LegacyCounts
		err := f.st.InTx(ctx, func(tx store.Querier) error {
			if err := f.st.WaitForLegacyImport(ctx, tx); err != nil {
				return err
			}
			if _, err := f.st.MarkEmailVerified(ctx, tx, annaID, "anna@x.example"); err != nil {
				return err
			}
			var err error
			c, err = f.st.ClaimLegacy(ctx, tx, []string{"anna@x.example"})
			return err
		})
		if err != nil {
			t.Error(err)
		}
		claimed <- c
	}()
	deadline := time.Now().Add(10 * time.Second)
	for f.count(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 7170001 AND NOT granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the verification did not wait for the batch")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := batch.Commit(); err != nil {
		t.Fatal(err)
	}
	if c := <-claimed; c.SIMs != 1 || c.Accounts != 1 {
		t.Errorf("the verification claimed %+v, want the SIM and the profile the batch wrote", c)
	}
}

// An account deleted after its old account joined it: importing the file
// again reports nothing, brings nothing back, and a new account of the
// same email gets nothing of it.
func TestImportAgainAfterTheAccountWasDeleted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	file := jsonLine(t, account("anna@x.example", []map[string]any{simCard(sim(1), "2018-06-01T00:00:00Z")},
		[]map[string]any{order("OLD-2018-0042", sim(1))}))
	f.importText(file)
	annaID := f.user("anna@x.example", false)
	f.verify(annaID, "anna@x.example")
	if err := f.st.InTx(ctx, func(tx store.Querier) error { return f.st.EraseAccount(ctx, tx, annaID, "anna@x.example") }); err != nil {
		t.Fatal(err)
	}
	again := f.importText(file)
	if len(again.Bad) != 0 || again.Stored != (store.LegacyCounts{}) || again.Attached != (store.LegacyCounts{}) {
		t.Errorf("import after the deletion: %+v", again)
	}
	newID := f.user("anna@x.example", false)
	f.verify(newID, "anna@x.example")
	if n := f.count(`SELECT (SELECT count(*) FROM sim_cards WHERE user_id = $1) + (SELECT count(*) FROM orders WHERE user_id = $1)
		+ (SELECT count(*) FROM addresses WHERE user_id = $1)`, newID); n != 0 {
		t.Errorf("the new account of the email has %d SIMs, orders and addresses of the old one", n)
	}
}
