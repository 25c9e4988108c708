package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/teztelecom/tez/internal/apperr"
)

// TrustedDocuments executes only allowlisted documents. A client sends
// either a document's text or only its id.
//
// A trusted document's exact text runs at once. Other text is compared by
// shape, not by bytes: few clients send the file as written.
// graphql-codegen sends print(parse(file)), one operation with the
// fragments it uses, and its persisted documents hold that print with
// selections and variables sorted; Apollo and urql add __typename to every
// selection set before printing. So both sides are parsed and printed
// canonically: comments and layout dropped, operations, fragments,
// variables and selections sorted by name (but not a mutation's root
// fields, which run in the order written), __typename fields removed. A
// text of the same shape runs as the client sent it (its __typename
// answers are what its cache needs).
//
// An id is looked up in the manifests (graphql-codegen's
// persisted-documents.json, relay-compiler's persistConfig file) and, for
// shipped files, is the SHA-256 of the file's bytes; the SHA-256 of a text
// recently found trusted works too. It comes as
// extensions.persistedQuery.sha256Hash or as documentId (see
// AcceptDocumentID). An unknown id answers PERSISTED_QUERY_NOT_FOUND, so
// an automatic-persisted-query client retries with the text.
type TrustedDocuments struct {
	noSchemaCheck
	byID    map[string]string
	byShape map[string]bool
	// byText holds the SHA-256 of every trusted document's exact text.
	byText map[string]bool
	// seen holds texts found trusted, by their SHA-256: a repeated text is
	// not parsed again, and an automatic-persisted-query client's hash of
	// its own text (__typename included) finds that text.
	seen *lru.LRU[string]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*TrustedDocuments)(nil)

// NewTrustedDocuments builds the allowlist from the shipped documents (file
// name → text) and any manifests (id → text). A document that does not
// parse is an error: the allowlist would silently lack it.
func NewTrustedDocuments(shipped map[string]string, manifests ...map[string]string) (*TrustedDocuments, error) {
	t := &TrustedDocuments{byID: map[string]string{}, byShape: map[string]bool{}, byText: map[string]bool{}, seen: lru.New[string](1000)}
	add := func(source, id, text string) error {
		doc, err := parser.ParseQuery(&ast.Source{Input: text})
		if err != nil {
			return fmt.Errorf("trusted document %s: %w", source, err)
		}
		for _, shape := range shapes(doc) {
			t.byShape[shape] = true
		}
		t.byID[id] = text
		t.byText[textKey(text)] = true
		return nil
	}
	for _, name := range sortedKeys(shipped) {
		sum := sha256.Sum256([]byte(shipped[name]))
		if err := add(name, hex.EncodeToString(sum[:]), shipped[name]); err != nil {
			return nil, err
		}
	}
	for i, m := range manifests {
		for _, id := range sortedKeys(m) {
			if err := add(fmt.Sprintf("%q of manifest %d", id, i+1), id, m[id]); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ExtensionName implements graphql.HandlerExtension.
func (*TrustedDocuments) ExtensionName() string { return "TrustedDocuments" }

// MutateOperationParameters refuses a document that is not trusted.
func (t *TrustedDocuments) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		pq, _ := p.Extensions["persistedQuery"].(map[string]any)
		id, _ := pq["sha256Hash"].(string)
		text, ok := t.byID[id]
		if !ok {
			text, ok = t.seen.Get(ctx, id)
		}
		if !ok {
			return codedError(apperr.PersistedQueryNotFound, "PersistedQueryNotFound")
		}
		p.Query = text
		// The id is the manifest's, not necessarily the SHA-256 of this
		// text: the automatic-persisted-query extension must not check it.
		delete(p.Extensions, "persistedQuery")
		return nil
	}
	key := textKey(p.Query)
	if t.byText[key] {
		return nil
	}
	if _, ok := t.seen.Get(ctx, key); ok {
		return nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		return nil // not executable anyway: gqlgen answers the parse error itself
	}
	if !t.byShape[canonical(doc.Operations, doc.Fragments)] {
		return codedError(apperr.BadRequest, "this server runs only its trusted documents, and this is not one of them")
	}
	t.seen.Add(ctx, key, p.Query)
	return nil
}

func textKey(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// shapes gives the canonical forms under which a trusted document is
// recognised: the whole document, and each operation alone with the
// fragments it uses (how graphql-codegen and Relay split a file).
func shapes(doc *ast.QueryDocument) []string {
	out := []string{canonical(doc.Operations, doc.Fragments)}
	for _, op := range doc.Operations {
		used := map[string]bool{}
		collectSpreads(op.SelectionSet, doc.Fragments, used)
		var frags ast.FragmentDefinitionList
		for _, f := range doc.Fragments {
			if used[f.Name] {
				frags = append(frags, f)
			}
		}
		out = append(out, canonical(ast.OperationList{op}, frags))
	}
	return out
}

// collectSpreads marks the fragments a selection set uses, transitively.
func collectSpreads(set ast.SelectionSet, frags ast.FragmentDefinitionList, used map[string]bool) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			collectSpreads(s.SelectionSet, frags, used)
		case *ast.InlineFragment:
			collectSpreads(s.SelectionSet, frags, used)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil && !used[s.Name] {
				used[s.Name] = true
				collectSpreads(f.SelectionSet, frags, used)
			}
		}
	}
}

