package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/nodetest"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestAccountInChromium walks the web account as customers do, in
// Debian's Chromium driven by playwright-core (build/test/*.test.mjs),
// against the real server on a fresh database with the demo data, mail
// delivered over SMTP to a real sink, and the server in trusted-documents
// mode: the account runs with nothing but its registered operations.
// Screenshots of every step land in build/test-artifacts/.
func TestAccountInChromium(t *testing.T) {
	nodetest.Require(t, "the web account's browser suite")
	chromium := ""
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		if p, err := exec.LookPath("chromium"); err == nil {
			chromium = p
		} else {
			t.Skip("Chromium is not installed (apt-get install chromium): the web account's browser suite did not run")
		}
	}
	nodetest.Install(t, "build")
	api := apitest.New(t, func(c *config.Config) { c.TrustedDocumentsOnly = true })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := seed.Demo(ctx, store.New(api.DB)); err != nil {
		t.Fatal(err)
	}
	sink := api.DeliverMail()
	// The suite reads the mail the sink received: GET /?to=<address>.
	mailbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(sink.To(r.URL.Query().Get("to")))
	}))
	defer mailbox.Close()
	artifacts, err := filepath.Abs("build/test-artifacts")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TEZ_URL="+api.URL, "TEZ_MAILBOX="+mailbox.URL, "TEZ_CHROMIUM="+chromium, "TEZ_ARTIFACTS="+artifacts)
	nodetest.Npm(t, "build", env, "test")
}
