// Package migrations holds the versioned SQL schema, embedded into the binary.
package migrations

import "embed"

// FS holds the goose migrations, applied in file-name order.
//
//go:embed *.sql
var FS embed.FS
