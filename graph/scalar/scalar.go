// Package scalar marshals the schema's custom scalars that need more than
// gqlgen's built-ins: ICCID (validated on input) and Date.
package scalar

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/iccid"
)

// MarshalICCID writes an ICCID.
func MarshalICCID(s string) graphql.Marshaler {
	return graphql.MarshalString(s)
}

// UnmarshalICCID reads an ICCID, ignoring spaces (people copy it from the
// holder in groups), and rejects a malformed one before any database work.
func UnmarshalICCID(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", apperr.New(apperr.Invalid, "ICCID must be a string of digits, got %T", v)
	}
	s = strings.Join(strings.Fields(s), "")
	if err := iccid.Valid(s); err != nil {
		return "", apperr.New(apperr.Invalid, "%s", err.Error())
	}
	return s, nil
}

const dateLayout = "2006-01-02"

// MarshalDate writes a calendar date.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.Format(dateLayout)))
	})
}

// UnmarshalDate reads a calendar date such as 2026-05-01.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, apperr.New(apperr.Invalid, "Date must be a string such as 2026-05-01, got %T", v)
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, apperr.New(apperr.Invalid, "Date must look like 2026-05-01, got %q", s)
	}
	return t, nil
}
