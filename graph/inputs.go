package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teztelecom/tez/graph/scalar"
	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/relay"
	"github.com/teztelecom/tez/internal/usage"
)

// InputCheck reads every argument of an operation, variables and input
// objects included, before anything runs: a malformed DateTime or ICCID, a
// text with a NUL character (PostgreSQL cannot store one) or an ID that is
// no global ID of this API answers BAD_USER_INPUT with the argument's path
// and a plain message. Left to the resolvers, the same mistake would be
// found field by field: a null that blanks the dashboard, one error per
// SIM card, or the database's INTERNAL error.
type InputCheck struct {
	schema *ast.Schema // the input objects' definitions
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &InputCheck{}

// ExtensionName implements graphql.HandlerExtension.
func (*InputCheck) ExtensionName() string { return "InputCheck" }

// Validate implements graphql.HandlerExtension; the handler calls it when
// the extension is added, with the schema it serves.
func (c *InputCheck) Validate(es graphql.ExecutableSchema) error {
	c.schema = es.Schema()
	return nil
}

// MutateOperationContext refuses the operation at its first bad argument.
func (c *InputCheck) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	ic := inputChecker{op: op, schema: c.schema, path: make([]step, 0, 16)}
	ic.selections(op.Operation.SelectionSet)
	return ic.err
}

// inputChecker walks one operation. Its path is a stack reused for every
// place visited, made into an ast.Path only for the error.
type inputChecker struct {
	op     *graphql.OperationContext
	schema *ast.Schema
	path   []step
	err    *gqlerror.Error
}

// step is one element of a path: a name, or an index when name is "".
type step struct {
	name  string
	index int
}

func (c *inputChecker) selections(set ast.SelectionSet) {
	for _, sel := range set {
		if c.err != nil {
			return
		}
		switch sel := sel.(type) {
		case *ast.Field:
			c.path = append(c.path, step{name: sel.Alias})
			if sel.Definition != nil {
				for _, arg := range sel.Arguments {
					def := sel.Definition.Arguments.ForName(arg.Name)
					if def == nil || arg.Value == nil {
						continue
					}
					v, err := arg.Value.Value(c.op.Variables)
					if err != nil {
						continue // refused by validation already
					}
					c.path = append(c.path, step{name: arg.Name})
					c.value(v, def.Type)
					c.path = c.path[:len(c.path)-1]
				}
				c.rules(sel)
			}
			c.selections(sel.SelectionSet)
			c.path = c.path[:len(c.path)-1]
		case *ast.InlineFragment:
			c.selections(sel.SelectionSet)
		case *ast.FragmentSpread:
			if f := c.op.Doc.Fragments.ForName(sel.Name); f != nil {
				c.selections(f.SelectionSet)
			}
		}
	}
}

// value checks v, of type t, at the current path: lists element by
// element, input objects field by field, leaves by their scalar's rule.
func (c *inputChecker) value(v any, t *ast.Type) {
	if v == nil || c.err != nil {
		return
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			c.value(v, t.Elem) // a single value given for a list
			return
		}
		for i, e := range list {
			c.path = append(c.path, step{index: i})
			c.value(e, t.Elem)
			c.path = c.path[:len(c.path)-1]
		}
		return
	}
	if obj, ok := v.(map[string]any); ok {
		def := c.schema.Types[t.NamedType]
		if def == nil || def.Kind != ast.InputObject {
			return
		}
		for _, f := range def.Fields {
			c.path = append(c.path, step{name: f.Name})
			c.value(obj[f.Name], f.Type)
			c.path = c.path[:len(c.path)-1]
		}
		return
	}
	s, ok := v.(string)
	if !ok {
		return
	}
	if def := c.schema.Types[t.NamedType]; def != nil && def.Kind == ast.Enum {
		// gqlparser takes a variable's enum value in any case (EqualFold);
		// the names are exact, and a generated enum would fail to read it.
		if def.EnumValues.ForName(s) == nil {
			c.fail(enumProblem(def, s))
		}
		return
	}
	if problem := leafProblem(t.NamedType, s); problem != "" {
		c.fail(problem)
	}
}

// enumProblem says which names an enum takes, exactly as written.
func enumProblem(def *ast.Definition, s string) string {
	names := make([]string, len(def.EnumValues))
	for i, v := range def.EnumValues {
		names[i] = v.Name
	}
	return fmt.Sprintf("%q is not a %s: use one of %s, in capitals as written", s, def.Name, strings.Join(names, ", "))
}

// boundedCounts are the counts of fields that are no connection, by field
// coordinate, with the rule their resolver applies.
var boundedCounts = map[string]struct {
	arg  string
	rule func(*int) error
}{
	"SimCard.recentUsageSessions": {"limit", recentLimit},
}

