package graph_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/graph/generated"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/relay"
)

// badInputs are what a customer (or a careless client) types where each
// kind of leaf is expected; every one must answer BAD_USER_INPUT.
var badInputs = map[string][]string{
	"DateTime": {"2026-11-01", "2026-11-01T00:00:00", "01.11.2026"},
	"ID":       {"garbled!", "T3JkZXI"}, // not base64url; base64url of "Order" without a key
	"ICCID":    {"1234 5678"},
}

// nulText is a text with a NUL byte, which PostgreSQL cannot store.
const nulText = "Tver\x00skaya"

// leaf is a place in an argument where a string goes.
type leaf struct {
	typeName string
	path     []any // inside the argument: input field names and list indices
}

// argCase is one argument of one field, reached from a root field.
type argCase struct {
	op    string // "query" or "mutation"
	chain []*ast.FieldDefinition
	arg   *ast.ArgumentDefinition
}

// TestEveryInputRefusesMalformedText walks the schema: for every argument
// of every field a client can reach, and every string-like place inside it
// (input object fields included), a malformed DateTime, ID or ICCID and a
// text with a NUL byte answer one BAD_USER_INPUT error whose path ends at
// that place, with a plain message: never INTERNAL, never an ERROR log
// line, never a half-run operation.
func TestEveryInputRefusesMalformedText(t *testing.T) {
	t.Parallel()
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	api := apitest.New(t)
	cases := reachableArguments(schema)
	if len(cases) < 20 {
		t.Fatalf("found only %d arguments in the schema: the walk is broken", len(cases))
	}
	checked := 0
	for _, c := range cases {
		for _, l := range leaves(schema, c.arg.Type, nil, map[string]bool{}) {
			bad := append([]string{nulText}, badInputs[l.typeName]...)
			for _, value := range bad {
				name := fmt.Sprintf("%s %s(%s%s) %s=%q", c.op, fieldNames(c.chain), c.arg.Name, pathString(l.path), l.typeName, value)
				t.Run(name, func(t *testing.T) {
					checked++
					doc, vars := document(schema, c, l, value)
					before := len(api.ErrorLogs())
					res := api.Do(apitest.Request{Query: doc, Variables: vars})
					if len(res.Errors) != 1 {
						t.Fatalf("errors %+v, want one\n%s", res.Errors, doc)
					}
					e := res.Errors[0]
					want := append(responsePath(c.chain), c.arg.Name)
					want = append(want, l.path...)
					if e.Code() != "BAD_USER_INPUT" || !reflect.DeepEqual(normalise(e.Path), normalise(want)) {
						t.Errorf("error %q code %s path %v; want BAD_USER_INPUT at %v\n%s", e.Message, e.Code(), e.Path, want, doc)
					}
					if strings.Contains(e.Message, "internal") || !strings.Contains(e.Message, c.arg.Name) {
						t.Errorf("message %q does not say plainly what is wrong with %s", e.Message, c.arg.Name)
					}
					if string(res.Data) != "" && string(res.Data) != "null" {
						t.Errorf("data %s: the operation ran despite its bad input", res.Data)
					}
					if after := api.ErrorLogs(); len(after) > before {
						t.Errorf("the server logged an error: %v", after[before:])
					}
				})
			}
		}
	}
	if checked < 100 {
		t.Errorf("checked %d bad inputs, want the whole schema's", checked)
	}
}

// The dashboard with a malformed range answers one clear error, not a null
// `me` with an INTERNAL error per SIM card.
func TestDashboardWithMalformedRange(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, token := api.Customer("range@x.example")
	for _, from := range []string{"2026-11-01", "2026-11-01T00:00:00", "01.11.2026"} {
		res := api.Do(apitest.Request{Query: documents.Get("dashboard.graphql"), Token: token,
			Variables: map[string]any{"from": from, "to": "2026-12-01T00:00:00Z"}})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, from) {
			t.Errorf("dashboard from %q: %+v, want one BAD_USER_INPUT naming the value", from, res.Errors)
		}
	}
	// A literal in the document is read the same way.
	res := api.Do(apitest.Request{Token: token,
		Query: `{ me { simCards { usageSessions(from: "2026-11-01") { edges { node { id } } } } } }`})
	if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" ||
		fmt.Sprint(res.Errors[0].Path) != "[me simCards usageSessions from]" {
		t.Errorf("a literal bare date: %+v", res.Errors)
	}
	if len(api.ErrorLogs()) > 0 {
		t.Errorf("the server logged errors: %v", api.ErrorLogs())
	}
}

