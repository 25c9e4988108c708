package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// Typed scan targets for the positional reads (queryEach). database/sql's
// Rows.Scan converts most values by reflection: an int column into an int
// field goes int64 → string → ParseInt, a nullable one allocates by
// reflect.New; on the dashboard's rows that was 4% of the server's CPU. A
// target that is a sql.Scanner gets the driver's value as it is, so the
// common fields are scanned through these, which take the values lib/pq
// gives (string, []byte for other text forms, int64, bool, time.Time) and
// refuse any other with an error. Each is one pointer, so storing it in
// an interface allocates nothing. Other fields keep Rows.Scan's own
// conversion. TestPositionalReadsMatchTheColumns holds every positional
// read to sqlx's by-name read of the same rows.
type (
	stringInto     struct{ p *string }
	nullStringInto struct{ p **string }
	int64Into      struct{ p *int64 }
	nullInt64Into  struct{ p **int64 }
	intInto        struct{ p *int }
	nullIntInto    struct{ p **int }
	statusInto     struct{ p *SIMStatus }
	boolInto       struct{ p *bool }
	timeInto       struct{ p *time.Time }
	nullTimeInto   struct{ p **time.Time }
)

// typedTargets is dest with each field of a type above behind its typed
// target.
func typedTargets(dest []any) []any {
	out := make([]any, len(dest))
	for i, d := range dest {
		switch p := d.(type) {
		case *string:
			out[i] = stringInto{p}
		case **string:
			out[i] = nullStringInto{p}
		case *int64:
			out[i] = int64Into{p}
		case **int64:
			out[i] = nullInt64Into{p}
		case *int:
			out[i] = intInto{p}
		case **int:
			out[i] = nullIntInto{p}
		case *SIMStatus:
			out[i] = statusInto{p}
		case *bool:
			out[i] = boolInto{p}
		case *time.Time:
			out[i] = timeInto{p}
		case **time.Time:
			out[i] = nullTimeInto{p}
		default:
			out[i] = d
		}
	}
	return out
}

func cannotScan(src any, into string) error {
	if src == nil {
		return fmt.Errorf("store: NULL cannot be scanned into %s", into)
	}
	return fmt.Errorf("store: a %T cannot be scanned into %s", src, into)
}

func (t stringInto) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*t.p = v
	case []byte:
		*t.p = string(v) // the driver reuses its buffer
	default:
		return cannotScan(src, "a string")
	}
	return nil
}

func (t nullStringInto) Scan(src any) error {
	if src == nil {
		*t.p = nil
		return nil
	}
	var s string
	if err := (stringInto{&s}).Scan(src); err != nil {
		return err
	}
	*t.p = &s
	return nil
}

func parseInt(src any, into string) (int64, error) {
	switch v := src.(type) {
	case int64:
		return v, nil
	case []byte:
		i, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("store: %q cannot be scanned into %s: %w", v, into, err)
		}
		return i, nil
	}
	return 0, cannotScan(src, into)
}

func (t int64Into) Scan(src any) (err error) {
	*t.p, err = parseInt(src, "an int64")
	return err
}

func (t nullInt64Into) Scan(src any) error {
	if src == nil {
		*t.p = nil
		return nil
	}
	i, err := parseInt(src, "an int64")
	if err != nil {
		return err
	}
	*t.p = &i
	return nil
}

func (t intInto) Scan(src any) error {
	i, err := parseInt(src, "an int")
	*t.p = int(i)
	return err
}

func (t nullIntInto) Scan(src any) error {
	if src == nil {
		*t.p = nil
		return nil
	}
	var i int
	if err := (intInto{&i}).Scan(src); err != nil {
		return err
	}
	*t.p = &i
	return nil
}

func (t statusInto) Scan(src any) error {
	var s string
	if err := (stringInto{&s}).Scan(src); err != nil {
		return err
	}
	*t.p = SIMStatus(s)
	return nil
}

func (t boolInto) Scan(src any) error {
	b, ok := src.(bool)
	if !ok {
		return cannotScan(src, "a bool")
	}
	*t.p = b
	return nil
}

func (t timeInto) Scan(src any) error {
	v, ok := src.(time.Time)
	if !ok {
		return cannotScan(src, "a time")
	}
	*t.p = v
	return nil
}

func (t nullTimeInto) Scan(src any) error {
	if src == nil {
		*t.p = nil
		return nil
	}
	v, ok := src.(time.Time)
	if !ok {
		return cannotScan(src, "a time")
	}
	*t.p = &v
	return nil
}

// partInto scans a column of one part of a UNION ALL read whose first
// column says which part a row belongs to: a row of another part leaves
// the field as it was. database/sql scans a row's columns in order, so the
// part is known by the time the other columns are scanned.
type partInto struct {
	part *int
	want int
	into sql.Scanner
}

func (t partInto) Scan(src any) error {
	if *t.part != t.want {
		return nil
	}
	return t.into.Scan(src)
}

// inPart is the targets of dest (typedTargets) for the columns of part
// want; every field must have a typed target.
func inPart(part *int, want int, dest []any) []any {
	out := typedTargets(dest)
	for i, d := range out {
		sc, ok := d.(sql.Scanner)
		if !ok {
			panic(fmt.Sprintf("store: a %T has no typed target to scan a part into", dest[i]))
		}
		out[i] = partInto{part, want, sc}
	}
	return out
}
