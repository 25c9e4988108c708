// Package phone reads phone numbers with libphonenumber's rules and writes
// them in E.164, for accounts and delivery addresses alike.
package phone

import (
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/teztelecom/tez/internal/apperr"
)

// Normalize reads an international number (with + and country code) and
// returns it in E.164; "" stays "" (no phone). field names the input field.
func Normalize(field, s string) (string, *apperr.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	num, err := phonenumbers.Parse(s, "")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		e := apperr.OnField(field, apperr.FieldInvalid, "%q is not a valid phone number: write it with its country code, e.g. +7 701 123 45 67.", s)
		return "", &e
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}
