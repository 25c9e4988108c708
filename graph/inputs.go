package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teztelecom/tez/graph/scalar"
	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/relay"
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
	ic := inputChecker{op: op, schema: c.schema}
	ic.selections(op.Operation.SelectionSet, nil)
	return ic.err
}

type inputChecker struct {
	op     *graphql.OperationContext
	schema *ast.Schema
	err    *gqlerror.Error
}

func (c *inputChecker) selections(set ast.SelectionSet, path ast.Path) {
	for _, sel := range set {
		if c.err != nil {
			return
		}
		switch sel := sel.(type) {
		case *ast.Field:
			at := append(path[:len(path):len(path)], ast.PathName(sel.Alias))
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
					c.value(v, def.Type, append(at[:len(at):len(at)], ast.PathName(arg.Name)))
				}
			}
			c.selections(sel.SelectionSet, at)
		case *ast.InlineFragment:
			c.selections(sel.SelectionSet, path)
		case *ast.FragmentSpread:
			if f := c.op.Doc.Fragments.ForName(sel.Name); f != nil {
				c.selections(f.SelectionSet, path)
			}
		}
	}
}

// value checks v, of type t, at path: lists element by element, input
// objects field by field, leaves by their scalar's rule.
func (c *inputChecker) value(v any, t *ast.Type, path ast.Path) {
	if v == nil || c.err != nil {
		return
	}
	if t.Elem != nil {
		if list, ok := v.([]any); ok {
			for i, e := range list {
				c.value(e, t.Elem, append(path[:len(path):len(path)], ast.PathIndex(i)))
			}
			return
		}
		c.value(v, t.Elem, path) // a single value given for a list
		return
	}
	if obj, ok := v.(map[string]any); ok {
		def := c.schema.Types[t.NamedType]
		if def == nil || def.Kind != ast.InputObject {
			return
		}
		for _, f := range def.Fields {
			c.value(obj[f.Name], f.Type, append(path[:len(path):len(path)], ast.PathName(f.Name)))
		}
		return
	}
	s, ok := v.(string)
	if !ok {
		return
	}
	if problem := leafProblem(t.NamedType, s); problem != "" {
		c.err = &gqlerror.Error{
			Message:    fmt.Sprintf("%s: %s", argumentName(path), problem),
			Path:       path,
			Extensions: map[string]any{"code": string(apperr.Invalid)},
		}
	}
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

// argumentName is the path as a person reads it: field.argument.field[0].
func argumentName(path ast.Path) string {
	var b strings.Builder
	for _, p := range path {
		switch p := p.(type) {
		case ast.PathIndex:
			fmt.Fprintf(&b, "[%d]", int(p))
		case ast.PathName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(p))
		}
	}
	return b.String()
}
