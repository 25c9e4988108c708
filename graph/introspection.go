package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teztelecom/tez/internal/apperr"
)

// introspectionOff refuses an operation that asks for the schema
// (__schema or __type) when introspection is off, before it runs, with a
// code the client can read. Without it gqlgen's resolvers answer an
// uncoded error, which the presenter can only call INTERNAL. __typename
// is not introspection of the schema and stays allowed.
type introspectionOff struct{ noSchemaCheck }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionOff{}

// ExtensionName implements graphql.HandlerExtension.
func (introspectionOff) ExtensionName() string { return "IntrospectionOff" }

// MutateOperationContext looks at the root fields only: validation allows
// __schema and __type nowhere else.
func (introspectionOff) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil || !asksSchema(op.Doc.Fragments, op.Operation.SelectionSet, map[string]bool{}) {
		return nil
	}
	return codedError(apperr.BadRequest, "introspection is turned off on this server")
}

// asksSchema reports whether a root selection set, its fragments spread
// (each once), selects __schema or __type.
func asksSchema(fragments ast.FragmentDefinitionList, set ast.SelectionSet, spread map[string]bool) bool {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name == "__schema" || sel.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if asksSchema(fragments, sel.SelectionSet, spread) {
				return true
			}
		case *ast.FragmentSpread:
			if f := fragments.ForName(sel.Name); f != nil && !spread[sel.Name] {
				spread[sel.Name] = true
				if asksSchema(fragments, f.SelectionSet, spread) {
					return true
				}
			}
		}
	}
	return false
}
