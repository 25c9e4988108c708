package relay

import (
	"encoding/base64"
	"encoding/json"
	"slices"

	"github.com/teztelecom/tez/internal/apperr"
)

// MaxPageSize caps first/last on every connection unless a field says otherwise.
const MaxPageSize = 100

// DefaultPageSize applies when neither first nor last is given.
const DefaultPageSize = 20

// EncodeCursor makes an opaque cursor from the sort key of an item: the
// key as a JSON array of strings, base64url. Every edge of every page has
// one, so keys that JSON writes as they are (timestamps, IDs: the usual
// case) skip json.Marshal's reflection; the bytes are the same.
func EncodeCursor(key ...string) string {
	if key == nil || slices.ContainsFunc(key, escapedByJSON) {
		b, _ := json.Marshal(key) // a []string always marshals
		return base64.RawURLEncoding.EncodeToString(b)
	}
	buf := make([]byte, 0, 64)
	buf = append(buf, '[')
	for i, k := range key {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = append(buf, k...)
		buf = append(buf, '"')
	}
	buf = append(buf, ']')
	return base64.RawURLEncoding.EncodeToString(buf)
}

// escapedByJSON reports whether json.Marshal writes s other than as it is
// between quotes: anything but printable ASCII, quotes, backslashes and the
// HTML characters it escapes.
func escapedByJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c >= 0x80, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return true
		}
	}
	return false
}

// DecodeCursor reads a cursor made by EncodeCursor with n key parts.
func DecodeCursor(cursor string, n int) ([]string, error) {
	key, err := decodeCursor(cursor)
	if err != nil || len(key) != n {
		return nil, malformedCursor(cursor)
	}
	return key, nil
}

// CheckCursor refuses a cursor that no connection gave out, whatever the
// length of its key, so it can run before anything does; DecodeCursor
// still checks the length for its connection.
func CheckCursor(cursor string) error {
	if _, err := decodeCursor(cursor); err != nil {
		return malformedCursor(cursor)
	}
	return nil
}

func decodeCursor(cursor string) ([]string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	var key []string
	if err == nil {
		err = json.Unmarshal(raw, &key)
	}
	return key, err
}

func malformedCursor(cursor string) error {
	return apperr.New(apperr.Invalid, "malformed cursor %q: pass a cursor returned by this connection", truncate(cursor))
}

// Args are a connection field's pagination arguments.
type Args struct {
	First, Last   *int
	After, Before *string
}

// Page is a validated request for one page: Limit items after After (or,
// when Backward, before Before), each a decoded sort key or nil.
type Page struct {
	Limit    int
	Backward bool
	After    []string
	Before   []string
}

// Page validates the arguments for a connection sorted by a key of keyLen parts.
//
// Relay's loadPrevious sends the forward count as well when its variable has
// a default (first: 10, last: 3, before: c), and loadNext the backward one:
// with both counts, the one cursor given says the direction and the other
// count is ignored. Both counts without that cursor stay refused, as taking
// the first n and then the last m of them is not what anybody means.
func (a Args) Page(keyLen int) (Page, error) {
	p, err := a.Counts()
	if err != nil {
		return p, err
	}
	if a.After != nil {
		if p.After, err = DecodeCursor(*a.After, keyLen); err != nil {
			return p, err
		}
	}
	if a.Before != nil {
		if p.Before, err = DecodeCursor(*a.Before, keyLen); err != nil {
			return p, err
		}
	}
	return p, nil
}

// Counts is Page without the cursors' keys: the page's Limit and direction,
// or the error for counts out of range or in conflict. It needs only whether
// each cursor is given, so it can run before anything does.
func (a Args) Counts() (Page, error) {
	var p Page
	if a.First != nil && a.Last != nil {
		switch {
		case a.Before != nil && a.After == nil:
			a.First = nil
		case a.After != nil && a.Before == nil:
			a.Last = nil
		default:
			return p, apperr.New(apperr.Invalid,
				"pass first or last, not both (or both with one cursor: last with before pages backward, first with after forward)")
		}
	}
	switch {
	case a.Last != nil:
		p.Limit, p.Backward = *a.Last, true
	case a.First != nil:
		p.Limit = *a.First
	default:
		p.Limit = DefaultPageSize
	}
	if p.Limit < 0 || p.Limit > MaxPageSize {
		return p, apperr.New(apperr.Invalid, "page size must be between 0 and %d, got %d", MaxPageSize, p.Limit)
	}
	return p, nil
}

// Fetch is how many rows to ask the database for: one more than the page,
// to learn whether another page follows.
func (p Page) Fetch() int { return p.Limit + 1 }

// Cut trims rows fetched with Fetch (in the direction of the page: reversed
// when Backward) to the page in display order, and reports whether more
// rows lie beyond it in the direction of travel.
func Cut[T any](p Page, rows []T) (page []T, more bool) {
	if len(rows) > p.Limit {
		rows, more = rows[:p.Limit], true
	}
	if p.Backward {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	return rows, more
}

// PageInfo is the Relay page info of a page cut by Cut. Its cursors are
// computed only when asked for: most pages are shown without them.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	start, end      func() string // nil for an empty page
}

// StartCursor is the first item's cursor; nil for an empty page.
func (p PageInfo) StartCursor() *string { return call(p.start) }

// EndCursor is the last item's cursor; nil for an empty page.
func (p PageInfo) EndCursor() *string { return call(p.end) }

func call(f func() string) *string {
	if f == nil {
		return nil
	}
	s := f()
	return &s
}

// Connect cuts rows fetched for page (see Cut) and returns the page's items
// in display order and the page info, whose cursors cursor computes when
// asked for. Like most servers it answers the far side's flag from the
// presence of the opposite cursor rather than paying a query for it.
func Connect[T any](page Page, rows []T, cursor func(T) string) ([]T, *PageInfo) {
	rows, more := Cut(page, rows)
	info := PageInfo{}
	if page.Backward {
		info.HasPreviousPage, info.HasNextPage = more, page.Before != nil
	} else {
		info.HasNextPage, info.HasPreviousPage = more, page.After != nil
	}
	if n := len(rows); n > 0 {
		info.start = func() string { return cursor(rows[0]) }
		info.end = func() string { return cursor(rows[n-1]) }
	}
	return rows, &info
}
