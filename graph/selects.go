package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// selects reports whether the field being resolved selects the path below
// it, one "Type.field" a level (through fragments, @skip and @include): a
// resolver that can read what its children will ask in its own statement
// looks ahead with it.
func selects(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	return selectsIn(graphql.GetOperationContext(ctx), fc.Field.Selections, path)
}

func selectsIn(op *graphql.OperationContext, sel ast.SelectionSet, path []string) bool {
	if len(path) == 0 {
		return true
	}
	typeName, field, _ := strings.Cut(path[0], ".")
	for _, f := range graphql.CollectFields(op, sel, []string{typeName}) {
		if f.Name == field && selectsIn(op, f.Selections, path[1:]) {
			return true
		}
	}
	return false
}
