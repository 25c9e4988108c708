// Package iccid validates the identifiers printed on SIM cards (ITU-T E.118):
// 19 or 20 digits, starting with the telecom industry prefix 89, ending in a
// Luhn check digit that catches a mistyped digit.
package iccid

import "errors"

// The errors say what to fix.
var (
	ErrLength     = errors.New("ICCID must be 19 or 20 digits")
	ErrDigits     = errors.New("ICCID must contain only digits")
	ErrPrefix     = errors.New("ICCID must start with 89")
	ErrCheckDigit = errors.New("ICCID check digit is wrong: please check for a typo")
)

// Valid reports why s is not a well-formed ICCID, or nil.
func Valid(s string) error {
	if len(s) != 19 && len(s) != 20 {
		return ErrLength
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return ErrDigits
		}
	}
	if s[:2] != "89" {
		return ErrPrefix
	}
	if checkDigit(s[:len(s)-1]) != s[len(s)-1] {
		return ErrCheckDigit
	}
	return nil
}

// WithCheckDigit appends the Luhn check digit to a body of digits.
func WithCheckDigit(body string) string {
	return body + string(checkDigit(body))
}

// checkDigit computes the Luhn digit for body (all digits).
func checkDigit(body string) byte {
	sum := 0
	double := true // the digit next to the check digit is doubled
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}
