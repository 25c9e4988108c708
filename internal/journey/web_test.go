package journey

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/seed"
)

// TestWebAccountSignsTheBrowserIn walks the web account's sign-in as the
// browser does it, over public HTTP (internal/web's suite clicks through
// every section in Chromium): the page under its CSP, the token of login
// handed to /account/session, the cookie that signs in only with the CSRF
// header, the order page the payment return opens, and sign-out.
func TestWebAccountSignsTheBrowserIn(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	b := s.browser()
	base := s.api.URL

	p := b.open(base + "/account/")
	if p.Status != http.StatusOK || !strings.Contains(p.Header.Get("Content-Security-Policy"), "script-src 'self';") {
		t.Fatalf("GET /account/ = %d, CSP %q", p.Status, p.Header.Get("Content-Security-Policy"))
	}
	for n := range p.all("script") {
		if src := attr(n, "src"); src == "" || !strings.HasPrefix(src, "/account/app/") {
			t.Errorf("a script %q that is not the account's bundle", src)
		}
	}

	c := s.visitor(seed.DemoEmail)
	got := c.signIn(seed.DemoPassword)
	if got.Token == nil {
		t.Fatalf("sign in: %+v", got.UserErrors)
	}
	post := func(path, body string, header map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", base)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := post("/account/session", `{"token":"`+*got.Token+`"}`, nil); res.StatusCode != http.StatusNoContent {
		t.Fatalf("POST /account/session = %d", res.StatusCode)
	}
	u, _ := url.Parse(base)
	csrf := ""
	for _, ck := range b.client.Jar.Cookies(u) {
		if ck.Name == "tez_csrf" {
			csrf = ck.Value
		}
	}
	me := func(header map[string]string) string {
		t.Helper()
		res := post("/graphql", `{"query":"{ me { email } }"}`, header)
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var out struct {
			Data struct{ Me *struct{ Email string } }
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
		if out.Data.Me == nil {
			return ""
		}
		return out.Data.Me.Email
	}
	withCSRF := map[string]string{"X-CSRF-Token": csrf}
	if got := me(withCSRF); got != seed.DemoEmail {
		t.Errorf("me with the cookie and X-CSRF-Token = %q, want the demo customer", got)
	}
	if got := me(nil); got != "" {
		t.Errorf("me with the cookie alone = %q, want null (a forged request carries no header)", got)
	}

	// The payment page's way back: the signed-in browser gets the account, not the guest form.
	orders := c.myOrders()
	if len(orders) == 0 {
		t.Fatal("the demo customer has no orders")
	}
	back := b.open(base + "/account/orders/" + orders[0].Number)
	if !strings.Contains(back.Body, "/account/app/app.js") || back.forms() != 0 {
		t.Errorf("the order page for a signed-in browser is not the web account:\n%s", back.Text())
	}

	res := post("/graphql", `{"query":"mutation { logout { sessionsEnded } }"}`, withCSRF)
	res.Body.Close()
	if got := me(withCSRF); got != "" {
		t.Errorf("me after logout = %q, want null", got)
	}
	guest := b.open(base + "/account/orders/" + orders[0].Number)
	if guest.forms() == 0 {
		t.Errorf("signed out, the order page is not the guest's form:\n%s", guest.Text())
	}
}
