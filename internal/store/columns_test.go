package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Every positional read's declaration, checked: its column i must scan
// into the field whose db tag names column i, and every tagged field of
// the row must be read once, so that a column moved, added or dropped
// without its target (or the other way round) fails here.
var declarations = map[string]func(*testing.T){
	"addressCols":     func(t *testing.T) { checkColumns(t, addressCols) },
	"itemCols":        func(t *testing.T) { checkColumns(t, itemCols) },
	"orderCols":       func(t *testing.T) { checkColumns(t, orderCols) },
	"productCols":     func(t *testing.T) { checkColumns(t, productCols) },
	"resellerSIMCols": func(t *testing.T) { checkColumns(t, resellerSIMCols) },
	"sessionCols":     func(t *testing.T) { checkColumns(t, sessionCols, "user") }, // the account: userCols
	"simCols":         func(t *testing.T) { checkColumns(t, simCols) },
	"totalsCols":      func(t *testing.T) { checkColumns(t, totalsCols) },
	"usageCols":       func(t *testing.T) { checkColumns(t, usageCols) },
	"userCols":        func(t *testing.T) { checkColumns(t, userCols) },
}

func TestEachColumnScansIntoItsField(t *testing.T) {
	for name, check := range declarations {
		t.Run(name, check)
	}
}

// A declaration the test does not know of is not checked: the package's
// columns[…] variables must be exactly those above.
func TestEveryPositionalReadIsChecked(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, v := range vs.Values {
				if lit, ok := v.(*ast.CompositeLit); ok {
					if ix, ok := lit.Type.(*ast.IndexExpr); ok && identName(ix.X) == "columns" {
						found = append(found, vs.Names[i].Name)
					}
				}
			}
			return true
		})
	}
	var want []string
	for name := range declarations {
		want = append(want, name)
	}
	slices.Sort(found)
	slices.Sort(want)
	if !slices.Equal(found, want) {
		t.Errorf("positional reads declared: %v; checked: %v", found, want)
	}
}

func identName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// checkColumns checks one declaration; skip are tagged fields that other
// declarations read (a nested struct).
func checkColumns[T any](t *testing.T, cs columns[T], skip ...string) {
	t.Helper()
	var row T
	fields := map[fieldAt]string{}
	var tags []string
	taggedFields(reflect.ValueOf(&row).Elem(), fields, &tags)
	var read []string
	for i, c := range cs {
		p := reflect.ValueOf(c.into(&row))
		want := c.name
		if _, as, ok := strings.Cut(want, " AS "); ok {
			want = as
		}
		got, ok := fields[fieldAt{p.Pointer(), p.Type().Elem()}]
		if !ok {
			t.Errorf("column %d (%s) scans into no tagged field of %T", i+1, c.name, row)
			continue
		}
		if got != want {
			t.Errorf("column %d (%s) scans into the field tagged %q", i+1, c.name, got)
		}
		read = append(read, got)
	}
	for _, tag := range tags {
		if !slices.Contains(read, tag) && !slices.Contains(skip, tag) {
			t.Errorf("field tagged %q of %T is not read", tag, row)
		}
	}
}

type fieldAt struct {
	addr uintptr
	typ  reflect.Type
}

// taggedFields finds the fields of v with a db tag, those of embedded
// structs too, by address and type (an embedded struct and its first field
// share an address, not a type).
func taggedFields(v reflect.Value, out map[fieldAt]string, tags *[]string) {
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		if sf.Anonymous && sf.Tag.Get("db") == "" {
			taggedFields(f, out, tags)
			continue
		}
		if tag := sf.Tag.Get("db"); tag != "" && tag != "-" {
			out[fieldAt{f.Addr().Pointer(), f.Type()}] = tag
			*tags = append(*tags, tag)
		}
	}
}
