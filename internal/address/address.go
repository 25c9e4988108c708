// Package address holds the rules of delivery addresses: what a valid one
// is (real countries, postal codes of the countries the shop ships to most,
// E.164 phones) and how many a customer may keep.
package address

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/phone"
)

// MaxPerCustomer caps a customer's address book.
const MaxPerCustomer = 20

// Input is an address as the customer types it.
type Input struct {
	RecipientName, Line1, Line2, City, Region, PostalCode, CountryCode, Phone, DeliveryNote string
}

// postalFormats are the postal codes of the countries the shop ships to
// most; elsewhere any code of 1–16 characters is taken.
var postalFormats = map[string]struct {
	re      *regexp.Regexp
	example string
}{
	"RU": {regexp.MustCompile(`^\d{6}$`), "101000"},
	"KZ": {regexp.MustCompile(`^(\d{6}|[A-Z]\d{2}[A-Z]\d[A-Z]\d)$`), "050000"},
	"UZ": {regexp.MustCompile(`^\d{6}$`), "100000"},
	"KG": {regexp.MustCompile(`^\d{6}$`), "720000"},
	"AM": {regexp.MustCompile(`^\d{4}$`), "0010"},
	"GE": {regexp.MustCompile(`^\d{4}$`), "0105"},
	"TR": {regexp.MustCompile(`^\d{5}$`), "34000"},
	"AE": {regexp.MustCompile(`^[0-9A-Z -]{1,10}$`), "00000"},
	"TH": {regexp.MustCompile(`^\d{5}$`), "10110"},
	"DE": {regexp.MustCompile(`^\d{5}$`), "10115"},
	"US": {regexp.MustCompile(`^\d{5}(-\d{4})?$`), "94105"},
	"GB": {regexp.MustCompile(`^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$`), "SW1A 1AA"},
}

// Validate trims and checks an address, normalising the country (upper
// case), the postal code (upper case) and the phone (E.164). Every problem
// is a FieldError naming its input field.
func Validate(in Input) (Input, []apperr.FieldError) {
	var problems []apperr.FieldError
	// A name or line printed on a parcel label takes no invisible
	// characters; the delivery note may span lines.
	text := func(field string, v *string, required bool, max int) {
		*v = strings.TrimSpace(*v)
		switch {
		case required && *v == "":
			problems = append(problems, apperr.OnField(field, apperr.FieldRequired, "This field is required."))
		case utf8.RuneCountInString(*v) > max:
			problems = append(problems, apperr.OnField(field, apperr.FieldTooLong, "Use at most %d characters.", max))
		case field != "deliveryNote":
			if e := account.CheckVisible(field, *v); e != nil {
				problems = append(problems, *e)
			}
		}
	}
	text("recipientName", &in.RecipientName, true, 200)
	text("line1", &in.Line1, true, 200)
	text("line2", &in.Line2, false, 200)
	text("city", &in.City, true, 100)
	text("region", &in.Region, false, 100)
	text("deliveryNote", &in.DeliveryNote, false, 500)

	in.CountryCode = strings.ToUpper(strings.TrimSpace(in.CountryCode))
	region, err := language.ParseRegion(in.CountryCode)
	countryOK := len(in.CountryCode) == 2 && err == nil && region.IsCountry()
	if !countryOK {
		problems = append(problems, apperr.OnField("countryCode", apperr.FieldInvalid,
			"%q is not a country code: use the two letters of ISO 3166-1, e.g. KZ or DE.", in.CountryCode))
	}

	in.PostalCode = strings.ToUpper(strings.TrimSpace(in.PostalCode))
	switch f, known := postalFormats[in.CountryCode]; {
	case in.PostalCode == "":
		problems = append(problems, apperr.OnField("postalCode", apperr.FieldRequired, "Enter the postal code."))
	case countryOK && known && !f.re.MatchString(in.PostalCode):
		problems = append(problems, apperr.OnField("postalCode", apperr.FieldInvalid,
			"%q is not a postal code of %s: it looks like %s.", in.PostalCode, in.CountryCode, f.example))
	case utf8.RuneCountInString(in.PostalCode) > 16:
		problems = append(problems, apperr.OnField("postalCode", apperr.FieldTooLong, "Use at most 16 characters."))
	}

	if in.Phone = strings.TrimSpace(in.Phone); in.Phone != "" {
		e164, err := phone.E164(in.Phone)
		if err != nil {
			problems = append(problems, apperr.OnField("phone", apperr.FieldInvalid,
				"%q is not a valid phone number: write it with its country code, e.g. +7 701 123 45 67.", in.Phone))
		}
		in.Phone = e164
	}
	return in, problems
}
