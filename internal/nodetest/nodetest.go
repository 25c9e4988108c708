// Package nodetest runs the Node parts of go test (the client suite, the
// web account's browser suite): npm ci when node_modules does not hold the
// lockfile's install, then npm scripts, skipping the test when Node is not
// installed.
package nodetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
)

// Require skips t unless node and npm are installed; what names the suite.
func Require(t *testing.T, what string) {
	t.Helper()
	for _, bin := range []string{"node", "npm"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s is not installed, so %s did not run: install Node.js 20+ to run it", bin, what)
		}
	}
}

// Install runs npm ci in dir unless node_modules holds its lockfile's install.
func Install(t *testing.T, dir string) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	stamp := filepath.Join(dir, "node_modules", ".tez-lock.sha256")
	if got, _ := os.ReadFile(stamp); string(bytes.TrimSpace(got)) == want {
		return
	}
	Npm(t, dir, os.Environ(), "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	if err := os.WriteFile(stamp, []byte(want+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Npm runs npm with args in dir, failing t with its output when it fails.
func Npm(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command("npm", append([]string{"--silent"}, args...)...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("npm %v: %v\n%s", args, err, out.String())
	}
	t.Logf("npm %v:\n%s", args, out.String())
}

// Start is the start of a Node suite against the real server: Node
// required (what names the suite), dir's packages installed, and the
// server on a fresh database with the demo data.
func Start(t *testing.T, what, dir string, opts ...apitest.Option) *apitest.API {
	t.Helper()
	Require(t, what)
	Install(t, dir)
	api := apitest.New(t, opts...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := seed.Demo(ctx, store.New(api.DB)); err != nil {
		t.Fatal(err)
	}
	return api
}
