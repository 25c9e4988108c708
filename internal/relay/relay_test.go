package relay

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apperr"
)

func TestGlobalIDRoundTrip(t *testing.T) {
	id := GlobalID("Order", "42")
	typ, key, err := ParseGlobalID(id)
	if err != nil || typ != "Order" || key != "42" {
		t.Fatalf("ParseGlobalID(%q) = %q, %q, %v; want Order, 42", id, typ, key, err)
	}
	if got, err := KeyOf(id, "Order"); err != nil || got != "42" {
		t.Errorf("KeyOf = %q, %v; want 42", got, err)
	}
	if _, err := KeyOf(id, "SimCard"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("KeyOf with the wrong type: code %q, want NOT_FOUND", apperr.CodeOf(err))
	}
}

// IDs that clients keep (in caches, bookmarks, their own databases) stay
// exactly what they were, however long the key.
func TestGlobalIDIsTheEncodedTypeAndKey(t *testing.T) {
	for _, key := range []string{"42", "2026-12-02T10:00:00.123456789Z|981234", strings.Repeat("8901", 40)} {
		want := base64.RawURLEncoding.EncodeToString([]byte("UsageSession:" + key))
		if got := GlobalID("UsageSession", key); got != want {
			t.Errorf("GlobalID(UsageSession, %q) = %q, want %q", key, got, want)
		}
	}
}

func TestParseGlobalIDRejectsMalformed(t *testing.T) {
	for _, id := range []string{"", "!!!", GlobalID("", "1"), "T3JkZXI" /* "Order" without a key */} {
		if _, _, err := ParseGlobalID(id); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("ParseGlobalID(%q): code %q, want BAD_USER_INPUT", id, apperr.CodeOf(err))
		}
	}
}

