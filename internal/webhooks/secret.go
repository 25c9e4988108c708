package webhooks

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// A signing secret must be stored so that it can sign (HMAC needs it
// whole), yet reading the database must not be enough to forge events: it
// is sealed with AES-256-GCM under TEZ_WEBHOOK_KEY, which lives in the
// servers' environment, never in the database (docs/security.md).
type Sealer struct{ aead cipher.AEAD }

// developmentKey seals secrets when TEZ_WEBHOOK_KEY is unset outside
// production. It is in the source: it protects nothing, and production
// refuses to work without a key of its own.
var developmentKey = sha256.Sum256([]byte("TEZ development webhook key: never use in production"))

// ErrNoKey says production has no TEZ_WEBHOOK_KEY.
var ErrNoKey = errors.New("TEZ_WEBHOOK_KEY is not set: production seals webhook secrets with a key of its own (64 hex digits, e.g. openssl rand -hex 32)")

// NewSealer makes the sealer of keyHex (64 hex digits); an empty key is
// the development key, or ErrNoKey in production.
func NewSealer(keyHex string, production bool) (*Sealer, error) {
	key := developmentKey[:]
	if keyHex != "" {
		k, err := hex.DecodeString(keyHex)
		if err != nil || len(k) != 32 {
			return nil, errors.New("TEZ_WEBHOOK_KEY: want 64 hex digits (32 bytes)")
		}
		key = k
	} else if production {
		return nil, ErrNoKey
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// sealAAD binds a sealed secret to its use.
var sealAAD = []byte("tez webhook signing secret")

// Seal encrypts a secret: nonce, then ciphertext and tag.
func (s *Sealer) Seal(secret string) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24+)
	return s.aead.Seal(nonce, nonce, []byte(secret), sealAAD)
}

// Open decrypts a sealed secret; another key's seal does not open.
func (s *Sealer) Open(sealed []byte) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("sealed webhook secret is truncated")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], sealAAD)
	if err != nil {
		return "", fmt.Errorf("open webhook secret (was TEZ_WEBHOOK_KEY changed?): %w", err)
	}
	return string(plain), nil
}

// newSecret is a fresh signing secret, as partners paste it.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}
