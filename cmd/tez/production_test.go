package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/testdb"
)

// Production without DATABASE_URL refuses to start, in one line saying
// why, before any cluster or demo account exists.
func TestProductionWithoutDatabaseRefusesToStart(t *testing.T) {
	t.Setenv("TEZ_ENV", "production")
	t.Setenv("TEZ_PAYMENT_PROVIDER", "sandbox")
	t.Setenv("DATABASE_URL", "")
	t.Setenv("TEZ_HTTP_ADDR", "127.0.0.1:0")
	t.Setenv("TEZ_METRICS_ADDR", "127.0.0.1:0")
	t.Setenv("TEZ_DATA_DIR", filepath.Join(t.TempDir(), "never-created"))
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"serve"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("production without a database = %v, want one line naming DATABASE_URL", err)
	}
	out := stdout.String() + stderr.String() + err.Error()
	if strings.Contains(out, seed.DemoPassword) || strings.Contains(out, seed.DemoEmail) {
		t.Errorf("the refusal shows the demo account: %s", out)
	}
	if _, err := os.Stat(os.Getenv("TEZ_DATA_DIR")); !os.IsNotExist(err) {
		t.Errorf("an embedded cluster was set up in production: %v", err)
	}
}

// Production with a database: no demo in the start line, /metrics only on
// its own listener, and the security settings logged once at start.
func TestProductionServe(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	t.Setenv("TEZ_ENV", "production")
	t.Setenv("TEZ_PAYMENT_PROVIDER", "sandbox")
	t.Setenv("DATABASE_URL", testdb.DSN(t))
	t.Setenv("TEZ_HTTP_ADDR", "127.0.0.1:0")
	t.Setenv("TEZ_METRICS_ADDR", "127.0.0.1:0")
	t.Setenv("TEZ_CORS_ORIGINS", "https://shop.tez.example")
	t.Setenv("TEZ_TRUSTED_PROXIES", "10.0.0.0/8")

	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	logs := &apitest.LogBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, outW, logs)
		outW.Close()
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve exited with %v", err)
		}
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed nothing: %v; logs %s", err, logs)
	}
	go io.Copy(io.Discard, outR)
	if strings.Contains(line, seed.DemoPassword) || strings.Contains(line, "demo") {
		t.Errorf("the production start line offers the demo: %q", line)
	}
	m := regexp.MustCompile(`http://(\S+)/graphql`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("start line %q has no URL", line)
	}
	api := "http://" + m[1]

	settings := logLines(logs, "security settings")
	if len(settings) != 1 {
		t.Fatalf("security settings logged %d times, want once: %s", len(settings), logs)
	}
	want := map[string]any{"env": "production", "payment_provider": "sandbox", "database": "DATABASE_URL",
		"trusted_proxies": []any{"10.0.0.0/8"}, "cors_origins": []any{"https://shop.tez.example"},
		"trusted_documents": "off", "introspection": false, "playground": false}
	for k, v := range want {
		if got, _ := json.Marshal(settings[0][k]); string(got) != mustJSONText(t, v) {
			t.Errorf("security settings %s = %s, want %s", k, got, mustJSONText(t, v))
		}
	}
	if strings.Contains(logs.String(), os.Getenv("DATABASE_URL")) {
		t.Error("the logs show DATABASE_URL, with its credentials")
	}

	listening := logLines(logs, "metrics listening, apart from the API")
	if len(listening) != 1 {
		t.Fatalf("no metrics listener logged: %s", logs)
	}
	metricsURL := "http://" + listening[0]["addr"].(string) + "/metrics"
	if status, _ := get(t, api+"/metrics"); status != http.StatusNotFound {
		t.Errorf("/metrics on the public listener = %d, want 404", status)
	}
	if status, body := get(t, metricsURL); status != http.StatusOK || !strings.Contains(body, "tez_http_requests_total") {
		t.Errorf("%s = %d %.200s, want the metrics", metricsURL, status, body)
	}
}

// logLines are the JSON log lines with the message msg.
func logLines(logs *apitest.LogBuffer, msg string) []map[string]any {
	var out []map[string]any
	for _, rec := range logs.Records() {
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func mustJSONText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	client := http.Client{Timeout: 10 * time.Second}
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
