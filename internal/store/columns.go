package store

import "strings"

// column is one column of a positional read (see queryRows) beside the
// field of a row it is scanned into.
type column[T any] struct {
	name string       // the column, or "expression AS name"
	into func(*T) any // the scan target in a row
}

// columns declares a positional read: the columns of its statement, in
// order, each beside its scan target, so that neither can change without
// the other. A test checks every declaration against the fields' db tags.
type columns[T any] []column[T]

// list is the columns for a statement: "a, b".
func (cs columns[T]) list() string { return cs.as("") }

// as is the columns of the table aliased alias: "t.a, t.b".
func (cs columns[T]) as(alias string) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		if alias != "" {
			b.WriteString(alias + ".")
		}
		b.WriteString(c.name)
	}
	return b.String()
}

// orZero is as for a LEFT JOINed table: where it found no row, a column
// of zeros reads its value there (a plain field cannot take NULL); the
// others read NULL.
func (cs columns[T]) orZero(alias string, zeros map[string]string) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		if z, ok := zeros[c.name]; ok {
			b.WriteString("coalesce(" + alias + "." + c.name + ", " + z + ")")
		} else {
			b.WriteString(alias + "." + c.name)
		}
	}
	return b.String()
}

// targets are t's fields in the columns' order, for Scan.
func (cs columns[T]) targets(t *T) []any {
	out := make([]any, len(cs))
	for i, c := range cs {
		out[i] = c.into(t)
	}
	return out
}
