package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		status int
		body   string
		ok     bool
	}{
		{200, `{"data":{"me":{"id":"1"}}}`, true},
		{200, `{"data":{"me":null},"errors":[{"message":"x"}]}`, false},
		{200, `{"data":null}`, false},
		{500, `{"data":{"x":1}}`, false},
		{200, `not json`, false},
	}
	for _, tt := range tests {
		if err := Check(tt.status, []byte(tt.body)); (err == nil) != tt.ok {
			t.Errorf("Check(%d, %s) = %v, want ok=%v", tt.status, tt.body, err, tt.ok)
		}
	}
}

func TestLoadCountsSuccessesAndFailures(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%4 == 0 {
			fmt.Fprint(w, `{"data":null,"errors":[{"message":"every fourth fails"}]}`)
			return
		}
		fmt.Fprint(w, `{"data":{"ok":true}}`)
	}))
	defer srv.Close()
	l := Load{URL: srv.URL, Connections: 4, Duration: 300 * time.Millisecond}
	r := l.Run(context.Background(), Scenario{Name: "t", Next: func(*rand.Rand) Request { return Request{Body: []byte(`{}`)} }})
	if r.Requests == 0 || r.Errors == 0 || r.FirstError == "" {
		t.Fatalf("result %+v: want requests with errors counted", r)
	}
	// A quarter of the answers fail; allow for the phase cut-off.
	if ratio := float64(r.Errors) / float64(r.Requests); ratio < 0.2 || ratio > 0.3 {
		t.Errorf("error ratio %.2f, want about 0.25", ratio)
	}
	if r.RequestsPerSecond <= 0 || r.P50ms <= 0 || r.P99ms < r.P50ms {
		t.Errorf("figures %+v do not add up", r)
	}
}
