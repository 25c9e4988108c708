package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeEmbedded is the "done means" of the project: with no
// DATABASE_URL, `tez serve` creates its own cluster, seeds the demo, answers
// the catalogue query, and leaves no PostgreSQL behind when stopped.
func TestServeEmbedded(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster and a server")
	}
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755) // the cluster's unprivileged user must reach it
	}
	t.Setenv("DATABASE_URL", "")
	t.Setenv("TEZ_DATA_DIR", filepath.Join(dir, "data"))
	t.Setenv("TEZ_HTTP_ADDR", "127.0.0.1:0")

	serve := func() (base string, stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		outR, outW := io.Pipe()
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"serve"}, outW, io.Discard)
			outW.Close()
		}()
		line, err := bufio.NewReader(outR).ReadString('\n')
		if err != nil {
			cancel()
			t.Fatalf("serve printed nothing: %v (exit: %v)", err, <-done)
		}
		go io.Copy(io.Discard, outR)
		if !strings.Contains(line, "demo@tez.example / tez-demo-2026") {
			t.Errorf("start line %q does not give the demo sign-in", line)
		}
		m := regexp.MustCompile(`http://(\S+)/`).FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("start line %q has no URL", line)
		}
		return "http://" + m[1], func() {
			cancel() // what SIGINT does through signal.NotifyContext
			if err := <-done; err != nil {
				t.Errorf("serve exited with %v", err)
			}
		}
	}

	base, stop := serve()
	skus := products(t, base)
	if len(skus) != 3 {
		t.Errorf("products(first: 3) = %v, want 3 demo products", skus)
	}
	pid := postmasterPID(t, filepath.Join(dir, "data", "postgres"))
	stop()
	// pg_ctl stop -w returns once postgres has removed its pid file; the
	// process itself exits a moment later.
	for deadline := time.Now().Add(10 * time.Second); syscall.Kill(pid, 0) == nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("postgres %d still running after the server stopped", pid)
		}
	}

	base, stop = serve()
	defer stop()
	if again := products(t, base); strings.Join(again, ",") != strings.Join(skus, ",") {
		t.Errorf("after restart products = %v, want the same %v", again, skus)
	}
}

func products(t *testing.T, base string) []string {
	t.Helper()
	body := `{"query":"{ products(first: 3) { edges { node { sku name price { amount currencyCode } } } } }"}`
	client := http.Client{Timeout: 10 * time.Second}
	res, err := client.Post(base+"/graphql", "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Data struct {
			Products struct {
				Edges []struct{ Node struct{ SKU string } }
			}
		}
		Errors []any
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || len(out.Errors) > 0 {
		t.Fatalf("products: %v %v", err, out.Errors)
	}
	var skus []string
	for _, e := range out.Data.Products.Edges {
		skus = append(skus, e.Node.SKU)
	}
	return skus
}

func postmasterPID(t *testing.T, dataDir string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		t.Fatalf("postgres not running: %v", err)
	}
	pid, err := strconv.Atoi(strings.SplitN(string(data), "\n", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// A port already in use is told at once, before any database starts, and
// names the variable that moves the server elsewhere.
func TestServePortInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	t.Setenv("TEZ_HTTP_ADDR", taken.Addr().String())
	t.Setenv("DATABASE_URL", "")
	t.Setenv("TEZ_DATA_DIR", filepath.Join(t.TempDir(), "never-created"))
	err = run(context.Background(), []string{"serve"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "TEZ_HTTP_ADDR="+taken.Addr().String()) || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("serve on a taken port = %v, want an error naming TEZ_HTTP_ADDR and saying it is in use", err)
	}
	if _, err := os.Stat(os.Getenv("TEZ_DATA_DIR")); !os.IsNotExist(err) {
		t.Errorf("a cluster was set up before the port was checked: %v", err)
	}
}
