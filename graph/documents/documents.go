// Package documents holds the GraphQL documents the project ships: the
// contracts with clients (dashboard, register, sign-in, reseller balances).
// Tests run them exactly as clients send them, and with
// TEZ_TRUSTED_DOCUMENTS=only they are, with the manifests named in
// TEZ_TRUSTED_MANIFESTS, the only documents the API executes. To add one,
// put its .graphql file here: it is embedded at compile time.
package documents

import (
	"embed"
	"encoding/json"
	"fmt"
)

// FS holds the documents.
//
//go:embed *.graphql
var FS embed.FS

// Get returns a document by file name, e.g. "dashboard.graphql".
func Get(name string) string {
	b, err := FS.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("no shipped document %s: %v", name, err)) // a typo in a test
	}
	return string(b)
}

// Shipped maps each shipped document's file name to its text.
func Shipped() map[string]string {
	entries, err := FS.ReadDir(".")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		m[e.Name()] = Get(e.Name())
	}
	return m
}

// ParseManifest reads a persisted-documents manifest: one JSON object from
// document id to document text. That is the format graphql-codegen's
// client-preset writes (persistedDocuments: persisted-documents.json) and
// relay-compiler writes (persistConfig.file).
func ParseManifest(data []byte) (map[string]string, error) {
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("a manifest is one JSON object from document id to document text: %w", err)
	}
	for id, text := range m {
		if id == "" || text == "" {
			return nil, fmt.Errorf("manifest entry %q: empty id or document", id)
		}
	}
	return m, nil
}
