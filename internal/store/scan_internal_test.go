package store

import (
	"strings"
	"testing"
	"time"
)

// The typed targets take what lib/pq gives, copy what it lends, set NULL
// where a field can hold it and refuse it, by name, where it cannot.
func TestTypedTargetsScanWhatTheDriverGives(t *testing.T) {
	var (
		s   string
		ns  *string
		i   int
		i64 int64
		ni  *int64
		b   bool
		at  time.Time
		nat *time.Time
	)
	lent := []byte("ACTIVE")
	now := time.Now()
	targets := typedTargets([]any{&s, &ns, &i, &i64, &ni, &b, &at, &nat})
	for k, src := range []any{lent, "label", []byte("42"), int64(-7), nil, true, now, now} {
		if err := targets[k].(interface{ Scan(any) error }).Scan(src); err != nil {
			t.Fatalf("target %d, %#v: %v", k, src, err)
		}
	}
	lent[0] = 'X' // the driver reuses its buffer for the next row
	if s != "ACTIVE" || ns == nil || *ns != "label" || i != 42 || i64 != -7 || ni != nil || !b || !at.Equal(now) || nat == nil || !nat.Equal(now) {
		t.Errorf("scanned %q %v %d %d %v %v %v %v", s, ns, i, i64, ni, b, at, nat)
	}
	for _, c := range []struct {
		into any
		src  any
		want string
	}{
		{&s, nil, "NULL cannot be scanned into a string"},
		{&i, []byte("4x"), `"4x" cannot be scanned into an int`},
		{&at, "yesterday", "a string cannot be scanned into a time"},
	} {
		err := typedTargets([]any{c.into})[0].(interface{ Scan(any) error }).Scan(c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("scanning %#v into %T: %v, want an error saying %q", c.src, c.into, err, c.want)
		}
	}
}
