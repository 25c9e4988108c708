package store

import (
	"strconv"

	"github.com/teztelecom/tez/internal/apperr"
)

// keyInt reads the single-part integer key of a decoded cursor (nil stays nil).
func keyInt(key []string) (*int64, error) {
	if key == nil {
		return nil, nil
	}
	n, err := strconv.ParseInt(key[0], 10, 64)
	if err != nil {
		return nil, malformedCursor()
	}
	return &n, nil
}

func malformedCursor() error {
	return apperr.New(apperr.Invalid, "malformed cursor: pass a cursor returned by this connection")
}

// ParseID reads the integer key of a global ID; a non-number answers
// NotFound, like any ID that names nothing.
func ParseID(key, what string) (int64, error) {
	n, err := strconv.ParseInt(key, 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.New(apperr.NotFound, "%s not found", what)
	}
	return n, nil
}

// Key renders an integer id as the key of a global ID or cursor.
func Key(n int64) string { return strconv.FormatInt(n, 10) }
