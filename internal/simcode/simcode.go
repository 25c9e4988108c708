// Package simcode hashes the activation codes printed on SIM holders next to
// the ICCID. Only the hash is stored; guessing is stopped by throttling the
// attempts, not by the hash.
package simcode

import (
	"crypto/sha256"
	"strings"
)

// Hash returns the stored form of an activation code. Case and spaces are
// ignored: people type what they read off the plastic.
func Hash(code string) []byte {
	normal := strings.ToUpper(strings.Join(strings.Fields(code), ""))
	sum := sha256.Sum256([]byte(normal))
	return sum[:]
}
