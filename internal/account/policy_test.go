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
