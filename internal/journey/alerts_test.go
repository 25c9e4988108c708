package journey

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/server"
	"github.com/teztelecom/tez/internal/store"
)

// ledgerAdjust is `tez ledger adjust --iccid … --amount … --reason …`, on
// the ledger the command runs (alerts included).
func (s *shop) ledgerAdjust(iccid, amount string) {
	s.t.Helper()
	if _, err := server.NewLedger(s.api.Cfg, store.New(s.api.DB)).Adjust(context.Background(), iccid, amount, "journey", ""); err != nil {
		s.t.Fatalf("tez ledger adjust %s %s: %v", iccid, amount, err)
	}
}

// setAlerts is the SIM's alert settings form: simCardAlertsUpdate.
func (c *customer) setAlerts(simID string, in map[string]any) {
	c.shop.t.Helper()
	in["id"] = simID
	var out struct {
		SimCardAlertsUpdate struct {
			SimCard *struct {
				Alerts struct {
					LowBalanceThreshold *money
				}
			}
			UserErrors []userError
		}
	}
	c.query(`mutation($in: SimCardAlertsUpdateInput!) { simCardAlertsUpdate(input: $in) {
		simCard { alerts { lowBalanceThreshold { amount currencyCode } runOutWarningDays } } userErrors { field message code } } }`,
		map[string]any{"in": in}, &out)
	noUserErrors(c.shop.t, "simCardAlertsUpdate", out.SimCardAlertsUpdate.UserErrors)
}

// spend is a data session of the SIM costing cents, an hour ago, imported
// as the network's file.
func (s *shop) spend(iccid string, n int, cents int64) {
	s.t.Helper()
	start := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	s.importCDRs(cdr{ID: "alerts-" + iccid + "-" + string(rune('a'+n)), ICCID: iccid, Start: start, Minutes: 10,
		Up: 1000, Down: 100000, MCC: "286", MNC: "01", Name: "Turkcell", CostCents: cents})
}

// A customer asks to hear when a SIM's balance gets low. Debits that keep
// it above send nothing; the one that takes it to the threshold sends one
// email naming the SIM, its balance and where to top up; debits after it
// send nothing more. A top-up re-arms the alert, and a SIM that runs dry
// is emailed about too.
func TestLowBalanceAlertEmailsOnce(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	phone := demo.myNumbers()[0]
	var renamed struct {
		SimCardUpdate struct{ UserErrors []userError }
	}
	demo.query(`mutation($id: ID!) { simCardUpdate(input: { id: $id, label: "Anna's travel phone" }) { userErrors { field message code } } }`,
		map[string]any{"id": phone.ID}, &renamed)
	noUserErrors(t, "simCardUpdate", renamed.SimCardUpdate.UserErrors)
	s.ledgerAdjust(phone.ICCID, "10.00") // enough above the threshold, whatever the demo left
	balance := demo.simWithDebt(phone.ICCID).Balance
	threshold := plus(t, balance, "-2.00")
	demo.setAlerts(phone.ID, map[string]any{"lowBalanceThreshold": threshold.Amount})

	s.spend(phone.ICCID, 0, 100) // still 1.00 above
	s.noMail(demo.Email)

	s.spend(phone.ICCID, 1, 150) // 0.50 below: the crossing
	m := s.mailAbout(demo.Email, "low on balance")
	low := plus(t, balance, "-2.50")
	if !strings.Contains(m.Subject, "Anna's travel phone") {
		t.Errorf("the alert's subject %q does not name the SIM", m.Subject)
	}
	for _, want := range []string{"Anna's travel phone", phone.ICCID, low.String(), threshold.String()} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the alert does not say %q:\n%s", want, m.Text)
		}
	}
	if want := topUpPage(s, phone.ICCID); m.link() != want {
		t.Errorf("the alert links to %s, want the SIM's top-up page %s", m.link(), want)
	}
	demo.open(m.link()).mustSay("TEZ Telecom account") // the web account (internal/web)

	s.spend(phone.ICCID, 2, 10) // further below: nothing more
	s.spend(phone.ICCID, 3, 10)
	s.noMail(demo.Email)

	// A top-up back above re-arms it; the next crossing mails again.
	s.ledgerAdjust(phone.ICCID, "5.00")
	s.noMail(demo.Email)
	s.spend(phone.ICCID, 4, 500)
	s.mailAbout(demo.Email, "low on balance")

	// Running dry suspends the SIM, which the owner hears of once.
	left := demo.simWithDebt(phone.ICCID).Balance
	s.spend(phone.ICCID, 5, cents(t, left)+100)
	m = s.mailAbout(demo.Email, "suspended")
	if !strings.Contains(m.Text, "1.00 USD of data used is still owed") {
		t.Errorf("the suspension email does not say what is owed:\n%s", m.Text)
	}
	s.spend(phone.ICCID, 6, 100)
	s.noMail(demo.Email)
	s.ledgerCheck()
}

// cents is a decimal amount with two decimals in cents.
func cents(t testing.TB, m money) int64 {
	t.Helper()
	n, err := strconv.ParseInt(strings.Replace(m.Amount, ".", "", 1), 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", m.Amount, err)
	}
	return n
}

