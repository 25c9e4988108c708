package webhooks

import (
	"errors"
	"strings"
	"testing"
)

func TestSealedSecretOpensOnlyWithItsKey(t *testing.T) {
	a, err := NewSealer(strings.Repeat("ab", 32), true)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSealer(strings.Repeat("cd", 32), true)
	sealed := a.Seal("whsec_x")
	if strings.Contains(string(sealed), "whsec_x") {
		t.Fatal("the sealed secret contains the secret")
	}
	if got, err := a.Open(sealed); err != nil || got != "whsec_x" {
		t.Errorf("open with its key = %q, %v", got, err)
	}
	if _, err := b.Open(sealed); err == nil {
		t.Error("another key opened the secret")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := a.Open(sealed); err == nil {
		t.Error("a tampered seal opened")
	}
	if _, err := NewSealer("", true); !errors.Is(err, ErrNoKey) {
		t.Errorf("production without a key: %v, want ErrNoKey", err)
	}
	for _, bad := range []string{"short", strings.Repeat("zz", 32), strings.Repeat("ab", 16)} {
		if _, err := NewSealer(bad, false); err == nil {
			t.Errorf("key %q accepted", bad)
		}
	}
}
