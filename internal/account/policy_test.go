package account

import (
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apperr"
)

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want string
		code     apperr.FieldCode
	}{
		{"  Ann@Example.com ", "Ann@Example.com", ""},
		{"", "", apperr.FieldRequired},
		{"ann", "", apperr.FieldInvalid},
		{"ann@localhost", "", apperr.FieldInvalid},
		{"Ann <ann@example.com>", "", apperr.FieldInvalid},
	}
	for _, tt := range tests {
		got, bad := NormalizeEmail("email", tt.in)
		if tt.code == "" && (bad != nil || got != tt.want) || tt.code != "" && (bad == nil || bad.Code != tt.code) {
			t.Errorf("NormalizeEmail(%q) = %q, %+v; want %q / %q", tt.in, got, bad, tt.want, tt.code)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	tests := map[string]apperr.FieldCode{
		"correct horse":          "",
		"short":                  apperr.FieldTooShort,
		strings.Repeat("x", 129): apperr.FieldTooLong,
		"Password123":            apperr.FieldWeakPassword,
		"ÄÖÜäöüßé":               "", // 8 characters, more bytes: counted in characters
	}
	for pw, want := range tests {
		bad := CheckPassword("password", pw)
		if want == "" && bad != nil || want != "" && (bad == nil || bad.Code != want) {
			t.Errorf("CheckPassword(%.20q) = %+v, want %q", pw, bad, want)
		}
	}
}

// An email or a name with a character that shows nothing can pass for
// someone else's, or carry a line break into a mail: refused.
func TestInvisibleCharactersAreRefused(t *testing.T) {
	for _, s := range []string{"ann\u200b", "ann\u200d", "ann\u202e", "\ufeffann", "ann\u2028", "ann\u3164", "ann\x00", "ann\r\nBcc: x", "ann\xff", "ann\ue000", "ann\u00ad"} {
		if _, bad := NormalizeEmail("email", s+"@example.com"); bad == nil || bad.Code != apperr.FieldInvalid {
			t.Errorf("NormalizeEmail(%q) = %+v, want INVALID", s+"@example.com", bad)
		}
		if _, bad := NormalizeFullName("fullName", s+" Smith"); bad == nil || bad.Code != apperr.FieldInvalid {
			t.Errorf("NormalizeFullName(%q) = %+v, want INVALID", s+" Smith", bad)
		}
	}
	for _, s := range []string{"Айгерим Сапарова", "José María O'Neil-Ñúñez", "李小龙", "Ann B. Smith"} {
		if got, bad := NormalizeFullName("fullName", s); bad != nil || got != s {
			t.Errorf("NormalizeFullName(%q) = %q, %+v; want it kept", s, got, bad)
		}
	}
}
