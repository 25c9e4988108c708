package alerts

import (
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/lang"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/store"
)

// Each alert's email, in each language: its subject, its reason, the
// balance written the language's way, and the link to the SIM's top-up
// page of the web account.
func TestAlertEmailsInEachLanguage(t *testing.T) {
	const sim = "8999700000000000026"
	c := New(nil, "https://tez.example/")
	threshold := int64(500)
	change := ledger.Change{
		Before: store.SIMBalance{ICCID: sim, Balance: 700, Overdraft: 0, Currency: "EUR", LowBalanceThreshold: &threshold},
		Entry:  store.BalanceEntry{BalanceAfter: 250, Overdraft: 120},
	}
	link := "https://tez.example/account/numbers/" + sim + "/top-up"
	for _, tc := range []struct {
		kind     kind
		language lang.Language
		subject  string
		says     []string
	}{
		{suspended, lang.English, "Your TEZ SIM Trip is suspended: its balance ran out", []string{"is suspended", "1.20 EUR of data used is still owed", "buy a top-up voucher for this SIM"}},
		{suspended, lang.Russian, "SIM-карта TEZ Trip приостановлена: закончился баланс", []string{"приостановлена", "долг 1,20\u00a0EUR", "купите ваучер пополнения для этой SIM-карты"}},
		{lowBalance, lang.English, "Your TEZ SIM Trip is low on balance", []string{"is down to 2.50 EUR, at or below the 5.00 EUR", "Balance now: 2.50 EUR", "buy a top-up voucher for this SIM"}},
		{lowBalance, lang.Russian, "На SIM-карте TEZ Trip заканчивается баланс", []string{"опустился до 2,50\u00a0EUR", "порога 5,00\u00a0EUR", "Баланс сейчас: 2,50\u00a0EUR"}},
		{runOut, lang.English, "Your TEZ SIM Trip will run out of balance soon", []string{"runs out within 3 days"}},
		{runOut, lang.Russian, "Баланс SIM-карты TEZ Trip скоро закончится", []string{"хватит не больше чем на 3 дня"}},
	} {
		t.Run(string(tc.language), func(t *testing.T) {
			subject, text, html, err := c.compose(alert{kind: tc.kind, change: change, runOutDays: 3},
				store.AlertRecipient{ICCID: sim, Label: "Trip", Language: tc.language})
			if err != nil {
				t.Fatal(err)
			}
			if subject != tc.subject {
				t.Errorf("subject = %q, want %q", subject, tc.subject)
			}
			for _, want := range append(tc.says, "\n"+link+"\n") {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q:\n%s", want, text)
				}
			}
			if !strings.Contains(html, `<a href="`+link+`">`) {
				t.Errorf("HTML lacks the top-up link:\n%s", html)
			}
		})
	}
}

// The owner's label is their own text: the HTML body escapes it.
func TestAlertEscapesTheLabel(t *testing.T) {
	c := New(nil, "https://tez.example")
	_, _, html, err := c.compose(alert{kind: suspended, change: ledger.Change{Before: store.SIMBalance{ICCID: "8999700000000000026", Currency: "EUR"}}},
		store.AlertRecipient{Label: `<img src=x onerror=alert(1)>`})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<img") {
		t.Errorf("label not escaped:\n%s", html)
	}
}