// canonical prints operations and fragments, each sorted by name, with
// their variables and selections sorted and without the __typename fields
// clients add. It changes the definitions given.
func canonical(ops ast.OperationList, frags ast.FragmentDefinitionList) string {
	ops = slices.Clone(ops)
	frags = slices.Clone(frags)
	slices.SortStableFunc(ops, func(a, b *ast.OperationDefinition) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(frags, func(a, b *ast.FragmentDefinition) int { return strings.Compare(a.Name, b.Name) })
	for _, op := range ops {
		op.SelectionSet = withoutTypename(op.SelectionSet)
		// A mutation's root fields run one after another, as written.
		for _, sel := range op.SelectionSet {
			sortSelections(sel)
		}
		if op.Operation != ast.Mutation {
			sortSet(op.SelectionSet)
		}
		slices.SortStableFunc(op.VariableDefinitions, func(a, b *ast.VariableDefinition) int { return strings.Compare(a.Variable, b.Variable) })
	}
	for _, f := range frags {
		f.SelectionSet = withoutTypename(f.SelectionSet)
		sortSet(f.SelectionSet)
	}
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithCompacted()).FormatQueryDocument(&ast.QueryDocument{Operations: ops, Fragments: frags})
	return buf.String()
}

// withoutTypename drops plain __typename fields (no alias, arguments or
// directives), the ones Apollo and urql add, at every depth.
func withoutTypename(set ast.SelectionSet) ast.SelectionSet {
	out := set[:0:0]
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__typename" && s.Alias == "__typename" && len(s.Arguments) == 0 && len(s.Directives) == 0 {
				continue
			}
			s.SelectionSet = withoutTypename(s.SelectionSet)
		case *ast.InlineFragment:
			s.SelectionSet = withoutTypename(s.SelectionSet)
		}
		out = append(out, sel)
	}
	return out
}

// sortSet orders a selection set, at every depth, the way
// graphql-codegen's persisted documents do: fields by name (then alias),
// then fragment spreads, then inline fragments. The order of selections
// changes only the order of the answer's keys.
func sortSet(set ast.SelectionSet) {
	for _, sel := range set {
		sortSelections(sel)
	}
	slices.SortStableFunc(set, func(a, b ast.Selection) int { return strings.Compare(selectionKey(a), selectionKey(b)) })
}

func sortSelections(sel ast.Selection) {
	switch s := sel.(type) {
	case *ast.Field:
		sortSet(s.SelectionSet)
	case *ast.InlineFragment:
		sortSet(s.SelectionSet)
	}
}

// selectionKey is a selection's place in its sorted set (of sets already
// sorted below it).
func selectionKey(sel ast.Selection) string {
	switch s := sel.(type) {
	case *ast.Field:
		return "0" + s.Name + " " + s.Alias
	case *ast.FragmentSpread:
		return "1" + s.Name
	case *ast.InlineFragment:
		keys := make([]string, len(s.SelectionSet))
		for i, c := range s.SelectionSet {
			keys[i] = selectionKey(c)
		}
		return "2" + s.TypeCondition + "{" + strings.Join(keys, ",") + "}"
	}
	return ""
}
