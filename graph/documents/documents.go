// Package documents holds the GraphQL documents the project ships: the
// contracts with clients (dashboard, register, sign-in, reseller balances).
// Tests run them exactly as clients send them, and with
// TEZ_TRUSTED_DOCUMENTS=only they are the only documents the API executes.
// To add one, put its .graphql file here: the manifest is built from this
// folder at compile time.
package documents

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
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

// Manifest maps the SHA-256 (hex) of each shipped document's text to the
// text: the trusted documents.
func Manifest() map[string]string {
	entries, err := FS.ReadDir(".")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		b, err := FS.ReadFile(e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		m[hex.EncodeToString(sum[:])] = string(b)
	}
	return m
}
