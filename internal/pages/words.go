package pages

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/web"
)

// The pages speak the customer's language: the one chosen with the
// page's switch (?lang=, kept in the tez_lang cookie, which the web account
// sets too), else the browser's Accept-Language, else English. The English
// words are written where they are used and are the keys of the Russian
// catalogue (ruWords); a userError's words come from the web account's
// catalogue by code and field.

const langCookie = "tez_lang"

// words is what a page needs to speak its language.
type words struct {
	Lang string
	// Switch is the address of this page in the other language.
	Switch, SwitchLang, SwitchText string
}

// wordsFor chooses the request's language and, when the switch chose it,
// keeps it in the cookie.
func wordsFor(w http.ResponseWriter, r *http.Request) words {
	lang := ""
	if q := r.URL.Query().Get("lang"); q == "en" || q == "ru" {
		lang = q
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/account", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	} else if c, err := r.Cookie(langCookie); err == nil && (c.Value == "en" || c.Value == "ru") {
		lang = c.Value
	} else {
		lang = acceptLanguage(r.Header.Get("Accept-Language"))
	}
	wd := words{Lang: lang, SwitchLang: "ru", SwitchText: "Русский"}
	if lang == "ru" {
		wd.SwitchLang, wd.SwitchText = "en", "English"
	}
	// Relative, so the page repeats nothing of its path; of the query, only
	// a link's token, which its form holds already.
	q := url.Values{"lang": {wd.SwitchLang}}
	if tok := r.URL.Query().Get("token"); tok != "" {
		q.Set("token", tok)
	}
	wd.Switch = "?" + q.Encode()
	return wd
}

// acceptLanguage is the first of en and ru the header lists (in its
// order, which browsers send by preference), English when neither.
func acceptLanguage(h string) string {
	for _, part := range strings.Split(h, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if base == "ru" || base == "en" {
			return base
		}
	}
	return "en"
}

// S is an English sentence in the page's language, its %s filled from args.
func (wd words) S(english string, args ...any) string {
	if wd.Lang == "ru" {
		if ru, ok := ruWords[english]; ok {
			english = ru
		}
	}
	if len(args) == 0 {
		return english
	}
	return fmt.Sprintf(english, args...)
}

// H is S for a sentence that holds markup of its own: args are escaped.
func (wd words) H(english string, args ...any) template.HTML {
	for i, a := range args {
		args[i] = template.HTMLEscapeString(fmt.Sprint(a))
	}
	return template.HTML(wd.S(english, args...))
}

// Problem is a userError in the page's language (the API's own message in English).
func (wd words) Problem(fe apperr.FieldError) string {
	return web.UserErrorText(wd.Lang, string(fe.Code), fe.Field, fe.Message)
}

var ruMonths = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}

// Day is a moment as the language writes it, in UTC.
func (wd words) Day(t time.Time) string {
	t = t.UTC()
	if wd.Lang == "ru" {
		return fmt.Sprintf("%d %s %d, %s UTC", t.Day(), ruMonths[t.Month()-1], t.Year(), t.Format("15:04"))
	}
	return t.Format("2 January 2006, 15:04 UTC")
}

// Money is an amount as the language writes it: 10.00 USD, 10,00 USD.
func (wd words) Money(m money.Money) string {
	if wd.Lang == "ru" {
		return strings.Replace(m.Decimal(), ".", ",", 1) + "\u00a0" + m.Currency
	}
	return m.String()
}
