package secret

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestVerifyRefusesForgedAndReplayedDeliveries(t *testing.T) {
	key := []byte("whsec_partner")
	body := []byte(`{"id":"evt_1","type":"sim.suspended"}`)
	now := time.Unix(1_800_000_000, 0)
	good := Sign(key, now, body)
	const tolerance = 5 * time.Minute
	for _, tc := range []struct {
		name   string
		key    []byte
		header string
		body   []byte
		at     time.Time
		want   error
	}{
		{"as sent", key, good, body, now, nil},
		{"received a minute later", key, good, body, now.Add(time.Minute), nil},
		{"another body under the signature", key, good, []byte(`{"id":"evt_1","type":"sim.reactivated"}`), now, ErrSignatureMismatch},
		{"signed with another secret", []byte("whsec_attacker"), good, body, now, ErrSignatureMismatch},
		{"replayed after the window", key, good, body, now.Add(tolerance + time.Second), ErrSignatureStale},
		{"dated in the future", key, good, body, now.Add(-tolerance - time.Second), ErrSignatureStale},
		{"a fresh time on an old signature", key, strings.Replace(good, "t=1800000000", "t=1800000600", 1), body, now.Add(10 * time.Minute), ErrSignatureMismatch},
		{"no header", key, "", body, now, ErrSignatureMalformed},
		{"no signature", key, "t=1800000000", body, now, ErrSignatureMalformed},
		{"garbled", key, "v1=zz,t=abc", body, now, ErrSignatureMalformed},
		{"a second, valid signature (secret rotation)", key, "t=1800000000,v1=00ff," + strings.Split(good, ",")[1], body, now, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Verify(tc.key, tc.header, tc.body, tc.at, tolerance); !errors.Is(got, tc.want) {
				t.Errorf("Verify = %v, want %v", got, tc.want)
			}
		})
	}
}
