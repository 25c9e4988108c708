package lang

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/money"
)

// A wording missing from one catalogue would fail an email at the moment
// it is sent; every catalogue has every key.
func TestCataloguesHaveTheSameKeys(t *testing.T) {
	want := slices.Sorted(maps.Keys(en))
	for l, msgs := range catalogues {
		if got := slices.Sorted(maps.Keys(msgs)); !slices.Equal(got, want) {
			t.Errorf("%s keys differ from en:\n got %v\nwant %v", l, got, want)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for _, c := range []struct {
		header string
		want   Language
	}{
		{"", English},
		{"ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", Russian},
		{"en-GB,en;q=0.9,ru;q=0.8", English},
		{"de-DE,de;q=0.9,ru;q=0.5", Russian},
		{"kk-KZ, RU;q=0.8, en;q=0.9", English},
		{"fr, de", English},
		{"ru;q=0", English},
		{"ru;q=garbage, en;q=0.1", English},
		{"*", English},
	} {
		if got := FromAcceptLanguage(c.header); got != c.want {
			t.Errorf("FromAcceptLanguage(%q) = %s, want %s", c.header, got, c.want)
		}
	}
}

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		m      money.Money
		en, ru string
	}{
		{money.New(250, "USD"), "2.50 USD", "2,50\u00a0USD"},
		{money.New(123456789, "RUB"), "1234567.89 RUB", "1\u00a0234\u00a0567,89\u00a0RUB"},
		{money.New(-5000, "EUR"), "-50.00 EUR", "-50,00\u00a0EUR"},
		{money.New(1500, "JPY"), "1500 JPY", "1\u00a0500\u00a0JPY"},
	} {
		if got := English.Money(c.m); got != c.en {
			t.Errorf("en %v = %q, want %q", c.m, got, c.en)
		}
		if got := Russian.Money(c.m); got != c.ru {
			t.Errorf("ru %v = %q, want %q", c.m, got, c.ru)
		}
	}
}

func TestDateAndPlural(t *testing.T) {
	when := time.Date(2026, time.December, 2, 5, 9, 0, 0, time.UTC)
	if got := Russian.Date(when); got != "2 декабря 2026, 05:09" {
		t.Errorf("ru date = %q", got)
	}
	if got := English.Date(when); got != "2 December 2026 05:09" {
		t.Errorf("en date = %q", got)
	}
	for n, want := range map[int]string{1: "день", 2: "дня", 4: "дня", 5: "дней", 11: "дней", 12: "дней", 21: "день", 22: "дня", 30: "дней", 111: "дней"} {
		if got := Russian.Plural(n, "день", "дня", "дней"); got != want {
			t.Errorf("ru plural %d = %q, want %q", n, got, want)
		}
	}
	if English.Plural(1, "day", "days") != "day" || English.Plural(0, "day", "days") != "days" {
		t.Error("en plural")
	}
}

func TestGraphQLEnum(t *testing.T) {
	var l Language
	for _, bad := range []any{"de", "", 1, nil, "english"} {
		if err := l.UnmarshalGQL(bad); err == nil {
			t.Errorf("UnmarshalGQL(%v) took it as %s", bad, l)
		}
	}
	for _, in := range []string{"RU", "ru", "Ru"} {
		if err := l.UnmarshalGQL(in); err != nil || l != Russian {
			t.Errorf("%s: %s, %v", in, l, err)
		}
	}
	var b strings.Builder
	l.MarshalGQL(&b)
	if b.String() != `"RU"` {
		t.Errorf("MarshalGQL = %s", b.String())
	}
}

// A letter renders in each language with that language's words and
// formats, and escapes the data in its HTML body.
func TestLetterRendersInEachLanguage(t *testing.T) {
	l := NewLetter("test", `{{t "alert.low.subject" .}}`, "{{t \"hello.plain\" .}}\n\n{{t \"alert.balance\" .}}\n\n{{.Link}}", "")
	data := struct {
		SIM, Link string
		Balance   money.Money
	}{"<b>Trip</b>", "https://tez.example/x", money.New(150, "EUR")}
	s, text, html, err := l.Render(Russian, data)
	if err != nil {
		t.Fatal(err)
	}
	if s != "На SIM-карте TEZ <b>Trip</b> заканчивается баланс" || text != "Здравствуйте!\n\nБаланс сейчас: 1,50\u00a0EUR\n\nhttps://tez.example/x" {
		t.Errorf("ru: %q / %q", s, text)
	}
	if want := `<p>Здравствуйте!</p>` + "\n" + `<p>Баланс сейчас: 1,50` + "\u00a0" + `EUR</p>` + "\n" + `<p><a href="https://tez.example/x">https://tez.example/x</a></p>`; html != want {
		t.Errorf("ru html = %q, want %q", html, want)
	}
	if _, text, _, _ := l.Render("", data); text != "Hello!\n\nBalance now: 1.50 EUR\n\nhttps://tez.example/x" {
		t.Errorf("default: %q", text)
	}
}
