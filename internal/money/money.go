// Package money represents amounts as integer minor units with an ISO 4217
// currency, never as floats.
package money

import "strconv"

// Money is an amount in minor units (cents) of a currency.
type Money struct {
	Amount   int64  `db:"amount"`
	Currency string `db:"currency"`
}

// New makes a Money.
func New(amount int64, currency string) Money { return Money{Amount: amount, Currency: currency} }

// exponents lists the currencies whose minor unit is not 1/100.
var exponents = map[string]int{
	"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "UGX": 0,
	"BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "LYD": 3, "IQD": 3,
}

// Exponent is the number of decimal places of the currency's minor unit.
func Exponent(currency string) int {
	if e, ok := exponents[currency]; ok {
		return e
	}
	return 2
}

// Decimal renders the amount as a decimal string in major units ("12.50").
// Every Money of a response goes through it, hence strconv rather than fmt.
func (m Money) Decimal() string {
	exp := Exponent(m.Currency)
	if exp == 0 {
		return strconv.FormatInt(m.Amount, 10)
	}
	var buf [32]byte
	b := buf[:0]
	abs := uint64(m.Amount)
	if m.Amount < 0 {
		b = append(b, '-')
		abs = -abs // two's complement: right for math.MinInt64 too
	}
	unit := uint64(1)
	for range exp {
		unit *= 10
	}
	b = strconv.AppendUint(b, abs/unit, 10)
	b = append(b, '.')
	var fracBuf [20]byte
	frac := strconv.AppendUint(fracBuf[:0], abs%unit, 10)
	for range exp - len(frac) {
		b = append(b, '0')
	}
	b = append(b, frac...)
	return string(b)
}

// CurrencyCode is the ISO 4217 code.
func (m Money) CurrencyCode() string { return m.Currency }

func (m Money) String() string { return m.Decimal() + " " + m.Currency }
