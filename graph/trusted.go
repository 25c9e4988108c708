package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teztelecom/tez/internal/apperr"
)

// TrustedDocuments executes only the documents of a manifest (hash → text).
// A client may send the text, or just its hash as an automatic persisted
// query (extensions.persistedQuery.sha256Hash): the text is then taken from
// the manifest.
type TrustedDocuments struct {
	Manifest map[string]string
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = TrustedDocuments{}

// ExtensionName implements graphql.HandlerExtension.
func (TrustedDocuments) ExtensionName() string { return "TrustedDocuments" }

// Validate implements graphql.HandlerExtension.
func (TrustedDocuments) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters refuses a document that is not in the manifest.
func (t TrustedDocuments) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	hash := ""
	if p.Query != "" {
		sum := sha256.Sum256([]byte(p.Query))
		hash = hex.EncodeToString(sum[:])
	} else if pq, ok := p.Extensions["persistedQuery"].(map[string]any); ok {
		hash, _ = pq["sha256Hash"].(string)
	}
	doc, ok := t.Manifest[hash]
	if !ok {
		err := gqlerror.Errorf("this server runs only its trusted documents, and this is not one of them")
		err.Extensions = map[string]any{"code": string(apperr.BadRequest)}
		return err
	}
	p.Query = doc
	return nil
}
