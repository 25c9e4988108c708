// Package opaque makes the opaque bearer secrets of the service (sign-in
// sessions, email links, guest order access): 32 random bytes, of which the
// database keeps only a SHA-256, so a leaked table opens nothing.
package opaque

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// New makes a token starting with prefix and the hash to store.
func New(prefix string) (token string, hash []byte) {
	var raw [32]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails (Go 1.24+)
	token = prefix + base64.RawURLEncoding.EncodeToString(raw[:])
	return token, Hash(token)
}

// Hash is what the database keeps of a token.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
