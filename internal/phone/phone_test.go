package phone

import (
	"testing"

	"github.com/teztelecom/tez/internal/apperr"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+7 701 123-45-67", "+77011234567"},
		{"+49 151 12345678", "+4915112345678"},
		{"", ""},
	}
	for _, tt := range tests {
		if got, bad := Normalize("phone", tt.in); bad != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %+v; want %q", tt.in, got, bad, tt.want)
		}
	}
	for _, in := range []string{"12345", "+7 000", "call me"} {
		if _, bad := Normalize("phone", in); bad == nil || bad.Code != apperr.FieldInvalid {
			t.Errorf("Normalize(%q) accepted an invalid number", in)
		}
	}
}
