package account

import (
	"strings"
	"time"
	_ "time/tzdata" // zone names check the same on a machine without /usr/share/zoneinfo

	"github.com/teztelecom/tez/internal/apperr"
)

// DefaultTimeZone is the zone of an account that never chose one.
const DefaultTimeZone = "UTC"

// NormalizeTimeZone checks an IANA time zone name (e.g. Europe/Moscow); an
// empty one is the default. "Local" (the server's own zone) and offsets
// such as +03:00 are not names: a customer's days must not shift with the
// server, nor miss summer time.
func NormalizeTimeZone(field, s string) (string, *apperr.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultTimeZone, nil
	}
	if _, err := time.LoadLocation(s); err != nil || s == "Local" || len(s) > 64 {
		e := apperr.OnField(field, apperr.FieldInvalid,
			"%q is not a time zone name: use an IANA name such as Europe/Moscow, Asia/Almaty or UTC.", s)
		return "", &e
	}
	return s, nil
}

// Location is the zone of an account; the default for a name that no
// longer loads (the zone database changed), so times still print.
func Location(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}
