package web

import (
	_ "embed"
	"encoding/json"
	"regexp"
	"strings"
)

// The words of each userError code, by language: the account's catalogue
// (build/src/usererrors.json), which the service's own pages use too.
//
//go:embed build/src/usererrors.json
var userErrorsJSON []byte

var userErrorWords = func() map[string]map[string]string {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(userErrorsJSON, &raw); err != nil {
		panic(err) // embedded at build time, checked by its test
	}
	out := map[string]map[string]string{}
	for _, lang := range []string{"en", "ru"} {
		m := map[string]string{}
		if err := json.Unmarshal(raw[lang], &m); err != nil {
			panic(err)
		}
		out[lang] = m
	}
	return out
}()

var firstNumber = regexp.MustCompile(`\d+(?:[.,]\d+)?`)

// UserErrorText is a userError in lang, as the account's userError() in
// build/src/i18n.ts shows it: the API's English message in English; else
// the words for the code on that field, or for the code, with the
// message's number as {n}; the message itself for a code without words.
func UserErrorText(lang, code string, field []string, message string) string {
	if lang == "en" && message != "" {
		return message
	}
	last := ""
	if len(field) > 0 {
		last = field[len(field)-1]
	}
	n := firstNumber.FindString(message)
	for _, k := range []string{code + " " + last, code} {
		if s, ok := userErrorWords[lang][k]; ok && s != "" && (n != "" || !strings.Contains(s, "{n}")) {
			return strings.Replace(s, "{n}", n, 1)
		}
	}
	return message
}
