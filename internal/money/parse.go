package money

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// ErrSyntax says what a decimal amount must look like.
var ErrSyntax = errors.New(`amount must be a decimal number such as 5, 5.00 or -2.50`)

// Parse reads a decimal amount in major units ("12.50", "-2.5", "+3") of
// currency into minor units. More decimal places than the currency has are
// refused rather than rounded: an operator typing 1.005 USD means something
// the ledger cannot hold.
func Parse(s, currency string) (Money, error) {
	exp := Exponent(currency)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || (hasPoint && frac == "") || !digits(whole) || !digits(frac) {
		return Money{}, ErrSyntax
	}
	if len(frac) > exp {
		return Money{}, fmt.Errorf("%s amounts have at most %d decimal places", currency, exp)
	}
	frac += strings.Repeat("0", exp-len(frac))
	var n int64
	for _, c := range whole + frac {
		d := int64(c - '0')
		if n > (math.MaxInt64-d)/10 {
			return Money{}, errors.New("amount is too large")
		}
		n = n*10 + d
	}
	if neg {
		n = -n
	}
	return New(n, currency), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
