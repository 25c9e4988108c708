package address

import (
	"testing"
)

func valid() Input {
	return Input{RecipientName: " Aigerim ", Line1: "Abay 10", City: "Almaty", PostalCode: "050000", CountryCode: "kz", Phone: "+7 701 123 45 67"}
}

func TestValidate(t *testing.T) {
	got, problems := Validate(valid())
	if len(problems) != 0 || got.CountryCode != "KZ" || got.Phone != "+77011234567" || got.RecipientName != "Aigerim" {
		t.Fatalf("Validate(valid) = %+v, %+v", got, problems)
	}
	tests := map[string]struct {
		change func(*Input)
		field  string
	}{
		"missing city":          {func(in *Input) { in.City = " " }, "city"},
		"unknown country":       {func(in *Input) { in.CountryCode = "ZZ" }, "countryCode"},
		"not a country":         {func(in *Input) { in.CountryCode = "EU" }, "countryCode"},
		"postal code of KZ":     {func(in *Input) { in.PostalCode = "1234" }, "postalCode"},
		"postal code of GB":     {func(in *Input) { in.CountryCode, in.PostalCode = "GB", "12345" }, "postalCode"},
		"bad phone":             {func(in *Input) { in.Phone = "12" }, "phone"},
		"long name":             {func(in *Input) { in.RecipientName = string(make([]byte, 201)) }, "recipientName"},
		"postal code elsewhere": {func(in *Input) { in.CountryCode, in.PostalCode = "FR", "" }, "postalCode"},
		"zero-width in name":    {func(in *Input) { in.RecipientName = "Ai\u200bgerim" }, "recipientName"},
		"bidi override in line": {func(in *Input) { in.Line1 = "Abay \u202e01" }, "line1"},
		"line break in city":    {func(in *Input) { in.City = "Almaty\nBcc: x" }, "city"},
	}
	for name, tt := range tests {
		in := valid()
		tt.change(&in)
		_, problems := Validate(in)
		if len(problems) != 1 || problems[0].Field[1] != tt.field {
			t.Errorf("%s: problems %+v, want one on input.%s", name, problems, tt.field)
		}
	}
	in := valid()
	in.CountryCode, in.PostalCode = "GB", "sw1a 1aa"
	if got, problems := Validate(in); len(problems) != 0 || got.PostalCode != "SW1A 1AA" {
		t.Errorf("GB postal code typed in lower case: %+v, %+v", got, problems)
	}
}