// rules applies, before anything runs, the rules that take a field's
// arguments together: a connection's first and last (relay.Args.Counts)
// and its cursors' form (relay.CheckCursor),
// the bounded counts above, and a history range's from before its to
// (usage.Range). Left to the resolvers, each answered one error per SIM
// card and a null that blanked the dashboard.
func (c *inputChecker) rules(f *ast.Field) {
	if c.err != nil || len(f.Arguments) == 0 { // defaults are in range
		return
	}
	if from, to := c.timeArg(f, "from"), c.timeArg(f, "to"); from != nil && to != nil {
		if _, err := usage.Range("", from, to); err != nil {
			c.refuse("from", apperr.MessageOf(err))
			return
		}
	}
	if f.Definition.Arguments.ForName("first") != nil {
		var a relay.Args
		first, hasFirst := c.intArg(f, "first")
		last, hasLast := c.intArg(f, "last")
		if hasFirst {
			a.First = first
		}
		if hasLast {
			a.Last = last
		}
		a.After, a.Before = c.stringArg(f, "after"), c.stringArg(f, "before")
		if p, err := a.Counts(); err != nil {
			name := "first"
			if p.Backward || !hasFirst {
				name = "last"
			}
			c.refuse(name, apperr.MessageOf(err))
			return
		}
		c.cursor("after", a.After)
		c.cursor("before", a.Before)
		return
	}
	if f.ObjectDefinition == nil {
		return
	}
	if b, ok := boundedCounts[f.ObjectDefinition.Name+"."+f.Name]; ok {
		if n, given := c.intArg(f, b.arg); given {
			if err := b.rule(n); err != nil {
				c.refuse(b.arg, apperr.MessageOf(err))
			}
		}
	}
}

// cursor refuses the connection's cursor argument name when no connection
// gave it out.
func (c *inputChecker) cursor(name string, cursor *string) {
	if cursor != nil && c.err == nil {
		if err := relay.CheckCursor(*cursor); err != nil {
			c.refuse(name, apperr.MessageOf(err))
		}
	}
}

// intArg is the value of the field's Int argument name (nil for an explicit
// null) and whether the operation gives it at all; a default is not checked.
func (c *inputChecker) intArg(f *ast.Field, name string) (*int, bool) {
	arg := f.Arguments.ForName(name)
	if arg == nil || arg.Value == nil {
		return nil, false
	}
	v, err := arg.Value.Value(c.op.Variables)
	if err != nil {
		return nil, false // refused by validation already
	}
	if arg.Value.Kind == ast.Variable {
		if _, set := c.op.Variables[arg.Value.Raw]; !set {
			return nil, false // an unset variable leaves the default
		}
	}
	var n int64
	switch v := v.(type) {
	case nil:
		return nil, true
	case int64:
		n = v
	case int:
		n = int64(v)
	case float64:
		n = int64(v)
	case json.Number:
		if n, err = v.Int64(); err != nil {
			return nil, false
		}
	default:
		return nil, false
	}
	i := int(n)
	return &i, true
}

// timeArg is the value of the field's DateTime argument name, nil when it
// is not given or not well-formed (refused already).
func (c *inputChecker) timeArg(f *ast.Field, name string) *time.Time {
	if def := f.Definition.Arguments.ForName(name); def == nil || def.Type.NamedType != "DateTime" {
		return nil
	}
	s := c.stringArg(f, name)
	if s == nil {
		return nil
	}
	t, err := scalar.UnmarshalDateTime(*s)
	if err != nil {
		return nil
	}
	return &t
}

// stringArg is the value of the field's argument name when it is a string.
func (c *inputChecker) stringArg(f *ast.Field, name string) *string {
	arg := f.Arguments.ForName(name)
	if arg == nil || arg.Value == nil {
		return nil
	}
	v, err := arg.Value.Value(c.op.Variables)
	if s, ok := v.(string); ok && err == nil {
		return &s
	}
	return nil
}

// refuse answers BAD_USER_INPUT at the current field's argument arg.
func (c *inputChecker) refuse(arg, problem string) {
	c.path = append(c.path, step{name: arg})
	c.fail(problem)
	c.path = c.path[:len(c.path)-1]
}

// fail answers BAD_USER_INPUT at the current path.
func (c *inputChecker) fail(problem string) {
	path, name := c.errorPath()
	c.err = &gqlerror.Error{
		Message:    fmt.Sprintf("%s: %s", name, problem),
		Path:       path,
		Extensions: map[string]any{"code": string(apperr.Invalid)},
	}
}

// errorPath is the current path for the client (ast.Path) and as a person
// reads it (field.argument.field[0]).
func (c *inputChecker) errorPath() (ast.Path, string) {
	path := make(ast.Path, len(c.path))
	var b strings.Builder
	for i, p := range c.path {
		if p.name == "" {
			path[i] = ast.PathIndex(p.index)
			fmt.Fprintf(&b, "[%d]", p.index)
			continue
		}
		path[i] = ast.PathName(p.name)
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p.name)
	}
	return path, b.String()
}

// leafProblem says what is wrong with a string given for a scalar or enum
// of this name, "" when nothing is.
func leafProblem(typeName, s string) string {
	if strings.ContainsRune(s, 0) {
		return "the text contains a NUL character (\\u0000), which no text here may hold: remove it"
	}
	var err error
	switch typeName {
	case "DateTime":
		_, err = scalar.UnmarshalDateTime(s)
	case "ICCID":
		_, err = scalar.UnmarshalICCID(s)
	case "ID":
		if _, _, err = relay.ParseGlobalID(s); err != nil {
			return "this is not an ID this API gave out: pass the `id` of an object exactly as it was answered"
		}
	}
	if err != nil {
		return apperr.MessageOf(err)
	}
	return ""
}