// TestEveryCountRefusesOutOfRange walks the schema's counts (a connection's
// first and last, recentUsageSessions' limit): one out of range answers one
// BAD_USER_INPUT at that argument before anything runs, as a variable or a
// literal, never an error per object with a null that blanks the screen.
func TestEveryCountRefusesOutOfRange(t *testing.T) {
	t.Parallel()
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	api := apitest.New(t)
	_, token := api.Customer("counts@x.example")
	checked := 0
	for _, c := range reachableArguments(schema) {
		if c.arg.Type.NamedType != "Int" {
			continue
		}
		for _, value := range []int{-1, 1000} {
			doc, vars := document(schema, c, leaf{typeName: "Int"}, value)
			// The same with the count written in the document.
			v := fmt.Sprintf("$v%d_%s", len(c.chain)-1, c.arg.Name)
			literal := strings.Replace(doc, c.arg.Name+": "+v, c.arg.Name+": "+fmt.Sprint(value), 1)
			for _, decl := range []string{"(" + v + ": Int)", ", " + v + ": Int", v + ": Int, "} {
				literal = strings.Replace(literal, decl, "", 1)
			}
			for name, d := range map[string]string{"variable": doc, "literal": literal} {
				t.Run(fmt.Sprintf("%s %s(%s: %d) %s", c.op, fieldNames(c.chain), c.arg.Name, value, name), func(t *testing.T) {
					checked++
					res := api.Do(apitest.Request{Query: d, Variables: vars, Token: token})
					want := append(responsePath(c.chain), c.arg.Name)
					if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" ||
						normalise(res.Errors[0].Path) != normalise(want) {
						t.Fatalf("errors %+v, want one BAD_USER_INPUT at %v\n%s", res.Errors, want, d)
					}
					if !strings.Contains(res.Errors[0].Message, fmt.Sprint(value)) {
						t.Errorf("message %q does not name the value given", res.Errors[0].Message)
					}
					if string(res.Data) != "" && string(res.Data) != "null" {
						t.Errorf("data %s: the operation ran", res.Data)
					}
				})
			}
		}
	}
	if checked < 10 {
		t.Errorf("checked %d counts, want every connection's and limit", checked)
	}
}

// reachableArguments lists every argument of every field reachable from
// the roots, each field reached by its shortest chain of fields.
func reachableArguments(schema *ast.Schema) []argCase {
	var out []argCase
	type step struct {
		op    string
		typ   *ast.Definition
		chain []*ast.FieldDefinition
	}
	seen := map[string]bool{}
	queue := []step{{"query", schema.Query, nil}, {"mutation", schema.Mutation, nil}}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s.typ == nil || seen[s.op+s.typ.Name] {
			continue
		}
		seen[s.op+s.typ.Name] = true
		for _, f := range s.typ.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			chain := append(s.chain[:len(s.chain):len(s.chain)], f)
			for _, a := range f.Arguments {
				out = append(out, argCase{op: s.op, chain: chain, arg: a})
			}
			if def := schema.Types[f.Type.Name()]; def != nil && def.Kind == ast.Object {
				queue = append(queue, step{s.op, def, chain})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].op < out[j].op })
	return out
}

// leaves lists the string-like places in a value of type t.
func leaves(schema *ast.Schema, t *ast.Type, path []any, visiting map[string]bool) []leaf {
	if t.Elem != nil {
		return leaves(schema, t.Elem, append(path[:len(path):len(path)], 0), visiting)
	}
	def := schema.Types[t.NamedType]
	switch {
	case def == nil:
		return nil
	case def.Kind == ast.InputObject:
		if visiting[def.Name] {
			return nil
		}
		visiting[def.Name] = true
		defer delete(visiting, def.Name)
		var out []leaf
		for _, f := range def.Fields {
			out = append(out, leaves(schema, f.Type, append(path[:len(path):len(path)], f.Name), visiting)...)
		}
		return out
	case def.Kind == ast.Scalar && def.Name != "Int" && def.Name != "Float" && def.Name != "Boolean" && def.Name != "Int64":
		return []leaf{{typeName: def.Name, path: path}}
	}
	return nil
}

