package graph

import (
	"context"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/teztelecom/tez/internal/apperr"
)

// ShapeLimits bound a document's size and shape: how many tokens and
// fields it has, how deep it nests, how many aliases it uses (each a way to
// repeat a field's work) and how many root fields an operation asks at once.
// They are checked on the parsed document before validation, because
// gqlparser's validation is quadratic in repeated fields, and they apply to every operation and fragment of the
// document, introspection fields included.
type ShapeLimits struct {
	noSchemaCheck
	MaxTokens, MaxFields, MaxDepth, MaxAliases, MaxRootFields int
	// Cache is the handler's query cache: it holds only documents that
	// passed, so a document found there is not measured again.
	Cache graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = ShapeLimits{}

// ExtensionName implements graphql.HandlerExtension.
func (ShapeLimits) ExtensionName() string { return "ShapeLimits" }

// MutateOperationParameters refuses a document over a limit before gqlgen
// parses and validates it. A document that does not lex or parse is left
// to gqlgen, which reports the syntax error as it always does.
func (l ShapeLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil
	}
	if l.Cache != nil {
		if _, ok := l.Cache.Get(ctx, p.Query); ok {
			return nil
		}
	}
	src := &ast.Source{Input: p.Query}
	tokens, ok := countTokens(src, l.MaxTokens)
	if !ok {
		return nil
	}
	if tokens > l.MaxTokens {
		return codedError(apperr.BadRequest, "the document has more than %d tokens", l.MaxTokens)
	}
	doc, err := parser.ParseQuery(src)
	if err != nil {
		return nil
	}
	return l.check(measureDocument(doc))
}

func (l ShapeLimits) check(m documentShape) *gqlerror.Error {
	switch {
	case m.fields > l.MaxFields:
		return codedError(apperr.BadRequest, "the document asks %s fields (fragments spread out); at most %d", atLeast(m.fields), l.MaxFields)
	case m.rootFields > l.MaxRootFields:
		return codedError(apperr.BadRequest, "the operation asks %s root fields; at most %d", atLeast(m.rootFields), l.MaxRootFields)
	case m.depth > l.MaxDepth:
		return codedError(apperr.DepthLimit, "the operation nests %d levels deep; at most %d", m.depth, l.MaxDepth)
	case m.aliases > l.MaxAliases:
		return codedError(apperr.BadRequest, "the operation uses %s aliases; at most %d", atLeast(m.aliases), l.MaxAliases)
	}
	return nil
}

// countTokens counts src's tokens, stopping once past limit; ok is false
// when src does not lex.
func countTokens(src *ast.Source, limit int) (n int, ok bool) {
	lex := lexer.New(src)
	for n <= limit {
		tok, err := lex.ReadToken()
		if err != nil {
			return n, false
		}
		if tok.Kind == lexer.EOF {
			return n, true
		}
		n++
	}
	return n, true
}

// countCap bounds the counts: fragments that spread each other twice
// double a document's fields at every level.
const countCap = 1 << 40

func atLeast(n int) string {
	if n >= countCap {
		return "more than a trillion"
	}
	return strconv.Itoa(n)
}

// documentShape is the largest of each measure over a document's
// definitions: fields counts every field of the document as written and
// of each operation with its fragments spread out, the others are per
// operation.
type documentShape struct {
	fields, rootFields, depth, aliases int
}

// setShape measures a selection set with its fragments spread out.
type setShape struct {
	direct  int // fields directly in the set: the root fields of an operation
	fields  int // fields at every level
	aliases int
	depth   int // levels of fields below and including the set's own
}

func (s *setShape) add(o setShape) {
	s.direct = min(s.direct+o.direct, countCap)
	s.fields = min(s.fields+o.fields, countCap)
	s.aliases = min(s.aliases+o.aliases, countCap)
	s.depth = max(s.depth, o.depth)
}

// measureDocument measures each fragment once, so spreads cost nothing to
// count, however often they repeat. Validation has not run yet: a spread
// of an unknown fragment, or of one that is being measured (a cycle,
// which validation refuses), counts nothing.
func measureDocument(doc *ast.QueryDocument) documentShape {
	m := measurer{fragments: doc.Fragments, done: map[string]setShape{}, busy: map[string]bool{}}
	var d documentShape
	written := 0
	for _, op := range doc.Operations {
		s := m.set(op.SelectionSet)
		written += countWritten(op.SelectionSet)
		d.fields = max(d.fields, s.fields)
		d.rootFields = max(d.rootFields, s.direct)
		d.depth = max(d.depth, s.depth)
		d.aliases = max(d.aliases, s.aliases)
	}
	for _, f := range doc.Fragments {
		written += countWritten(f.SelectionSet)
	}
	d.fields = max(d.fields, written)
	return d
}

type measurer struct {
	fragments ast.FragmentDefinitionList
	done      map[string]setShape
	busy      map[string]bool
}

func (m *measurer) set(set ast.SelectionSet) setShape {
	var s setShape
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			child := m.set(sel.SelectionSet)
			child.direct = 1
			child.fields = min(child.fields+1, countCap)
			child.depth++
			if sel.Alias != "" && sel.Alias != sel.Name {
				child.aliases = min(child.aliases+1, countCap)
			}
			s.add(child)
		case *ast.InlineFragment:
			s.add(m.set(sel.SelectionSet))
		case *ast.FragmentSpread:
			s.add(m.fragment(sel.Name))
		}
	}
	return s
}

func (m *measurer) fragment(name string) setShape {
	if s, ok := m.done[name]; ok {
		return s
	}
	f := m.fragments.ForName(name)
	if f == nil || m.busy[name] {
		return setShape{}
	}
	m.busy[name] = true
	s := m.set(f.SelectionSet)
	delete(m.busy, name)
	m.done[name] = s
	return s
}

// countWritten counts the fields of a selection set as written, fragments
// not spread: what validation compares with each other.
func countWritten(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			n += 1 + countWritten(sel.SelectionSet)
		case *ast.InlineFragment:
			n += countWritten(sel.SelectionSet)
		}
	}
	return n
}
