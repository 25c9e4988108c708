package reseller

import (
	"bytes"
	"testing"
)

func TestNewKeyParsesBack(t *testing.T) {
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	prefix, secret, ok := ParseKey(k.Full)
	if !ok || prefix != k.Prefix || !bytes.Equal(HashSecret(secret), k.SecretHash) {
		t.Fatalf("ParseKey(%q) = %q, %q, %v; want the key's prefix and secret", k.Full, prefix, secret, ok)
	}
	if !LooksLikeKey(k.Full) {
		t.Error("a new key does not look like a key")
	}
	other, _ := NewKey()
	if other.Full == k.Full || other.Prefix == k.Prefix {
		t.Error("two keys share a prefix or value: not random")
	}
}

func TestParseKeyRejectsGarbled(t *testing.T) {
	k, _ := NewKey()
	for _, s := range []string{
		"", "tez_", "tez_abc", k.Full[:len(k.Full)-1], k.Full + "0", "xyz" + k.Full[3:],
		"tez_" + k.Prefix + "-" + k.Full[len("tez_")+prefixLength+1:],
		"tez_ZZZZZZZZ_" + k.Full[len("tez_")+prefixLength+1:],
	} {
		if _, _, ok := ParseKey(s); ok {
			t.Errorf("ParseKey(%q) accepted a garbled key", s)
		}
	}
}
