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

// as is the columns as read from alias, a table or a query that selected
// them: "t.a, t.b" ("t.b" for "expression AS b").
func (cs columns[T]) as(alias string) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		if alias == "" {
			b.WriteString(c.name)
			continue
		}
		b.WriteString(alias + "." + c.output())
	}
	return b.String()
}

// output is the column's name in the statement's result.
func (c column[T]) output() string {
	if _, name, ok := strings.Cut(c.name, " AS "); ok {
		return name
	}
	return c.name
}

// position is the 1-based position of the column named name among cs, 0
// when there is none.
func (cs columns[T]) position(name string) int {
	for i, c := range cs {
		if c.output() == name {
			return i + 1
		}
	}
	return 0
}

// nullsOf is a typed NULL for each of the columns, taken from the row type
// of table, for a part of a UNION whose other parts read them: "(NULL::t).a".
func (cs columns[T]) nullsOf(table string) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(NULL::" + table + ")." + c.output())
	}
	return b.String()
}

// nulls is n NULLs: "NULL, NULL".
func nulls(n int) string {
	return strings.Repeat("NULL, ", n-1) + "NULL"
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
