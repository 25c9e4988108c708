// Package phone validates phone numbers and writes them in E.164, with
// Google's libphonenumber metadata (github.com/nyaruka/phonenumbers): a
// number's length and prefixes differ per country and change over time,
// which no home-made pattern keeps up with.
package phone

import (
	"errors"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// ErrInvalid is a number that is malformed or not in use in any country's
// numbering plan.
var ErrInvalid = errors.New("not a valid phone number")

// E164 parses a number written in international format (a leading + and the
// country code; spaces, dashes, dots and parentheses allowed) and answers it
// in E.164, e.g. "+77011234567". Numbers without a country code are refused:
// customers travel, and a guess of their country would be wrong.
func E164(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "+") {
		return "", ErrInvalid
	}
	n, err := phonenumbers.Parse(s, "")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", ErrInvalid
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}
