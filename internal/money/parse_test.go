package money

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in, currency string
		want         int64
	}{
		{"5", "USD", 500},
		{"5.00", "USD", 500},
		{"-2.50", "USD", -250},
		{"-2.5", "USD", -250},
		{"+0.01", "USD", 1},
		{"1500", "JPY", 1500},
		{"1.234", "KWD", 1234},
		{"0", "USD", 0},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, tt.currency)
		if err != nil || got != New(tt.want, tt.currency) {
			t.Errorf("Parse(%q, %s) = %v, %v; want %d", tt.in, tt.currency, got, err, tt.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, tt := range []struct{ in, currency string }{
		{"", "USD"}, {"-", "USD"}, {"1.", "USD"}, {".5", "USD"}, {"1.005", "USD"}, {"1.5", "JPY"},
		{"1,50", "USD"}, {"1e3", "USD"}, {" 1", "USD"}, {"--1", "USD"}, {"99999999999999999999", "USD"},
	} {
		if got, err := Parse(tt.in, tt.currency); err == nil {
			t.Errorf("Parse(%q, %s) = %v, want an error", tt.in, tt.currency, got)
		}
	}
}
