package scalar

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/teztelecom/tez/internal/apperr"
)

func TestUnmarshalICCID(t *testing.T) {
	tests := []struct {
		name  string
		in    any
		want  string
		valid bool
	}{
		{"valid", "8901260222222222222", "8901260222222222222", true},
		{"spaces as printed on the holder", "8901 2602 2222 2222 222", "8901260222222222222", true},
		{"tabs and a no-break space", "8901\t2602\u00a022222222222\n", "8901260222222222222", true},
		{"wrong check digit", "8901260222222222221", "", false},
		{"not 89", "1901260222222222226", "", false},
		{"too short", "890126", "", false},
		{"not a string", 8901260222222222220, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UnmarshalICCID(tt.in)
			if tt.valid {
				if err != nil || got != tt.want {
					t.Fatalf("UnmarshalICCID(%v) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("UnmarshalICCID(%v) error code %q, want BAD_USER_INPUT", tt.in, apperr.CodeOf(err))
			}
		})
	}
}

func TestUnmarshalDateTime(t *testing.T) {
	for _, ok := range []string{"2026-11-01T00:00:00Z", "2026-11-01T00:00:00+06:00", "2026-11-01T00:00:00.25Z"} {
		if _, err := UnmarshalDateTime(ok); err != nil {
			t.Errorf("UnmarshalDateTime(%q) = %v, want it read", ok, err)
		}
	}
	for _, bad := range []any{"2026-11-01", "2026-11-01T00:00:00", "01.11.2026", "", "2026-13-01T00:00:00Z", 1700000000} {
		if _, err := UnmarshalDateTime(bad); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("UnmarshalDateTime(%v): code %q, want BAD_USER_INPUT", bad, apperr.CodeOf(err))
		}
	}
}

func TestUnmarshalDate(t *testing.T) {
	d, err := UnmarshalDate("2026-05-01")
	if err != nil || d.Format("2006-01-02") != "2026-05-01" {
		t.Fatalf("UnmarshalDate = %v, %v", d, err)
	}
	if _, err := UnmarshalDate("01/05/2026"); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("a non-ISO date: code %q, want BAD_USER_INPUT", apperr.CodeOf(err))
	}
}

func FuzzUnmarshalICCID(f *testing.F) {
	f.Add("8901260222222222222")
	f.Add("8901 2602 2222 2222 222")
	f.Add("89012602222222222x2")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := UnmarshalICCID(s)
		if err != nil {
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("UnmarshalICCID(%q) failed with code %q, want BAD_USER_INPUT", s, apperr.CodeOf(err))
			}
			return
		}
		if again, err := UnmarshalICCID(got); err != nil || again != got {
			t.Fatalf("an accepted ICCID %q does not read back as itself: %q, %v", got, again, err)
		}
	})
}

// The fast marshalers, and the writers the lean executor calls, answer
// byte for byte what gqlgen's own marshalers do.
func TestMarshalersWriteWhatGqlgenWrites(t *testing.T) {
	written := func(m graphql.Marshaler) string {
		var b bytes.Buffer
		m.MarshalGQL(&b)
		return b.String()
	}
	// A writer appends to a buffer already holding part of the answer, and
	// writes nothing for null.
	wrote := func(write func(*bytes.Buffer) bool) string {
		b := bytes.NewBufferString("x")
		if !write(b) {
			if b.Len() != 1 {
				t.Errorf("a writer reporting null wrote %q", b.String()[1:])
			}
			return written(graphql.Null)
		}
		return b.String()[1:]
	}
	almaty := time.FixedZone("Almaty", 5*3600)
	for _, at := range []time.Time{
		{},
		time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 2, 10, 0, 0, 123456789, time.UTC),
		time.Date(2026, 12, 2, 15, 4, 5, 120000000, almaty),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 1).In(time.FixedZone("", -90*60)),
	} {
		want := written(graphql.MarshalTime(at))
		if got := written(MarshalDateTime(at)); got != want {
			t.Errorf("MarshalDateTime(%v) = %s, gqlgen writes %s", at, got, want)
		}
		if got := wrote(func(b *bytes.Buffer) bool { return WriteDateTime(b, at) }); got != want {
			t.Errorf("WriteDateTime(%v) = %s, gqlgen writes %s", at, got, want)
		}
		wantDate := strconv.Quote(at.Format("2006-01-02"))
		if got := written(MarshalDate(at)); got != wantDate {
			t.Errorf("MarshalDate(%v) = %s, want %s", at, got, wantDate)
		}
		if got := wrote(func(b *bytes.Buffer) bool { return WriteDate(b, at) }); got != wantDate {
			t.Errorf("WriteDate(%v) = %s, want %s", at, got, wantDate)
		}
	}
	for _, s := range []string{"8901260222222222222", "", "89 01", `89"01\`, "8901\u2028", "89\x00", "89\xff"} {
		want := written(graphql.MarshalString(s))
		if got := written(MarshalICCID(s)); got != want {
			t.Errorf("MarshalICCID(%q) = %s, gqlgen writes %s", s, got, want)
		}
		if got := wrote(func(b *bytes.Buffer) bool { return WriteICCID(b, s) }); got != want {
			t.Errorf("WriteICCID(%q) = %s, gqlgen writes %s", s, got, want)
		}
	}
}
