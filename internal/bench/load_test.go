package bench

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
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

func TestScriptBindsValuesAsVariables(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	got, err := Script([]Statement{
		{Query: "SELECT a -- the column\n  FROM t WHERE id = $1 AND name = $2 AND n = ANY($10::int[]) AND r = $3", Args: []any{int64(7), "O'Brien", nil, nil, nil, nil, nil, nil, nil, "{1,2}"}},
		{Query: "SELECT $1, $2, $3", Args: []any{[]byte{0xab}, at, true}},
	}, "c0")
	if err != nil {
		t.Fatal(err)
	}
	want := "SELECT a FROM t WHERE id = :c0_0_1 AND name = :c0_0_2 AND n = ANY(:c0_0_10::int[]) AND r = NULL;\n" +
		"SELECT :c0_1_1, :c0_1_2, :c0_1_3;\n"
	if got.Text != want {
		t.Errorf("Script =\n%s\nwant\n%s", got.Text, want)
	}
	wantVars := map[string]string{"c0_0_1": "7", "c0_0_2": "O'Brien", "c0_0_10": "{1,2}",
		"c0_1_1": `\xab`, "c0_1_2": "2026-05-01T00:00:00Z", "c0_1_3": "true"}
	if !maps.Equal(got.Vars, wantVars) {
		t.Errorf("variables %v, want %v", got.Vars, wantVars)
	}
	if _, err := Script([]Statement{{Query: "SELECT $2", Args: []any{int64(1)}}}, "c0"); err == nil {
		t.Error("a placeholder without a value was accepted")
	}
}

func TestPreparedBindsValuesAsParameters(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	prepare, execute, err := Prepared("p1", Statement{Query: "SELECT $1, $2,\n $3, $4, $5 -- note", Args: []any{int64(7), "O'Brien", nil, at, []byte{0xab}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `PREPARE p1 AS SELECT $1, $2, $3, $4, $5`; prepare != want {
		t.Errorf("prepare = %s, want %s", prepare, want)
	}
	if want := `EXECUTE p1('7', 'O''Brien', NULL, '2026-05-01T00:00:00Z', '\xab')`; execute != want {
		t.Errorf("execute = %s, want %s", execute, want)
	}
}

func TestSteadyTPSLeavesOutTheWarmUp(t *testing.T) {
	out := []byte("pgbench (15.8)\nprogress: 1.0 s, 300.0 tps, lat 50.1 ms stddev 3.2, 0 failed\n" +
		"progress: 2.0 s, 600.0 tps, lat 20.0 ms stddev 1.0, 0 failed\n" +
		"progress: 3.0 s, 1000.0 tps, lat 16.0 ms stddev 1.0, 0 failed\n" +
		"progress: 4.0 s, 1100.0 tps, lat 15.0 ms stddev 1.0, 0 failed\n" +
		"tps = 750.0 (without initial connection time)\n")
	got, err := steadyTPS(out, 2*time.Second)
	if err != nil || got != 1050 {
		t.Errorf("steadyTPS = %v, %v; want 1050 (the mean after 2 s)", got, err)
	}
	if _, err := steadyTPS(out, 10*time.Second); err == nil {
		t.Error("a run that never left its warm-up gave a rate")
	}
}

// wrk sends the sampled requests (body and headers) and fails the answers
// Check fails, here those of requests without the header.
func TestWRKSendsTheScenarioAndChecksAnswers(t *testing.T) {
	bin, err := exec.LookPath("wrk")
	if err != nil {
		t.Skip("wrk is not installed (Debian: apt-get install wrk); tez bench then uses its built-in generator")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") == "" || string(body) != `{"q":"\"x\" é"}` {
			fmt.Fprint(w, `{"errors":[{"message":"no"}],"data":null}`)
			return
		}
		fmt.Fprint(w, `{"data":{"ok":true}}`)
	}))
	defer srv.Close()
	sc := Scenario{Name: "t", Next: func(rng *rand.Rand) Request {
		req := Request{Body: []byte(`{"q":"\"x\" é"}`)}
		if rng.IntN(4) != 0 {
			req.Header = map[string]string{"Authorization": "Bearer t"}
		}
		return req
	}}
	r := WRK{Bin: bin, URL: srv.URL, Connections: 2, Duration: time.Second}.Run(context.Background(), sc)
	if r.Requests == 0 || r.RequestsPerSecond <= 0 || r.P50ms <= 0 || r.LoadCPUms <= 0 {
		t.Fatalf("result %+v: want requests, a rate, latencies and CPU", r)
	}
	// A quarter of the samples lack the header: their answers fail.
	if ratio := float64(r.Errors) / float64(r.Requests); ratio < 0.15 || ratio > 0.35 {
		t.Errorf("error ratio %.2f (%+v), want about 0.25", ratio, r)
	}
	// The first failed answer is shown, quotes made plain for JSON.
	if want := `the first: 200 {'errors':[{'message':'no'}],'data':null}`; !strings.HasSuffix(r.FirstError, want) {
		t.Errorf("first error %q, want it to end %q", r.FirstError, want)
	}
}
