package clienttest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestClients starts the server on a fresh database with the demo data,
// generates the clients' artifacts from it (schema, codegen, relay-compiler,
// tsc), starts a second server in trusted-documents mode with the
// manifests codegen and relay-compiler wrote, and runs the Node suite
// (test/*.test.mjs) against both.
func TestClients(t *testing.T) {
	for _, bin := range []string{"node", "npm"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s is not installed, so the client compatibility suite did not run (Apollo, urql, Relay, graphql-codegen, graphql-http): install Node.js 20+ to run it", bin)
		}
	}
	install(t)
	api := apitest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := seed.Demo(ctx, store.New(api.DB)); err != nil {
		t.Fatal(err)
	}
	// Stock SIM cards a customer may add, with their activation codes.
	stock, err := json.Marshal(seed.DemoStock())
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TEZ_URL="+api.URL, "TEZ_STOCK="+string(stock))
	npm(t, env, "run", "generate")

	abs := func(p string) string {
		p, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	trusted := api.Replica(func(c *config.Config) {
		c.TrustedDocumentsOnly = true
		c.TrustedManifests = []string{abs("gen/codegen/persisted-documents.json"), abs("gen/relay-persisted.json")}
	})
	npm(t, append(env, "TEZ_TRUSTED_URL="+trusted.URL), "test")
}

// install runs npm ci unless node_modules holds this lockfile's install.
func install(t *testing.T) {
	lock, err := os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	const stamp = "node_modules/.tez-lock.sha256"
	if got, _ := os.ReadFile(stamp); string(got) == want {
		return
	}
	npm(t, os.Environ(), "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
}

func npm(t *testing.T, env []string, args ...string) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command("npm", append([]string{"--silent"}, args...)...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("npm %v: %v\n%s", args, err, out.String())
	}
	t.Logf("npm %v:\n%s", args, out.String())
}
