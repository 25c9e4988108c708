package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries an event's signature: t=<unix seconds>,v1=<hex
// HMAC-SHA256(secret, "<t>.<body>")>.
const SignatureHeader = "Tez-Signature"

// Tolerance is the replay window docs/webhooks.md asks partners to apply:
// a signature older (or newer) than this is refused.
const Tolerance = 5 * time.Minute

// Sign is the Tez-Signature header value of body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// The reasons Verify refuses a delivery.
var (
	ErrSignatureMalformed = errors.New("Tez-Signature is not t=<unix>,v1=<hex>")
	ErrSignatureStale     = errors.New("Tez-Signature is outside the replay window")
	ErrSignatureMismatch  = errors.New("Tez-Signature does not match the body")
)

// Verify checks a delivery as a partner should: the timestamp within
// tolerance of now (a replayed delivery is stale), then any v1 signature
// matching the body, compared in constant time. It is the code of the
// partners' guide (docs/webhooks.md).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if sig, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, sig)
			}
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrSignatureMalformed
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrSignatureStale
	}
	want := mac(secret, ts, body)
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			return nil
		}
	}
	return ErrSignatureMismatch
}
