// Package scalar marshals the schema's custom scalars that need more than
// gqlgen's built-ins: ICCID and DateTime, validated on input with messages
// a person can act on, and Date.
package scalar

import (
	"bytes"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/99designs/gqlgen/graphql"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/iccid"
)

// MarshalICCID writes an ICCID: its digits as they are, without gqlgen's
// escaping walk over each rune (a balances page writes 500).
func MarshalICCID(s string) graphql.Marshaler {
	if !digits(s) {
		return graphql.MarshalString(s)
	}
	return graphql.WriterFunc(func(w io.Writer) {
		w.Write(appendQuoted(make([]byte, 0, len(s)+2), s))
	})
}

// WriteICCID is MarshalICCID for the lean executor, which writes straight
// into its buffer (see leanexec.WriteString).
func WriteICCID(w *bytes.Buffer, s string) bool {
	if !digits(s) {
		graphql.MarshalString(s).MarshalGQL(w)
		return true
	}
	w.Write(appendQuoted(w.AvailableBuffer(), s))
	return true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// appendQuoted appends s in quotes, for text with nothing to escape.
func appendQuoted(b []byte, s string) []byte { return append(append(append(b, '"'), s...), '"') }

// UnmarshalICCID reads an ICCID, ignoring spaces (people copy it from the
// holder in groups), and rejects a malformed one before any database work.
func UnmarshalICCID(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", apperr.New(apperr.Invalid, "ICCID must be a string of digits, got %T", v)
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		s = strings.Join(strings.Fields(s), "")
	}
	if err := iccid.Valid(s); err != nil {
		return "", apperr.New(apperr.Invalid, "%s", err.Error())
	}
	return s, nil
}

// MarshalDateTime writes an instant as gqlgen's MarshalTime does (RFC 3339,
// fractional seconds only when not zero; the zero time as null), formatted
// straight into the buffer it writes: RFC 3339 has nothing to escape, so
// the strconv.Quote of gqlgen's costs a copy and a walk for nothing.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		w.Write(appendDateTime(make([]byte, 0, len(time.RFC3339Nano)+2), t))
	})
}

// WriteDateTime is MarshalDateTime for the lean executor; the zero time
// writes nothing and reports null.
func WriteDateTime(w *bytes.Buffer, t time.Time) bool {
	if t.IsZero() {
		return false
	}
	w.Write(appendDateTime(w.AvailableBuffer(), t))
	return true
}

func appendDateTime(b []byte, t time.Time) []byte {
	return append(t.AppendFormat(append(b, '"'), time.RFC3339Nano), '"')
}

// UnmarshalDateTime reads an instant in RFC 3339 with its offset. Anything
// else (a bare date, no offset, a local format) is the client's mistake,
// answered in words a person can act on.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, apperr.New(apperr.Invalid, "a date and time must be a string such as 2026-11-01T00:00:00Z, got %T", v)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, apperr.New(apperr.Invalid,
			"%q is not a date and time: write it in RFC 3339 with its UTC offset, e.g. 2026-11-01T00:00:00Z or 2026-11-01T00:00:00+06:00",
			truncate(s))
	}
	return t, nil
}

// truncate keeps echoed client input short in messages.
func truncate(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

const dateLayout = "2006-01-02"

// MarshalDate writes a calendar date.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		w.Write(appendDate(make([]byte, 0, len(dateLayout)+2), t))
	})
}

// WriteDate is MarshalDate for the lean executor.
func WriteDate(w *bytes.Buffer, t time.Time) bool {
	w.Write(appendDate(w.AvailableBuffer(), t))
	return true
}

// appendDate appends the date in quotes: its digits and dashes need no
// escaping.
func appendDate(b []byte, t time.Time) []byte {
	return append(t.AppendFormat(append(b, '"'), dateLayout), '"')
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