func TestArgsPage(t *testing.T) {
	ptr := func(n int) *int { return &n }
	cur := EncodeCursor("2026-01-01T00:00:00Z", "7")
	tests := []struct {
		name    string
		args    Args
		want    Page
		invalid bool
	}{
		{"default", Args{}, Page{Limit: DefaultPageSize}, false},
		{"first with after", Args{First: ptr(5), After: &cur}, Page{Limit: 5, After: []string{"2026-01-01T00:00:00Z", "7"}}, false},
		{"last", Args{Last: ptr(3)}, Page{Limit: 3, Backward: true}, false},
		{"both first and last", Args{First: ptr(1), Last: ptr(1)}, Page{}, true},
		{"both counts and both cursors", Args{First: ptr(1), Last: ptr(1), After: &cur, Before: &cur}, Page{}, true},
		{"loadPrevious with a defaulted first", Args{First: ptr(10), Last: ptr(3), Before: &cur}, Page{Limit: 3, Backward: true}, false},
		{"loadNext with a defaulted last", Args{First: ptr(4), Last: ptr(10), After: &cur}, Page{Limit: 4, After: []string{"2026-01-01T00:00:00Z", "7"}}, false},
		{"loadPrevious with a defaulted first out of range", Args{First: ptr(10), Last: ptr(MaxPageSize + 1), Before: &cur}, Page{}, true},
		{"too many", Args{First: ptr(MaxPageSize + 1)}, Page{}, true},
		{"negative", Args{First: ptr(-1)}, Page{}, true},
		{"garbled cursor", Args{After: ptr2("nope")}, Page{}, true},
		{"cursor of another connection", Args{After: ptr2(EncodeCursor("1"))}, Page{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.args.Page(2)
			if tt.invalid {
				if apperr.CodeOf(err) != apperr.Invalid {
					t.Fatalf("err code %q, want BAD_USER_INPUT", apperr.CodeOf(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Limit != tt.want.Limit || got.Backward != tt.want.Backward || len(got.After) != len(tt.want.After) {
				t.Errorf("Page = %+v, want %+v", got, tt.want)
			}
			for i := range tt.want.After {
				if got.After[i] != tt.want.After[i] {
					t.Errorf("After[%d] = %q, want %q", i, got.After[i], tt.want.After[i])
				}
			}
		})
	}
}

func ptr2(s string) *string { return &s }

func TestCut(t *testing.T) {
	forward := Page{Limit: 2}
	got, more := Cut(forward, []int{1, 2, 3})
	if len(got) != 2 || got[0] != 1 || got[1] != 2 || !more {
		t.Errorf("forward Cut = %v, %v; want [1 2], true", got, more)
	}
	backward := Page{Limit: 2, Backward: true}
	got, more = Cut(backward, []int{9, 8})
	if len(got) != 2 || got[0] != 8 || got[1] != 9 || more {
		t.Errorf("backward Cut = %v, %v; want [8 9], false", got, more)
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(EncodeCursor("a", "b"))
	f.Add("")
	f.Add("W10")
	f.Fuzz(func(t *testing.T, s string) {
		key, err := DecodeCursor(s, 2)
		if err == nil && len(key) != 2 {
			t.Fatalf("DecodeCursor(%q) = %v without error, want 2 parts", s, key)
		}
		if err == nil && EncodeCursor(key...) == "" {
			t.Fatal("re-encoding a decoded cursor gave nothing")
		}
	})
}

func FuzzParseGlobalID(f *testing.F) {
	f.Add(GlobalID("Order", "1"))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		typ, key, err := ParseGlobalID(s)
		if err != nil {
			return
		}
		if typ == "" || key == "" {
			t.Fatalf("ParseGlobalID(%q) accepted an empty part", s)
		}
		if back := GlobalID(typ, key); back != s {
			if t2, k2, _ := ParseGlobalID(back); t2 != typ || k2 != key {
				t.Fatalf("round trip of %q changed it", s)
			}
		}
	})
}

func TestEncodeCursorWritesWhatJSONWrites(t *testing.T) {
	keys := [][]string{
		{"2026-11-25T08:00:00.123456Z", "42"},
		{"8999700000000000018"},
		nil,
		{"quote\"", "back\\slash", "<tag>&", "tab\t", "ünïcode", "\u2028"},
	}
	for _, key := range keys {
		b, _ := json.Marshal(key)
		if got, want := EncodeCursor(key...), base64.RawURLEncoding.EncodeToString(b); got != want {
			t.Errorf("EncodeCursor(%q) = %s, json.Marshal gives %s", key, got, want)
		}
		back, err := DecodeCursor(EncodeCursor(key...), len(key))
		if err != nil || !slices.Equal(back, key) {
			t.Errorf("DecodeCursor(EncodeCursor(%q)) = %q, %v", key, back, err)
		}
	}
}

// Connect computes no cursor until the page info is asked for one, and
// then that of the first or last item shown (in display order: a backward
// page is reversed); an empty page has none. The flags follow the page's
// direction.
func TestConnectComputesCursorsWhenAsked(t *testing.T) {
	calls := 0
	cursor := func(n int) string { calls++; return EncodeCursor(string(rune('a' + n))) }
	rows, info := Connect(Page{Limit: 2}, []int{0, 1, 2}, cursor)
	if calls != 0 {
		t.Errorf("Connect computed %d cursors before any was asked for", calls)
	}
	if !slices.Equal(rows, []int{0, 1}) || !info.HasNextPage || info.HasPreviousPage {
		t.Errorf("forward page = %v, next %v, previous %v; want [0 1], true, false", rows, info.HasNextPage, info.HasPreviousPage)
	}
	if s, e := info.StartCursor(), info.EndCursor(); s == nil || e == nil || *s != cursor(0) || *e != cursor(1) {
		t.Errorf("cursors = %v, %v; want those of 0 and 1", s, e)
	}

	before := []string{"x"}
	rows, info = Connect(Page{Limit: 2, Backward: true, Before: before}, []int{2, 1, 0}, cursor)
	if !slices.Equal(rows, []int{1, 2}) || !info.HasPreviousPage || !info.HasNextPage {
		t.Errorf("backward page = %v, previous %v, next %v; want [1 2], true, true", rows, info.HasPreviousPage, info.HasNextPage)
	}
	if s := info.StartCursor(); s == nil || *s != cursor(1) {
		t.Errorf("backward start cursor = %v, want that of 1", s)
	}

	_, info = Connect(Page{Limit: 2}, []int{}, cursor)
	if info.StartCursor() != nil || info.EndCursor() != nil || info.HasNextPage {
		t.Errorf("empty page info = %+v, start %v, end %v; want no cursors, no next page", info, info.StartCursor(), info.EndCursor())
	}
}
