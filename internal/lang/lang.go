// Package lang is the languages customers read TEZ in: an account's
// language (English by default, or Russian), the wording of every email in
// one catalogue per language (en.go, ru.go), and money, dates and plurals
// written as each language writes them. An email is laid out once (a
// Letter); only its words come from the catalogue.
package lang

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Language is an account's language, stored as its ISO 639-1 code.
type Language string

// The languages an account can have.
const (
	English Language = "en"
	Russian Language = "ru"
	// Default is the language of an account that chose none.
	Default = English
)

// All are the languages, in the order the schema lists them.
var All = []Language{English, Russian}

// Parse reads a stored code ("en", "ru"); ok is false for anything else.
func Parse(code string) (Language, bool) {
	l := Language(code)
	_, ok := catalogues[l]
	return l, ok
}

// Or is l, or Default when l is not a language (an empty column value).
func (l Language) Or() Language {
	if _, ok := catalogues[l]; ok {
		return l
	}
	return Default
}

// FromAcceptLanguage picks the language a browser prefers among ours
// (RFC 9110 Accept-Language: the highest q, the first of equals; "ru-RU"
// counts as "ru"); Default when it names none of them. Only the first 32
// entries are read: the header is the client's to make as long as it likes.
func FromAcceptLanguage(header string) Language {
	best, bestQ := Default, 0.0
	for i, part := range strings.Split(header, ",") {
		if i == 32 {
			break
		}
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		l, ok := Parse(primary)
		if !ok {
			continue
		}
		q := 1.0
		if k, v, found := strings.Cut(strings.TrimSpace(params), "="); found && strings.TrimSpace(k) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// MarshalGQL writes the language as its GraphQL enum value (EN, RU).
func (l Language) MarshalGQL(w io.Writer) {
	io.WriteString(w, strconv.Quote(strings.ToUpper(string(l.Or()))))
}

// UnmarshalGQL reads a GraphQL enum value. gqlparser's validation lets a
// variable's enum value through in any case ("ru"); it is read as the value
// it names (RU), never as none.
func (l *Language) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	got, known := Parse(strings.ToLower(s))
	if !ok || !known {
		return fmt.Errorf("%.20q is not a Language: use EN or RU", fmt.Sprint(v))
	}
	*l = got
	return nil
}
