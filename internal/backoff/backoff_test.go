package backoff

import (
	"testing"
	"time"
)

func TestExponentialDoublesUpToTheLimit(t *testing.T) {
	for attempts, want := range map[int]time.Duration{0: 30 * time.Second, 1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 8: time.Hour, 1000: time.Hour} {
		if got := Exponential(30*time.Second, time.Hour, attempts); got != want {
			t.Errorf("after %d failures: %v, want %v", attempts, got, want)
		}
	}
}
