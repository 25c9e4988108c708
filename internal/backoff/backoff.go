// Package backoff is the wait between the retries of work that failed
// (an email, a webhook event): doubling after each failure, up to a cap.
package backoff

import "time"

// Exponential is the wait after attempts failed tries: first after one,
// doubled after each further one, at most limit.
func Exponential(first, limit time.Duration, attempts int) time.Duration {
	d := first
	for i := 1; i < attempts && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}
