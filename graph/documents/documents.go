// Package documents holds the GraphQL documents the project ships: the
// contracts with clients (dashboard, register, sign-in, reseller balances).
// Tests run them exactly as clients send them.
package documents

import (
	"embed"
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
