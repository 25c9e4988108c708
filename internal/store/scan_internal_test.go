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

// A SIM's status and its nullable ints have typed targets too, so that a
// part of a union can be scanned through them (inPart).
func TestTypedTargetsOfStatusesAndNullableInts(t *testing.T) {
	var (
		status SIMStatus
		days   *int
		none   = new(int)
	)
	targets := typedTargets([]any{&status, &days, &none})
	for k, src := range []any{[]byte("SUSPENDED"), int64(3), nil} {
		if err := targets[k].(interface{ Scan(any) error }).Scan(src); err != nil {
			t.Fatalf("target %d, %#v: %v", k, src, err)
		}
	}
	if status != SIMSuspended || days == nil || *days != 3 || none != nil {
		t.Errorf("scanned %q %v %v", status, days, none)
	}
	if err := targets[0].(interface{ Scan(any) error }).Scan(nil); err == nil || !strings.Contains(err.Error(), "NULL cannot be scanned into a string") {
		t.Errorf("a NULL status: %v, want it refused", err)
	}
}

// A column of one part of a union is scanned only on that part's rows: a
// row of another part (NULL there) leaves the field as it was, and a row
// of its own part sets it, NULL included.
func TestPartTargetsScanOnlyTheirPart(t *testing.T) {
	var (
		part  int
		label string
		msisd *string
	)
	targets := inPart(&part, 1, []any{&label, &msisd})
	scan := func(p int, srcs ...any) {
		t.Helper()
		part = p
		for k, src := range srcs {
			if err := targets[k].(interface{ Scan(any) error }).Scan(src); err != nil {
				t.Fatalf("part %d, target %d, %#v: %v", p, k, src, err)
			}
		}
	}
	scan(1, "Trips", "+77010000001")
	scan(2, nil, nil)
	if label != "Trips" || msisd == nil || *msisd != "+77010000001" {
		t.Errorf("after another part's row: %q %v, want the part's own values kept", label, msisd)
	}
	scan(1, "Home", nil)
	if label != "Home" || msisd != nil {
		t.Errorf("after the part's own row: %q %v, want Home and NULL", label, msisd)
	}
	defer func() {
		if recover() == nil {
			t.Error("a field without a typed target was accepted")
		}
	}()
	inPart(&part, 1, []any{new(float64)})
}
