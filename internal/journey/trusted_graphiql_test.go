package journey

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/config"
)

// A frontend team turns trusted documents on and registers its build's
// manifest: the demo customer signs in and sees the dashboard as the
// team's clients send them, and nothing else runs. (internal/clienttest
// does the same with the real Apollo, urql, Relay and codegen packages.)
func TestJourneyAFrontendOnTrustedDocuments(t *testing.T) {
	t.Parallel()
	// The manifest graphql-codegen wrote for the team's "My numbers" screen.
	manifest := filepath.Join(t.TempDir(), "persisted-documents.json")
	if err := os.WriteFile(manifest, []byte(`{"sha256:my-numbers": "query MyNumbers { me { simCards { iccid label } } }"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newShop(t, func(c *config.Config) {
		c.TrustedDocumentsOnly = true
		c.TrustedManifests = []string{manifest}
	})
	c := s.demoCustomer() // sign-in.graphql, as the sign-in form sends it

	// The dashboard as Apollo and urql send it: __typename in every selection.
	dashboard := strings.ReplaceAll(documents.Get("dashboard.graphql"), "}", " __typename }")
	now := time.Now().UTC()
	res := c.do(dashboard, map[string]any{"from": now.AddDate(0, 0, -90).Format(time.RFC3339), "to": now.Format(time.RFC3339)})
	if len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"__typename":"User"`) {
		t.Fatalf("the dashboard with __typename: %+v %.200s", res.Errors, res.Data)
	}
	// The team's own screen, by the id its build gave it.
	status, _, body := s.api.Raw(http.MethodPost, "/graphql", map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + c.Token},
		`{"documentId": "sha256:my-numbers"}`)
	if status != http.StatusOK || !strings.Contains(body, `"simCards":[{"iccid":"`) {
		t.Errorf("My numbers by documentId: %d %.300s", status, body)
	}
	// A document nobody registered.
	if res := c.do(`{ me { email simCards { iccid } } }`, nil); len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_REQUEST" {
		t.Errorf("an ad-hoc document answered %+v %s", res.Errors, res.Data)
	}
}

// A developer without internet opens GraphiQL: the page and everything it
// loads come from the server itself.
func TestJourneyGraphiQLWithoutTheInternet(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	p := s.browser().open(s.api.URL + "/")
	if p.Status != http.StatusOK || !strings.Contains(p.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("GraphiQL: %d, CSP %q", p.Status, p.Header.Get("Content-Security-Policy"))
	}
	loads := 0
	for _, tag := range []string{"script", "link"} {
		for n := range p.all(tag) {
			for _, a := range n.Attr {
				if a.Key != "src" && a.Key != "href" {
					continue
				}
				loads++
				asset := s.browser().open(p.resolve(a.Val))
				if asset.URL.Host != p.URL.Host || asset.Status != http.StatusOK || len(asset.Body) < 10000 {
					t.Errorf("GraphiQL loads %s: %s %d, %d bytes", a.Val, asset.URL.Host, asset.Status, len(asset.Body))
				}
			}
		}
	}
	if loads != 2 {
		t.Errorf("GraphiQL loads %d assets, want its script and stylesheet", loads)
	}
}