// The run-out warning: at the pace of the last 14 days, the balance lasts
// less than the days the customer chose. It is sent once when the
// projection comes within them, and again only after a top-up took it
// beyond.
func TestRunOutWarningEmailsOnce(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	phone := demo.myNumbers()[0]
	s.ledgerAdjust(phone.ICCID, "300.00") // lasts for months at the demo's pace
	demo.setAlerts(phone.ID, map[string]any{"runOutWarningDays": 7})
	s.spend(phone.ICCID, 0, 100)
	s.noMail(demo.Email)

	// A big trip: what is left lasts hours at this pace.
	left := demo.simWithDebt(phone.ICCID).Balance
	s.spend(phone.ICCID, 1, cents(t, left)-100)
	m := s.mailAbout(demo.Email, "will run out")
	if !strings.Contains(m.Text, "within 7 days") || !strings.Contains(m.Text, "1.00 USD") {
		t.Errorf("the warning does not say the balance and the days:\n%s", m.Text)
	}
	s.spend(phone.ICCID, 2, 10)
	s.noMail(demo.Email)

	s.ledgerAdjust(phone.ICCID, "300.00")
	s.noMail(demo.Email)
	left = demo.simWithDebt(phone.ICCID).Balance
	s.spend(phone.ICCID, 3, cents(t, left)-100)
	s.mailAbout(demo.Email, "will run out")
}

// The projection counts the sessions of the last 14 days by when they
// started: a backlog of older sessions imported today is debited, but is
// not a pace of spending.
func TestRunOutWarningCountsOnlyRecentSessions(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	phone := demo.myNumbers()[0]
	s.ledgerAdjust(phone.ICCID, "300.00")
	demo.setAlerts(phone.ID, map[string]any{"runOutWarningDays": 7})
	left := demo.simWithDebt(phone.ICCID).Balance
	s.importCDRs(cdr{ID: "alerts-backlog", ICCID: phone.ICCID, Start: time.Now().UTC().AddDate(0, 0, -20).Truncate(time.Second),
		Minutes: 30, Up: 1000, Down: 100000, MCC: "286", MNC: "01", Name: "Turkcell", CostCents: cents(t, left) - 5000})
	s.noMail(demo.Email) // 50.00 left would last 7 days only at 100.00 of recent spending

	s.spend(phone.ICCID, 0, 4900) // 49.00 today: 1.00 left at that pace
	s.mailAbout(demo.Email, "will run out")
}

// topUpPage is the web account's page where the owner buys a top-up
// voucher for the SIM, which the alerts link to.
func topUpPage(s *shop, iccid string) string {
	return s.api.Cfg.PublicURL + "/account/numbers/" + iccid + "/top-up"
}

// setLanguage is the language choice of the account's profile form.
func (c *customer) setLanguage(language string) {
	c.shop.t.Helper()
	var out struct {
		ProfileUpdate struct {
			User       struct{ Language string }
			UserErrors []userError
		}
	}
	c.query(`mutation($lang: Language) { profileUpdate(input: { language: $lang }) { user { language } userErrors { field message code } } }`,
		map[string]any{"lang": language}, &out)
	noUserErrors(c.shop.t, "profileUpdate", out.ProfileUpdate.UserErrors)
	if out.ProfileUpdate.User.Language != language {
		c.shop.t.Fatalf("profileUpdate: language %q, want %q", out.ProfileUpdate.User.Language, language)
	}
}

// A customer who reads Russian chooses it for the account, sets a
// threshold, and the debit that crosses it sends one email in Russian,
// with the balance written the Russian way and a link that opens the SIM's
// top-up page of the web account.
func TestLowBalanceAlertInTheAccountsLanguage(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	demo.setLanguage("RU")
	phone := demo.myNumbers()[0]
	s.ledgerAdjust(phone.ICCID, "10.00")
	balance := demo.simWithDebt(phone.ICCID).Balance
	threshold := plus(t, balance, "-2.00")
	demo.setAlerts(phone.ID, map[string]any{"lowBalanceThreshold": threshold.Amount})

	s.spend(phone.ICCID, 0, 250) // 0.50 below: the crossing
	m := s.mailAbout(demo.Email, "заканчивается баланс")
	low := plus(t, balance, "-2.50")
	ru := func(m money) string { return strings.Replace(m.Amount, ".", ",", 1) + "\u00a0" + m.CurrencyCode }
	for _, want := range []string{"Здравствуйте!", "Баланс вашей SIM-карты", phone.ICCID, "опустился до " + ru(low),
		"порога " + ru(threshold), "купите ваучер пополнения для этой SIM-карты в личном кабинете"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the alert does not say %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "balance") {
		t.Errorf("the alert is not all in Russian:\n%s", m.Text)
	}
	if m.link() != topUpPage(s, phone.ICCID) {
		t.Errorf("the alert links to %s, want the SIM's top-up page %s", m.link(), topUpPage(s, phone.ICCID))
	}
	page := demo.open(m.link())
	if page.Status != 200 {
		t.Fatalf("the top-up link answers %d", page.Status)
	}
	page.mustSay("TEZ Telecom account")
	s.spend(phone.ICCID, 1, 10)
	s.noMail(demo.Email)
}
