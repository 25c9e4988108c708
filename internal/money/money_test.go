package money

import "testing"

func TestDecimal(t *testing.T) {
	tests := []struct {
		m    Money
		want string
	}{
		{New(1250, "USD"), "12.50"},
		{New(5, "EUR"), "0.05"},
		{New(0, "USD"), "0.00"},
		{New(-199, "USD"), "-1.99"},
		{New(1500, "JPY"), "1500"},
		{New(1234, "KWD"), "1.234"},
	}
	for _, tt := range tests {
		if got := tt.m.Decimal(); got != tt.want {
			t.Errorf("%d %s: Decimal() = %q, want %q", tt.m.Amount, tt.m.Currency, got, tt.want)
		}
	}
}

func TestDecimalExtremes(t *testing.T) {
	tests := []struct {
		m    Money
		want string
	}{
		{New(-5, "EUR"), "-0.05"},
		{New(-1, "KWD"), "-0.001"},
		{New(100, "USD"), "1.00"},
		{New(9223372036854775807, "USD"), "92233720368547758.07"},
		{New(-9223372036854775808, "USD"), "-92233720368547758.08"},
		{New(-9223372036854775808, "JPY"), "-9223372036854775808"},
	}
	for _, tt := range tests {
		if got := tt.m.Decimal(); got != tt.want {
			t.Errorf("%d %s: Decimal() = %q, want %q", tt.m.Amount, tt.m.Currency, got, tt.want)
		}
	}
}

func BenchmarkDecimal(b *testing.B) {
	m := New(-123456, "USD")
	for b.Loop() {
		_ = m.Decimal()
	}
}
