package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/nodetest"
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
	api := nodetest.Start(t, "the web account's browser suite", "build", func(c *config.Config) { c.TrustedDocumentsOnly = true })
	sink := api.DeliverMail()
	// The suite reads the mail the sink received: GET /?to=<address>.
	mailbox := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(sink.To(r.URL.Query().Get("to")))
	}))
	defer mailbox.Close()
	// Support's balance adjustment (tez ledger adjust), on a connection of
	// its own: POST /?iccid=…&amount=…. The live balance must follow it.
	ledgerDesk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if _, err := ledger.New(store.New(api.DB), ledger.Options{}).Adjust(r.Context(), q.Get("iccid"), q.Get("amount"), "the browser suite", ""); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	}))
	defer ledgerDesk.Close()
	artifacts, err := filepath.Abs("build/test-artifacts")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TEZ_URL="+api.URL, "TEZ_MAILBOX="+mailbox.URL, "TEZ_LEDGER="+ledgerDesk.URL,
		"TEZ_CHROMIUM="+chromium, "TEZ_ARTIFACTS="+artifacts)
	nodetest.Npm(t, "build", env, "test")
}
