// Package account holds the rules of customer accounts: what an acceptable
// email and password are, how sessions are made and ended, and how failed
// sign-ins are throttled.
package account

import (
	_ "embed"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/teztelecom/tez/internal/apperr"
)

// TermsVersion is the version of the user agreement a new customer accepts.
const TermsVersion = "2026-01"

const (
	minPassword = 8
	maxPassword = 128
)

//go:embed common-passwords.txt
var commonList string

var common = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
}()

// invisible reports a character that shows nothing or changes how the
// rest is shown: control and format characters (zero-width spaces and
// joiners, bidirectional overrides, the byte order mark), line and
// paragraph separators, private use, Hangul fillers, and bytes that are not
// UTF-8. With one, an email or a name can look like someone else's, or
// carry a line break into mail.
func invisible(r rune) bool {
	switch r {
	case utf8.RuneError, '\u115F', '\u1160', '\u3164', '\uFFA0':
		return true
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co)
}

// CheckVisible answers the user error for a value with an invisible
// character, nil when it has none: emails and the names people give
// (account holders, address recipients) go through it.
func CheckVisible(field, s string) *apperr.FieldError {
	if i := strings.IndexFunc(s, invisible); i >= 0 {
		e := apperr.OnField(field, apperr.FieldInvalid,
			"Remove the invisible or control character at position %d (copied text sometimes carries one).", utf8.RuneCountInString(s[:i])+1)
		return &e
	}
	return nil
}

// NormalizeEmail trims an email and checks it is one address with a domain,
// without invisible characters.
func NormalizeEmail(field, s string) (string, *apperr.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		e := apperr.OnField(field, apperr.FieldRequired, "Enter your email address.")
		return "", &e
	}
	if e := CheckVisible(field, s); e != nil {
		return "", e
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") || len(s) > 254 {
		e := apperr.OnField(field, apperr.FieldInvalid, "%q is not an email address: it should look like name@example.com.", s)
		return "", &e
	}
	return s, nil
}

// CheckPassword applies NIST 800-63B: a length range and no common
// passwords, no composition rules.
func CheckPassword(field, pw string) *apperr.FieldError {
	n := utf8.RuneCountInString(pw)
	var e apperr.FieldError
	switch {
	case n < minPassword:
		e = apperr.OnField(field, apperr.FieldTooShort, "Use at least %d characters.", minPassword)
	case n > maxPassword:
		e = apperr.OnField(field, apperr.FieldTooLong, "Use at most %d characters.", maxPassword)
	case common[strings.ToLower(pw)]:
		e = apperr.OnField(field, apperr.FieldWeakPassword, "This password is among the most common ones and easy to guess: choose another.")
	default:
		return nil
	}
	return &e
}

// maxFullName matches the users.full_name CHECK.
const maxFullName = 200

// NormalizeFullName trims a full name and checks its length and that it has
// no invisible characters; empty is fine (the name is optional).
func NormalizeFullName(field, s string) (string, *apperr.FieldError) {
	s = strings.TrimSpace(s)
	if e := CheckVisible(field, s); e != nil {
		return "", e
	}
	if utf8.RuneCountInString(s) > maxFullName {
		e := apperr.OnField(field, apperr.FieldTooLong, "Use at most %d characters.", maxFullName)
		return "", &e
	}
	return s, nil
}
