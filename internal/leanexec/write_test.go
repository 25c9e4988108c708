package leanexec_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/teztelecom/tez/internal/leanexec"
)

func marshalled(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}

func written[T any](write func(*bytes.Buffer, T) bool, v T) string {
	var b bytes.Buffer
	b.WriteString("x") // a buffer already holding part of the answer
	if !write(&b, v) {
		return "<null>"
	}
	return b.String()[1:]
}

var hostileStrings = []string{
	"", "plain", `say "hi"`, `back\slash`, "tab\there", "cr\rlf\n", "\x00\x01\x1f\x7f",
	"Алматы", "emoji 🛰", "\u2028\u2029", "bad \xff\xfe utf-8", "\xe2\x82", "</script>&<>",
}

// Every writer answers byte for byte what gqlgen's marshaler writes: the
// lean executor's bodies must equal gqlgen's.
func TestWritersWriteWhatGqlgenWrites(t *testing.T) {
	for _, s := range hostileStrings {
		if got, want := written(leanexec.WriteString, s), marshalled(graphql.MarshalString(s)); got != want {
			t.Errorf("WriteString(%q) = %s, gqlgen writes %s", s, got, want)
		}
	}
	for _, i := range []int64{0, 1, -1, 42, math.MaxInt64, math.MinInt64} {
		if got, want := written(leanexec.WriteInt64, i), marshalled(graphql.MarshalInt64(i)); got != want {
			t.Errorf("WriteInt64(%d) = %s, gqlgen writes %s", i, got, want)
		}
		if got, want := written(leanexec.WriteInt, int(i)), marshalled(graphql.MarshalInt(int(i))); got != want {
			t.Errorf("WriteInt(%d) = %s, gqlgen writes %s", i, got, want)
		}
		if got, want := written(leanexec.WriteInt32, int32(i)), marshalled(graphql.MarshalInt32(int32(i))); got != want {
			t.Errorf("WriteInt32(%d) = %s, gqlgen writes %s", int32(i), got, want)
		}
	}
	for _, b := range []bool{true, false} {
		if got, want := written(leanexec.WriteBoolean, b), marshalled(graphql.MarshalBoolean(b)); got != want {
			t.Errorf("WriteBoolean(%v) = %s, gqlgen writes %s", b, got, want)
		}
	}
}

func FuzzWriteString(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := written(leanexec.WriteString, s), marshalled(graphql.MarshalString(s)); got != want {
			t.Fatalf("WriteString(%q) = %s, gqlgen writes %s", s, got, want)
		}
	})
}
