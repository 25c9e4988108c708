package iccid

import (
	"errors"
	"testing"
)

func TestValid(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"8901260222222222222", nil},
		{"89012602222222222227", nil},
		{"8901260222222222221", ErrCheckDigit},
		{"8901260222222222", ErrLength},
		{"89012602222222222a2", ErrDigits},
		{"1901260222222222226", ErrPrefix},
		{"", ErrLength},
	}
	for _, tt := range tests {
		if got := Valid(tt.in); !errors.Is(got, tt.want) {
			t.Errorf("Valid(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestWithCheckDigitMakesValid(t *testing.T) {
	for _, body := range []string{"890126022222222222", "8944500102198304826"} {
		if err := Valid(WithCheckDigit(body)); err != nil {
			t.Errorf("Valid(WithCheckDigit(%q)) = %v", body, err)
		}
	}
}

func FuzzValid(f *testing.F) {
	f.Add("8901260222222222222")
	f.Add("8901260222222222221")
	f.Add("89 01")
	f.Fuzz(func(t *testing.T, s string) {
		if Valid(s) != nil {
			return
		}
		// Anything accepted is 19–20 digits with the prefix, and changing
		// its last digit must make it invalid (the check digit works).
		last := s[len(s)-1]
		other := byte('0' + (last-'0'+1)%10)
		if Valid(s[:len(s)-1]+string(other)) == nil {
			t.Fatalf("%q and its neighbour both valid", s)
		}
	})
}
