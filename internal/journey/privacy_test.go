package journey

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/seed"
)

// accountExport is the data export as the customer opens it.
type accountExport struct {
	Profile   struct{ Email string }
	Addresses []struct {
		City string `json:"city"`
	}
	SimCards []struct {
		ICCID  string `json:"iccid"`
		Label  string `json:"label"`
		Ledger []json.RawMessage
	}
	UsageSessions []json.RawMessage
	Orders        []struct {
		Number string `json:"number"`
		Items  []json.RawMessage
	}
	Sessions []json.RawMessage
	Emails   []struct{ Subject string }
}

// deleteAccount asks to delete the account with password.
func (c *customer) deleteAccount(password string) []userError {
	c.shop.t.Helper()
	var out struct {
		AccountDelete struct{ UserErrors []userError }
	}
	c.query(`mutation($p: String!) { accountDelete(input: { password: $p }) { userErrors { field message code } } }`,
		map[string]any{"p": password}, &out)
	return out.AccountDelete.UserErrors
}

// Nadia came from the old account system, added a SIM and ordered in the
// shop. She takes all her data home, then deletes the account; later she
// registers again with the same email and finds an empty account.
func TestMyDataExportedThenTheAccountDeleted(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	const email = "nadia@journey.example"
	old := oldAccount(email, time.Now().UTC().AddDate(0, 0, -30))
	s.importOldAccounts(old)
	nadia := s.member(email, "a long new passphrase", "Nadia")
	stock := seed.DemoStock()[0]
	nadia.addStock(stock)
	nadia.checkout(map[string]any{"shippingAddress": berlin, "lines": []any{map[string]any{"sku": "ACC-HOLDER-CASE", "quantity": 1}}})
	numbers, orders := nadia.myNumbers(), nadia.myOrders()
	if len(numbers) != 2 || len(orders) != 3 {
		t.Fatalf("before: %d SIMs, %d orders; want the old SIM and the added one, two old orders and the new one", len(numbers), len(orders))
	}

	t.Run("the export holds every SIM and every order", func(t *testing.T) {
		status, header, body := nadia.download("/export/account.json")
		if status != http.StatusOK || header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("download: %d %s", status, body)
		}
		var d accountExport
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		var sims, nums []string
		for _, x := range d.SimCards {
			sims = append(sims, x.ICCID)
		}
		for _, x := range numbers {
			nums = append(nums, x.ICCID)
		}
		if !slices.Equal(sims, nums) || d.Profile.Email != email || len(d.UsageSessions) == 0 || len(d.Sessions) == 0 {
			t.Errorf("export: SIMs %v (My numbers %v), profile %q, %d sessions of usage, %d devices", sims, nums, d.Profile.Email, len(d.UsageSessions), len(d.Sessions))
		}
		exported := map[string]int{}
		for _, o := range d.Orders {
			exported[o.Number] = len(o.Items)
		}
		for _, o := range orders {
			if exported[o.Number] != len(o.Items) {
				t.Errorf("order %s: %d lines in the export, %d in My orders", o.Number, exported[o.Number], len(o.Items))
			}
		}
		if len(d.Orders) != len(orders) {
			t.Errorf("%d orders exported, %d in My orders", len(d.Orders), len(orders))
		}
		s.mailAbout(email, "Your TEZ Telecom data was downloaded")
	})

	t.Run("a wrong password deletes nothing", func(t *testing.T) {
		errs := nadia.deleteAccount("not my password")
		if len(errs) != 1 || errs[0].Code != "INVALID_CREDENTIALS" {
			t.Fatalf("wrong password: %+v, want INVALID_CREDENTIALS", errs)
		}
		if len(nadia.myNumbers()) != 2 {
			t.Fatal("a refused deletion changed My numbers")
		}
	})

	t.Run("deleted: signed out, told by email", func(t *testing.T) {
		noUserErrors(t, "accountDelete", nadia.deleteAccount(nadia.Password))
		if me := nadia.me(); me != nil {
			t.Errorf("the deleted account's token still answers me: %+v", me)
		}
		if got := nadia.signIn(nadia.Password); got.Token != nil {
			t.Error("the deleted account still signs in")
		}
		s.mailAbout(email, "Your TEZ Telecom account was deleted")
	})

	t.Run("the same email registers afresh and sees nothing old", func(t *testing.T) {
		// The operator imports the old system's file again, as it may.
		s.importOldAccounts(old)
		again := s.member(email, "another long passphrase", "")
		var out struct {
			Me struct {
				FullName  *string
				Phone     *string
				Addresses []struct{ ID string }
			}
		}
		again.query(`{ me { fullName phone addresses { id } } }`, nil, &out)
		if n, o := again.myNumbers(), again.myOrders(); len(n)+len(o)+len(out.Me.Addresses) != 0 || out.Me.FullName != nil || out.Me.Phone != nil {
			t.Errorf("the new account sees SIMs %+v, orders %+v, profile %+v", n, o, out.Me)
		}
	})

	t.Run("another account needs the code for a released SIM, and sees none of its past", func(t *testing.T) {
		next := s.signUp("next@journey.example", "a long new passphrase", "")
		if sim, errs := next.addSIM(stock.ICCID, ""); sim != nil || len(errs) != 1 || errs[0].Code != "SIM_NOT_FOUND_OR_CODE_INVALID" {
			t.Fatalf("the released SIM without its code: %+v %+v", sim, errs)
		}
		if _, errs := next.addSIM(stock.ICCID, stock.ActivationCode); len(errs) > 0 {
			t.Fatalf("with its code: %+v", errs)
		}
		if h := next.history(stock.ICCID, time.Now().AddDate(-1, 0, 0), time.Now().Add(time.Hour)); h.Usage.SessionCount != 0 {
			t.Errorf("the next owner sees %d sessions of the deleted account's", h.Usage.SessionCount)
		}
	})
}
