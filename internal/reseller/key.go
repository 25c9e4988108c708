// Package reseller holds the rules of the partner face: API keys of the form
// tez_<prefix>_<secret>, where only the prefix is stored in clear (to find
// the key and to show it in listings) and the secret only as a hash.
package reseller

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

const (
	keyScheme    = "tez"
	prefixBytes  = 4  // 8 hex characters
	secretBytes  = 24 // 48 hex characters, 192 bits
	prefixLength = 2 * prefixBytes
	secretLength = 2 * secretBytes
)

// Key is a newly made API key. Full is shown once and never stored.
type Key struct {
	Full       string
	Prefix     string
	SecretHash []byte
}

// NewKey makes a random API key.
func NewKey() (Key, error) {
	buf := make([]byte, prefixBytes+secretBytes)
	if _, err := rand.Read(buf); err != nil {
		return Key{}, fmt.Errorf("random key: %w", err)
	}
	prefix := hex.EncodeToString(buf[:prefixBytes])
	secret := hex.EncodeToString(buf[prefixBytes:])
	return Key{Full: keyScheme + "_" + prefix + "_" + secret, Prefix: prefix, SecretHash: HashSecret(secret)}, nil
}

// LooksLikeKey tells a reseller key from a customer session token.
func LooksLikeKey(s string) bool { return strings.HasPrefix(s, keyScheme+"_") }

// ParseKey splits a presented key; ok is false for anything malformed.
func ParseKey(s string) (prefix, secret string, ok bool) {
	rest, found := strings.CutPrefix(s, keyScheme+"_")
	if !found {
		return "", "", false
	}
	prefix, secret, found = strings.Cut(rest, "_")
	if !found || len(prefix) != prefixLength || len(secret) != secretLength || !isHex(prefix) || !isHex(secret) {
		return "", "", false
	}
	return prefix, secret, true
}

// HashSecret is the stored form of a key's secret.
func HashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

func isHex(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}
