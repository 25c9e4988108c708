package webhooks

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestVerifyRefusesForgedAndReplayedDeliveries(t *testing.T) {
	secret := "whsec_partner"
	body := []byte(`{"id":"evt_1","type":"sim.suspended"}`)
	now := time.Unix(1_800_000_000, 0)
	good := Sign(secret, now, body)
	for _, tc := range []struct {
		name   string
		secret string
		header string
		body   []byte
		at     time.Time
		want   error
	}{
		{"as sent", secret, good, body, now, nil},
		{"received a minute later", secret, good, body, now.Add(time.Minute), nil},
		{"another body under the signature", secret, good, []byte(`{"id":"evt_1","type":"sim.reactivated"}`), now, ErrSignatureMismatch},
		{"signed with another secret", "whsec_attacker", good, body, now, ErrSignatureMismatch},
		{"replayed after the window", secret, good, body, now.Add(Tolerance + time.Second), ErrSignatureStale},
		{"dated in the future", secret, good, body, now.Add(-Tolerance - time.Second), ErrSignatureStale},
		{"a fresh time on an old signature", secret, strings.Replace(good, "t=1800000000", "t=1800000600", 1), body, now.Add(10 * time.Minute), ErrSignatureMismatch},
		{"no header", secret, "", body, now, ErrSignatureMalformed},
		{"no signature", secret, "t=1800000000", body, now, ErrSignatureMalformed},
		{"garbled", secret, "v1=zz,t=abc", body, now, ErrSignatureMalformed},
		{"a second, valid signature (secret rotation)", secret, "t=1800000000,v1=00ff," + strings.Split(good, ",")[1], body, now, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Verify(tc.secret, tc.header, tc.body, tc.at, Tolerance); !errors.Is(got, tc.want) {
				t.Errorf("Verify = %v, want %v", got, tc.want)
			}
		})
	}
}

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
