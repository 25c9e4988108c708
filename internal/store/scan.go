package store

import (
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
