package clienttest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/nodetest"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestClients starts the server on a fresh database with the demo data,
// generates the clients' artifacts from it (schema, codegen, relay-compiler,
// tsc), starts a second server in trusted-documents mode with the
// manifests codegen and relay-compiler wrote, and runs the Node suite
// (test/*.test.mjs) against both.
func TestClients(t *testing.T) {
	api := nodetest.Start(t, "the client compatibility suite (Apollo, urql, Relay, graphql-codegen, graphql-http)", ".")
	// Stock SIM cards a customer may add, with their activation codes.
	stock, err := json.Marshal(seed.DemoStock())
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TEZ_URL="+api.URL, "TEZ_STOCK="+string(stock))
	nodetest.Npm(t, ".", env, "run", "generate")

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
	nodetest.Npm(t, ".", append(env, "TEZ_TRUSTED_URL="+trusted.URL), "test")
}
