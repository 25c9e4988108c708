package phone_test

import (
	"testing"

	"github.com/teztelecom/tez/internal/phone"
)

func TestE164(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		"+7 701 123 45 67":   "+77011234567",
		"+7 (912) 345-67-89": "+79123456789",
		" +49 30 901820 ":    "+4930901820",
		"+1 (202) 555-0143":  "+12025550143",
	}
	for in, want := range good {
		if got, err := phone.E164(in); err != nil || got != want {
			t.Errorf("E164(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "8 701 123 45 67", "+7 123", "+999 1234567", "phone", "+7 701 123 45 67 89 00"} {
		if got, err := phone.E164(in); err == nil {
			t.Errorf("E164(%q) = %q, want an error", in, got)
		}
	}
}
