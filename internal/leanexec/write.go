package leanexec

import (
	"bytes"
	"strconv"
)

// The writers of gqlgen's built-in scalars, for the generated walk. A
// gqlgen marshaler (graphql.MarshalString and the like) returns a closure
// boxed as a Marshaler that then writes through io.Writer: an allocation
// and several indirect calls for each of a dashboard's ~750 leaves. These
// append the same bytes straight to the buffer (write_test.go checks them
// against gqlgen's). leangen calls them in place of the marshalers named in
// leangen.builtinWriters; a scalar package of the project offers its own as
// Write<Scalar> beside Marshal<Scalar>. Each reports whether it wrote a
// value (false: null, nothing written).

// WriteString writes s as gqlgen's MarshalString (and MarshalID) does: in
// quotes, with only control characters, quote and backslash escaped. These
// are all single-byte runes, so a scan over bytes finds what gqlgen's scan
// over runes finds, and the bytes of invalid UTF-8 pass unchanged in both.
func WriteString(w *bytes.Buffer, s string) bool {
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		w.WriteString(s[start:i])
		switch c {
		case '\t':
			w.WriteString(`\t`)
		case '\r':
			w.WriteString(`\r`)
		case '\n':
			w.WriteString(`\n`)
		case '\\':
			w.WriteString(`\\`)
		case '"':
			w.WriteString(`\"`)
		default:
			w.WriteString(`\u00`)
			w.WriteByte(hex[c>>4])
			w.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	w.WriteString(s[start:])
	w.WriteByte('"')
	return true
}

const hex = "0123456789ABCDEF"

// WriteInt writes an Int as gqlgen's MarshalInt does.
func WriteInt(w *bytes.Buffer, i int) bool { return WriteInt64(w, int64(i)) }

// WriteInt32 writes an Int as gqlgen's MarshalInt32 does.
func WriteInt32(w *bytes.Buffer, i int32) bool { return WriteInt64(w, int64(i)) }

// WriteInt64 writes an Int64 as gqlgen's MarshalInt64 does.
func WriteInt64(w *bytes.Buffer, i int64) bool {
	w.Write(strconv.AppendInt(w.AvailableBuffer(), i, 10))
	return true
}

// WriteBoolean writes a Boolean as gqlgen's MarshalBoolean does.
func WriteBoolean(w *bytes.Buffer, b bool) bool {
	if b {
		w.WriteString("true")
	} else {
		w.WriteString("false")
	}
	return true
}

// WriteEnum writes an enum as the MarshalGQL gqlgen generates for a model
// enum does, strconv.Quote(string(e)), without fmt: an enum's values are
// GraphQL names, which need no escaping; anything else goes through Quote.
func WriteEnum[E ~string](w *bytes.Buffer, e E) bool {
	for i := 0; i < len(e); i++ {
		if c := e[i]; !(c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			w.WriteString(strconv.Quote(string(e)))
			return true
		}
	}
	w.WriteByte('"')
	w.WriteString(string(e))
	w.WriteByte('"')
	return true
}
