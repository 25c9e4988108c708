// Package secret makes and hashes the secrets of the service: the opaque
// bearer tokens (sign-in sessions, email links, guest order access) and the
// activation codes printed on SIM holders. The database keeps only their
// SHA-256, so a leaked table opens nothing.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// NewToken makes a token starting with prefix, of 32 random bytes, and the
// hash to store.
func NewToken(prefix string) (token string, hash []byte) {
	var raw [32]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails (Go 1.24+)
	token = prefix + base64.RawURLEncoding.EncodeToString(raw[:])
	return token, TokenHash(token)
}

// TokenHash is what the database keeps of a token.
func TokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ActivationCodeHash returns the stored form of a SIM's activation code.
// Case and spaces are ignored: people type what they read off the plastic.
// Guessing is stopped by throttling the attempts, not by the hash.
func ActivationCodeHash(code string) []byte {
	normal := strings.ToUpper(strings.Join(strings.Fields(code), ""))
	sum := sha256.Sum256([]byte(normal))
	return sum[:]
}