// document writes an operation reaching c's field, with every argument on
// the way passed as a variable: valid values for the required ones, and
// value at l in c's argument.
func document(schema *ast.Schema, c argCase, l leaf, value any) (string, map[string]any) {
	vars := map[string]any{}
	var decls []string
	var open, closeBraces strings.Builder
	for i, f := range c.chain {
		var args []string
		for _, a := range f.Arguments {
			if a != c.arg && a.Type.NonNull == false {
				continue
			}
			name := fmt.Sprintf("v%d_%s", i, a.Name)
			v := valid(schema, a.Type)
			if a == c.arg {
				v = place(schema, a.Type, v, l.path, value)
			}
			vars[name] = v
			decls = append(decls, "$"+name+": "+a.Type.String())
			args = append(args, a.Name+": $"+name)
		}
		open.WriteString(f.Name)
		if len(args) > 0 {
			open.WriteString("(" + strings.Join(args, ", ") + ")")
		}
		if def := schema.Types[f.Type.Name()]; def != nil && def.Kind != ast.Scalar && def.Kind != ast.Enum {
			if i == len(c.chain)-1 {
				open.WriteString(" { __typename }")
			} else {
				open.WriteString(" { ")
				closeBraces.WriteString(" }")
			}
		}
	}
	doc := c.op
	if len(decls) > 0 {
		doc += "(" + strings.Join(decls, ", ") + ")"
	}
	return doc + " { " + open.String() + closeBraces.String() + " }", vars
}

// valid is a well-formed value of type t (required input fields filled).
func valid(schema *ast.Schema, t *ast.Type) any {
	if t.Elem != nil {
		return []any{valid(schema, t.Elem)}
	}
	def := schema.Types[t.NamedType]
	switch t.NamedType {
	case "String", "Decimal":
		return "1"
	case "ID":
		return relay.GlobalID(relay.TypeOrder, "1")
	case "Int", "Int64":
		return 1
	case "Float":
		return 1.0
	case "Boolean":
		return true
	case "DateTime":
		return "2026-11-01T00:00:00Z"
	case "ICCID":
		return "8999701000000000015"
	}
	switch def.Kind {
	case ast.Enum:
		return def.EnumValues[0].Name
	case ast.InputObject:
		obj := map[string]any{}
		for _, f := range def.Fields {
			if f.Type.NonNull {
				obj[f.Name] = valid(schema, f.Type)
			}
		}
		return obj
	}
	return "1"
}

// place sets value at path inside v (a value of type t), creating what is
// missing on the way with valid values.
func place(schema *ast.Schema, t *ast.Type, v any, path []any, value any) any {
	if len(path) == 0 {
		return value
	}
	switch step := path[0].(type) {
	case int:
		list, _ := v.([]any)
		if len(list) == 0 {
			list = []any{valid(schema, t.Elem)}
		}
		list[0] = place(schema, t.Elem, list[0], path[1:], value)
		return list
	case string:
		obj, _ := v.(map[string]any)
		f := schema.Types[t.NamedType].Fields.ForName(step)
		cur, ok := obj[step]
		if !ok {
			cur = valid(schema, f.Type)
		}
		obj[step] = place(schema, f.Type, cur, path[1:], value)
		return obj
	}
	return v
}

func responsePath(chain []*ast.FieldDefinition) []any {
	out := make([]any, len(chain))
	for i, f := range chain {
		out[i] = f.Name
	}
	return out
}

func fieldNames(chain []*ast.FieldDefinition) string {
	return strings.Join(func() []string {
		s := make([]string, len(chain))
		for i, f := range chain {
			s[i] = f.Name
		}
		return s
	}(), ".")
}

func pathString(p []any) string {
	var b strings.Builder
	for _, e := range p {
		if i, ok := e.(int); ok {
			fmt.Fprintf(&b, "[%d]", i)
		} else {
			fmt.Fprintf(&b, ".%s", e)
		}
	}
	return b.String()
}

// normalise makes JSON numbers and ints compare equal.
func normalise(p []any) string {
	b, _ := json.Marshal(p)
	return string(b)
}

// An enum value in another case, which gqlparser's validation lets through
// for variables, answers BAD_USER_INPUT naming the exact values: before,
// gqlgen's generated enum failed to read it and the client saw INTERNAL.
func TestEnumVariableInAnotherCase(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	query := `query($k: ProductKind) { products(first: 2, kind: $k) { edges { node { sku } } } }`
	for _, k := range []string{"sim_card", "Sim_Card"} {
		res := api.Do(apitest.Request{Query: query, Variables: map[string]any{"k": k}})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" ||
			!strings.Contains(res.Errors[0].Message, "SIM_CARD, TOPUP_VOUCHER") || fmt.Sprint(res.Errors[0].Path) != "[products kind]" {
			t.Errorf("kind %q: %+v, want one BAD_USER_INPUT at products.kind naming the values", k, res.Errors)
		}
	}
	if res := api.Do(apitest.Request{Query: query, Variables: map[string]any{"k": "SIM_CARD"}}); len(res.Errors) != 0 {
		t.Errorf("the exact name was refused: %+v", res.Errors)
	}
	if len(api.ErrorLogs()) > 0 {
		t.Errorf("the server logged errors: %v", api.ErrorLogs())
	}
}
