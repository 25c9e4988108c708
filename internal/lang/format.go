package lang

import (
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/money"
)

// Money writes an amount as the language does: "1234.50 USD" in English,
// "1 234,50 USD" in Russian (a decimal comma, digits grouped by three with
// no-break spaces, which also hold the code to the amount).
func (l Language) Money(m money.Money) string {
	if l.Or() != Russian {
		return m.String()
	}
	whole, frac, _ := strings.Cut(m.Decimal(), ".")
	sign := ""
	if strings.HasPrefix(whole, "-") {
		sign, whole = "-", whole[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String() + "\u00a0" + m.Currency
}

var ruMonths = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня",
	"июля", "августа", "сентября", "октября", "ноября", "декабря"}

// Date writes a moment to the minute, in t's location: "2 December 2026
// 15:04" in English, "2 декабря 2026, 15:04" in Russian.
func (l Language) Date(t time.Time) string {
	if l.Or() != Russian {
		return t.Format("2 January 2006 15:04")
	}
	return t.Format("2 ") + ruMonths[t.Month()-1] + t.Format(" 2006, 15:04")
}

// Plural picks the form of a word for the count n. English takes two forms
// (one, other); Russian three (one: 1, 21, 101; few: 2–4, 22–24; many: 0,
// 5–20, 25–30, 11–14).
func (l Language) Plural(n int, forms ...string) string {
	if len(forms) == 0 {
		return ""
	}
	i := 0
	if l.Or() == Russian {
		switch m10, m100 := abs(n)%10, abs(n)%100; {
		case m10 == 1 && m100 != 11:
			i = 0
		case m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14):
			i = 1
		default:
			i = 2
		}
	} else if n != 1 {
		i = 1
	}
	return forms[min(i, len(forms)-1)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
