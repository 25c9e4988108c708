package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// ShapeLimits bound an operation's shape, apart from its complexity: how
// deep it nests, how many aliases it uses (each a way to repeat a field's
// work) and how many root fields it asks at once.
type ShapeLimits struct {
	MaxDepth, MaxAliases, MaxRootFields int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = ShapeLimits{}

// ExtensionName implements graphql.HandlerExtension.
func (ShapeLimits) ExtensionName() string { return "ShapeLimits" }

// Validate implements graphql.HandlerExtension.
func (ShapeLimits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext refuses an operation over a limit before it runs.
func (l ShapeLimits) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	s := shape{fragments: op.Doc.Fragments}
	roots := s.walk(op.Operation.SelectionSet, 1)
	switch {
	case roots > l.MaxRootFields:
		return limitError("BAD_REQUEST", "the operation asks %d root fields; at most %d", roots, l.MaxRootFields)
	case s.depth > l.MaxDepth:
		return limitError("DEPTH_LIMIT", "the operation nests %d levels deep; at most %d", s.depth, l.MaxDepth)
	case s.aliases > l.MaxAliases:
		return limitError("BAD_REQUEST", "the operation uses %d aliases; at most %d", s.aliases, l.MaxAliases)
	}
	return nil
}

func limitError(code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": code}
	return err
}

// shape measures a selection set, fragments flattened (validation has
// already refused fragment cycles).
type shape struct {
	fragments      ast.FragmentDefinitionList
	depth, aliases int
}

// walk returns the number of fields directly in set (fragments flattened).
func (s *shape) walk(set ast.SelectionSet, depth int) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(sel.Name, "__") {
				continue // introspection: cheap, and switched off in production
			}
			n++
			s.depth = max(s.depth, depth)
			if sel.Alias != "" && sel.Alias != sel.Name {
				s.aliases++
			}
			s.walk(sel.SelectionSet, depth+1)
		case *ast.InlineFragment:
			n += s.walk(sel.SelectionSet, depth)
		case *ast.FragmentSpread:
			if f := s.fragments.ForName(sel.Name); f != nil {
				n += s.walk(f.SelectionSet, depth)
			}
		}
	}
	return n
}
