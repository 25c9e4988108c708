// Package relay implements the Relay conventions the schema follows: opaque
// global object IDs and opaque cursors for keyset pagination.
package relay

import (
	"encoding/base64"
	"strings"

	"github.com/teztelecom/tez/internal/apperr"
)

// GlobalID makes the opaque ID of an object of a GraphQL type from its key.
// It is built and encoded in stack buffers, so that the string is its one
// allocation: a dashboard makes some sixty.
func GlobalID(typeName, key string) string {
	var raw [96]byte
	src := append(append(append(raw[:0], typeName...), ':'), key...)
	var out [128]byte
	n := base64.RawURLEncoding.EncodedLen(len(src))
	dst := out[:0]
	if n > len(out) {
		dst = make([]byte, 0, n)
	}
	return string(base64.RawURLEncoding.AppendEncode(dst, src))
}

// ParseGlobalID splits an ID made by GlobalID. A malformed ID is an Invalid
// error; an ID of an unknown type is the caller's NotFound.
func ParseGlobalID(id string) (typeName, key string, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil {
		return "", "", apperr.New(apperr.Invalid, "malformed ID %q", truncate(id))
	}
	typeName, key, ok := strings.Cut(string(raw), ":")
	if !ok || typeName == "" || key == "" {
		return "", "", apperr.New(apperr.Invalid, "malformed ID %q", truncate(id))
	}
	return typeName, key, nil
}

// KeyOf returns the key of a global ID that must be of typeName. An ID of
// another type answers NotFound, like a missing object of the right type.
func KeyOf(id, typeName string) (string, error) {
	t, key, err := ParseGlobalID(id)
	if err != nil {
		return "", err
	}
	if t != typeName {
		return "", apperr.New(apperr.NotFound, "no %s with ID %q", typeName, truncate(id))
	}
	return key, nil
}

// truncate keeps echoed client input short in messages.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// Node is any object that has a global ID. The GraphQL layer switches on the
// concrete type to find the object type.
type Node interface{}

// The GraphQL object types that have global IDs.
const (
	TypeProduct      = "Product"
	TypeUser         = "User"
	TypeAddress      = "Address"
	TypeSimCard      = "SimCard"
	TypeUsageSession = "UsageSession"
	TypeOrder        = "Order"
)
