package journey

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/legacy"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
)

// importOldAccounts is the operator's `tez legacy import FILE`: the file
// written to disk, opened, and run through the command's code
// (legacy.Run). It answers what the command prints on stdout and stderr.
func (s *shop) importOldAccounts(accounts ...map[string]any) (stdout, stderr string) {
	s.t.Helper()
	var file bytes.Buffer
	for _, a := range accounts {
		line, err := json.Marshal(a)
		if err != nil {
			s.t.Fatal(err)
		}
		file.Write(append(line, '\n'))
	}
	path := filepath.Join(s.t.TempDir(), "old-accounts.jsonl")
	if err := os.WriteFile(path, file.Bytes(), 0o600); err != nil {
		s.t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer f.Close()
	var out, errOut strings.Builder
	if err := legacy.Run(context.Background(), store.New(s.api.DB), f, &out, &errOut); err != nil {
		s.t.Fatalf("tez legacy import: %v\n%s", err, errOut.String())
	}
	return out.String(), errOut.String()
}

// changeEmail changes the account's email in My account and confirms the
// new address with the link mailed to it.
func (c *customer) changeEmail(to string) {
	c.shop.t.Helper()
	var out struct {
		EmailChange struct{ UserErrors []userError }
	}
	c.query(`mutation($e: String!, $p: String!) { emailChange(input: { newEmail: $e, currentPassword: $p }) { userErrors { field message code } } }`,
		map[string]any{"e": to, "p": c.Password}, &out)
	noUserErrors(c.shop.t, "emailChange", out.EmailChange.UserErrors)
	c.Email = to
	c.confirmEmail()
}

// oldAccount is the line of the old system's export for Anna: two
// addresses, the old system's first demo SIM (owned since ownedSince) and
// two orders: a fulfilled one with a product still sold, a voucher for the
// SIM and a product the shop no longer has; an unpaid one.
func oldAccount(email string, ownedSince time.Time) map[string]any {
	sim := seed.DemoOldSystemSIMs()[0]
	home := map[string]any{"recipientName": "Anna K", "line1": "Tverskaya 7", "line2": nil, "city": "Moscow", "region": nil,
		"postalCode": "125009", "countryCode": "RU", "phone": "+74951234567", "isDefault": true}
	return map[string]any{
		"email": email, "fullName": "Anna K", "phone": "+79161234567",
		"addresses": []any{home, map[string]any{"recipientName": "Anna K", "line1": "Nevsky 20", "city": "Saint Petersburg",
			"postalCode": "191186", "countryCode": "RU", "isDefault": false}},
		"simCards": []any{map[string]any{"iccid": sim, "label": "Europe trip", "ownedSince": ownedSince.Format(time.RFC3339)}},
		"orders": []any{
			map[string]any{"number": "OLD-2018-0042", "placedAt": "2018-05-30T10:00:00Z", "status": "FULFILLED", "currency": "USD",
				"total": "33.50", "shippingAddress": home, "items": []any{
					map[string]any{"sku": "SIM-EUROPE", "name": "Europe travel SIM", "quantity": 1, "unitPrice": "15.00"},
					map[string]any{"sku": "TOPUP-10", "name": "Top-up voucher 10", "quantity": 1, "unitPrice": "10.00", "iccid": sim},
					map[string]any{"sku": "CASE-2018", "name": "Leather SIM case", "quantity": 1, "unitPrice": "3.50"},
				}},
			map[string]any{"number": "OLD-2019-0007", "placedAt": "2019-02-01T09:00:00Z", "status": "PENDING_PAYMENT", "currency": "USD",
				"total": "10.00", "items": []any{
					map[string]any{"sku": "TOPUP-10", "name": "Top-up voucher 10", "quantity": 1, "unitPrice": "10.00", "iccid": sim},
				}},
		},
	}
}

// oldOrder is an order as My orders shows an imported one.
type oldOrder struct {
	ID, Number, Status, CreatedAt string
	ImportedAt                    *string
	Subtotal, ShippingFee, Total  money
	AvailableActions              []string
	ShippingAddress               *struct{ City string }
	Items                         []struct {
		SKU, Name string
		Quantity  int
		ICCID     *string
		UnitPrice money
		Product   *struct{ SKU string }
	}
}

const oldOrdersDoc = `{ me { orders(first: 50) { edges { node { id number status createdAt importedAt
	subtotal { amount currencyCode } shippingFee { amount currencyCode } total { amount currencyCode }
	availableActions shippingAddress { city }
	items { sku name quantity iccid unitPrice { amount currencyCode } product { sku } } } } } } }`

func (c *customer) oldOrders() map[string]oldOrder {
	c.shop.t.Helper()
	var out struct {
		Me struct {
			Orders struct{ Edges []struct{ Node oldOrder } }
		}
	}
	c.query(oldOrdersDoc, nil, &out)
	byNumber := map[string]oldOrder{}
	for _, e := range out.Me.Orders.Edges {
		byNumber[e.Node.Number] = e.Node
	}
	return byNumber
}

// sessionStarts answers when each session of My history began.
func sessionStarts(h history) []time.Time {
	var starts []time.Time
	for _, e := range h.UsageSessions.Edges {
		starts = append(starts, e.Node.StartedAt)
	}
	return starts
}

type addressAnswer struct {
	Me struct {
		FullName, Phone *string
		Addresses       []struct {
			RecipientName, Line1, City, PostalCode, CountryCode string
			Phone                                               *string
			IsDefault                                           bool
		}
	}
}

const addressesDoc = `{ me { fullName phone addresses { recipientName line1 city postalCode countryCode phone isDefault } } }`

// "All the history of your SIM cards is kept": the operator imports the
// old system's export; Anna registers with her old email, reads the mail,
// follows the link and confirms; then My numbers has her old SIM, My
// history its sessions since the old account got it (and none before),
// My orders her old orders with their lines, status and totals, which
// never offer Pay and can be bought again, and My addresses her old
// address book.
func TestOldAccountJoinsWithRegistration(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	sim := seed.DemoOldSystemSIMs()[0]
	ownedSince := time.Now().UTC().AddDate(0, 0, -45).Truncate(24 * time.Hour)
	tooLate := oldAccount("late@journey.example", time.Now().Add(72*time.Hour))
	tooLate["simCards"].([]any)[0].(map[string]any)["iccid"] = seed.DemoOldSystemSIMs()[1]
	tooLate["orders"] = []any{}

	out, errOut := s.importOldAccounts(oldAccount("anna.old@journey.example", ownedSince), tooLate)
	if !strings.HasPrefix(out, "jsonl: 2 lines, 1 skipped; new or changed: 1 accounts, 1 SIM cards, 2 orders (4 lines);") {
		t.Errorf("the import's summary: %q", out)
	}
	if !strings.HasPrefix(errOut, "line 2: simCards[0].ownedSince: ") || !strings.Contains(errOut, "is in the future") {
		t.Errorf("the import's report of the bad line: %q", errOut)
	}

	anna := s.signUp("anna.old@journey.example", "a long new passphrase", "")
	if n, o := anna.myNumbers(), anna.myOrders(); len(n) != 0 || len(o) != 0 {
		t.Fatalf("before confirming the email: My numbers %+v, My orders %+v; want nothing yet", n, o)
	}
	anna.confirmEmail().mustSay("Your email is confirmed")

	numbers := anna.myNumbers()
	if len(numbers) != 1 || numbers[0].ICCID != sim || numbers[0].Label == nil || *numbers[0].Label != "Europe trip" {
		t.Fatalf("My numbers = %+v, want the old SIM %s labelled Europe trip", numbers, sim)
	}

	t.Run("My history since the old account got the SIM", func(t *testing.T) {
		shown := sessionStarts(anna.history(sim, ownedSince.AddDate(0, 0, -40), time.Now().Add(time.Hour)))
		if len(shown) < 30 {
			t.Fatalf("My history shows %d sessions of the last 45 days, want about one a day", len(shown))
		}
		oldest := slices.MinFunc(shown, func(a, b time.Time) int { return a.Compare(b) })
		if oldest.Before(ownedSince) || oldest.After(ownedSince.AddDate(0, 0, 3)) {
			t.Errorf("the oldest session shown starts %s; want the first days after %s", oldest, ownedSince)
		}
		if before := sessionStarts(anna.history(sim, ownedSince.AddDate(0, 0, -40), ownedSince)); len(before) != 0 {
			t.Errorf("My history before the old account had the SIM shows %d sessions", len(before))
		}
	})

	old := anna.oldOrders()
	t.Run("My orders: the old orders, as they were", func(t *testing.T) {
		o, ok := old["OLD-2018-0042"]
		if !ok || o.Status != "FULFILLED" || o.ImportedAt == nil || !strings.HasPrefix(o.CreatedAt, "2018-05-30T10:00:00") ||
			o.Subtotal.String() != "28.50 USD" || o.ShippingFee.String() != "5.00 USD" || o.Total.String() != "33.50 USD" ||
			o.ShippingAddress == nil || o.ShippingAddress.City != "Moscow" || len(o.Items) != 3 {
			t.Fatalf("OLD-2018-0042 = %+v", o)
		}
		europe, voucher, gone := o.Items[0], o.Items[1], o.Items[2]
		if europe.Product == nil || europe.Product.SKU != "SIM-EUROPE" || europe.UnitPrice.String() != "15.00 USD" {
			t.Errorf("the Europe SIM line: %+v", europe)
		}
		if voucher.ICCID == nil || *voucher.ICCID != sim {
			t.Errorf("the voucher line: %+v, want it to name %s", voucher, sim)
		}
		if gone.Product != nil || gone.SKU != "CASE-2018" || gone.Name != "Leather SIM case" || gone.UnitPrice.String() != "3.50 USD" {
			t.Errorf("the line of a product the shop no longer has: %+v, want its name and price, product null", gone)
		}
		for number, o := range old {
			if !slices.Equal(o.AvailableActions, []string{"REORDER"}) {
				t.Errorf("%s offers %v, want only buy again", number, o.AvailableActions)
			}
		}
		if p := old["OLD-2019-0007"]; p.Status != "PENDING_PAYMENT" {
			t.Errorf("the unpaid old order: %+v", p)
		}
	})

	t.Run("an old order is never paid", func(t *testing.T) {
		var out struct{ OrderPay paymentPayload }
		anna.query(`mutation($id: ID!) { orderPay(input: { orderId: $id }) { payment { status } userErrors { field message code } } }`,
			map[string]any{"id": old["OLD-2019-0007"].ID}, &out)
		if out.OrderPay.Payment != nil || len(out.OrderPay.UserErrors) != 1 || !strings.Contains(out.OrderPay.UserErrors[0].Message, "old account") {
			t.Errorf("orderPay on an old unpaid order: %+v", out.OrderPay)
		}
	})

	t.Run("the order page of an old unpaid order offers no Pay", func(t *testing.T) {
		shown := anna.open(s.api.URL+"/account/orders/OLD-2019-0007").submit("Sign in and show the order",
			map[string]string{"email": anna.Email, "password": anna.Password})
		shown.mustSay("Order OLD-2019-0007", "order of the old account", "Top-up voucher 10", "10.00 USD")
		if shown.forms() != 0 {
			t.Errorf("the page of an old order offers a form (Pay)")
		}
	})

	t.Run("buy again, with what the shop still sells", func(t *testing.T) {
		var out struct {
			OrderReorder struct {
				Order        *order
				DroppedItems []struct {
					Item   struct{ SKU string }
					Reason string
				}
				UserErrors []userError
			}
		}
		anna.query(`mutation($id: ID!) { orderReorder(input: { orderId: $id }) { order { `+orderFields+` }
			droppedItems { item { sku } reason } userErrors { field message code } } }`,
			map[string]any{"id": old["OLD-2018-0042"].ID}, &out)
		noUserErrors(t, "orderReorder", out.OrderReorder.UserErrors)
		again := out.OrderReorder.Order
		if again == nil || !strings.HasPrefix(again.Number, "TEZ-") || again.Status != "PENDING_PAYMENT" ||
			!slices.Contains(again.AvailableActions, "PAY") || len(again.Items) != 2 {
			t.Fatalf("the new order: %+v", again)
		}
		if again.Items[0].Product.SKU != "SIM-EUROPE" || again.Items[1].Product.SKU != "TOPUP-10" || again.Items[1].ICCID == nil || *again.Items[1].ICCID != sim {
			t.Errorf("the new order's lines: %+v", again.Items)
		}
		if d := out.OrderReorder.DroppedItems; len(d) != 1 || d[0].Item.SKU != "CASE-2018" || d[0].Reason == "" {
			t.Errorf("dropped: %+v, want the case the shop no longer sells", d)
		}
	})

	t.Run("My addresses and My account: the old ones", func(t *testing.T) {
		var a addressAnswer
		anna.query(addressesDoc, nil, &a)
		if len(a.Me.Addresses) != 2 || a.Me.FullName == nil || *a.Me.FullName != "Anna K" || a.Me.Phone == nil || *a.Me.Phone != "+79161234567" {
			t.Fatalf("me = %+v, want the old name, phone and two addresses", a.Me)
		}
		defaults := 0
		for _, ad := range a.Me.Addresses {
			if ad.IsDefault {
				defaults++
				if ad.City != "Moscow" || ad.PostalCode != "125009" || ad.Phone == nil || *ad.Phone != "+74951234567" {
					t.Errorf("the default address: %+v", ad)
				}
			}
		}
		if defaults != 1 {
			t.Errorf("%d default addresses, want the old one", defaults)
		}
	})

	t.Run("importing the file again changes nothing", func(t *testing.T) {
		out, _ := s.importOldAccounts(oldAccount("anna.old@journey.example", ownedSince), tooLate)
		if !strings.Contains(out, "new or changed: 0 accounts, 0 SIM cards, 0 orders (0 lines); attached at once to verified accounts: 0 SIM cards, 0 orders, 0 addresses") {
			t.Errorf("the second import: %q", out)
		}
		var a addressAnswer
		anna.query(addressesDoc, nil, &a)
		if len(a.Me.Addresses) != 2 || len(anna.oldOrders()) != 3 { // the two old ones and the one bought again
			t.Errorf("after the second import: %d addresses, %d orders", len(a.Me.Addresses), len(anna.oldOrders()))
		}
	})
}

// The old account belongs to whoever proves the email: someone who
// registers with Anna's address cannot confirm it and gets nothing; moving
// that account to an address of their own brings nothing along, and the
// link Anna got for it does nothing any more. Anna then registers herself,
// confirms, and has it all; an account verified before the import gets
// its old account at once.
func TestOldAccountJoinsOnlyTheVerifiedOwner(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	ownedSince := time.Now().UTC().AddDate(0, 0, -30)
	s.importOldAccounts(oldAccount("anna.old@journey.example", ownedSince))

	squatter := s.signUp("anna.old@journey.example", "a long new passphrase", "Not Anna")
	squatter.changeEmail("mallory@journey.example")
	var me meAnswer
	squatter.query(meDoc, nil, &me)
	if me.Me.Email != "mallory@journey.example" || !me.Me.EmailVerified {
		t.Fatalf("after the email change: %+v", me.Me)
	}
	if n, o := squatter.myNumbers(), squatter.myOrders(); len(n) != 0 || len(o) != 0 {
		t.Fatalf("an account that never proved the old email has %d SIMs and %d orders of it", len(n), len(o))
	}

	// The verification mail of the squatter's registration reached Anna;
	// its link no longer stands for the account's address: it confirms
	// nothing (its page may offer no button at all) and attaches nothing.
	anna := s.visitor("anna.old@journey.example")
	refused := anna.open(s.mail("anna.old@journey.example").link())
	if refused.forms() > 0 {
		refused = refused.submit("Confirm my email", nil)
	}
	refused.mustNotSay("Your email is confirmed")
	if n := squatter.myNumbers(); len(n) != 0 {
		t.Fatalf("the old verification link moved SIMs to the squatter: %+v", n)
	}
	if notice := s.mail("anna.old@journey.example"); !strings.Contains(notice.Text, "mallory@journey.example") {
		t.Errorf("the notice of the change to the old address: %q", notice.Text)
	}

	anna = s.signUp("anna.old@journey.example", "another long passphrase", "")
	anna.confirmEmail()
	if n, o := anna.myNumbers(), anna.oldOrders(); len(n) != 1 || len(o) != 2 {
		t.Fatalf("Anna, verified: %d SIMs, %d orders; want her old SIM and two old orders", len(n), len(o))
	}

	// Anna moves to a new address later: what she has stays hers.
	anna.changeEmail("anna.new@journey.example")
	if n, o := anna.myNumbers(), anna.oldOrders(); len(n) != 1 || len(o) != 2 {
		t.Fatalf("after Anna's email change: %d SIMs, %d orders", len(n), len(o))
	}

	// Bob is verified already when the operator imports his old account.
	bob := s.member("bob.old@journey.example", "a long new passphrase", "")
	bobs := oldAccount("bob.old@journey.example", ownedSince)
	bobs["simCards"].([]any)[0].(map[string]any)["iccid"] = seed.DemoOldSystemSIMs()[1]
	bobs["orders"] = []any{}
	out, _ := s.importOldAccounts(bobs)
	if !strings.Contains(out, "attached at once to verified accounts: 1 SIM cards, 0 orders, 2 addresses") {
		t.Errorf("the import for a verified account: %q", out)
	}
	if n := bob.myNumbers(); len(n) != 1 || n[0].ICCID != seed.DemoOldSystemSIMs()[1] {
		t.Errorf("Bob's My numbers right after the import: %+v", n)
	}
}

// The by-hand guide (docs/demo.md) imports an old account line naming the
// demo's old-system SIM: the line must stay one the import takes.
func TestDemoGuideOldAccountLineImports(t *testing.T) {
	t.Parallel()
	guide, err := os.ReadFile("../../docs/demo.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(guide), "cat > old.jsonl <<'EOF'\n")
	line, _, _ := strings.Cut(rest, "\n")
	var account map[string]any
	if !ok || json.Unmarshal([]byte(line), &account) != nil || !strings.Contains(line, seed.DemoOldSystemSIMs()[0]) {
		t.Fatalf("docs/demo.md has no old account line naming %s", seed.DemoOldSystemSIMs()[0])
	}
	s := newShop(t)
	if out, errOut := s.importOldAccounts(account); !strings.HasPrefix(out, "jsonl: 1 lines, 0 skipped;") {
		t.Errorf("importing the guide's line: %s%s", out, errOut)
	}
}
