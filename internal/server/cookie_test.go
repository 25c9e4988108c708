package server_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
)

// webSession is the web account's sign-in: the token handed to
// POST /account/session, and the cookies it answers.
type webSession struct {
	session, csrf string
	header        http.Header
}

func startWebSession(t *testing.T, api *apitest.API, token string) webSession {
	t.Helper()
	status, h, body := api.Raw(http.MethodPost, "/account/session", map[string]string{"Content-Type": "application/json"}, `{"token":"`+token+`"}`)
	if status != http.StatusNoContent {
		t.Fatalf("POST /account/session = %d %s, want 204", status, body)
	}
	ws := webSession{header: h}
	for _, c := range (&http.Response{Header: h}).Cookies() {
		switch c.Name {
		case "tez_session":
			ws.session = c.Value
		case "tez_csrf":
			ws.csrf = c.Value
		}
	}
	if ws.session == "" || ws.csrf == "" {
		t.Fatalf("cookies %v, want tez_session and tez_csrf", h.Values("Set-Cookie"))
	}
	return ws
}

// me asks who the viewer is with the given headers; "" when anonymous.
func me(t *testing.T, api *apitest.API, header map[string]string) string {
	t.Helper()
	res := api.Do(apitest.Request{Query: `{ me { email } }`, Header: header})
	var data struct{ Me *struct{ Email string } }
	if err := json.Unmarshal(res.Data, &data); err != nil {
		t.Fatalf("decode %s: %v", res.Data, err)
	}
	if data.Me == nil {
		return ""
	}
	return data.Me.Email
}

func TestWebSessionCookie(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, token := api.Customer("cookie@example.com")
	ws := startWebSession(t, api, token)
	cookie := "tez_session=" + ws.session + "; tez_csrf=" + ws.csrf
	signedIn := map[string]string{"Cookie": cookie, "X-CSRF-Token": ws.csrf}

	t.Run("the cookies", func(t *testing.T) {
		for _, line := range ws.header.Values("Set-Cookie") {
			if !strings.Contains(line, "SameSite=Lax") || !strings.Contains(line, "Path=/") {
				t.Errorf("Set-Cookie %q, want SameSite=Lax and Path=/", line)
			}
			if strings.HasPrefix(line, "tez_session=") != strings.Contains(line, "HttpOnly") {
				t.Errorf("Set-Cookie %q: only the session cookie is HttpOnly", line)
			}
			if strings.Contains(line, "Secure") {
				t.Errorf("Set-Cookie %q is Secure in development (http://127.0.0.1)", line)
			}
		}
	})
	t.Run("cookie and CSRF header sign in", func(t *testing.T) {
		if got := me(t, api, signedIn); got != "cookie@example.com" {
			t.Errorf("me = %q, want the customer", got)
		}
	})
	t.Run("the cookie without the header is anonymous, and changes nothing", func(t *testing.T) {
		if got := me(t, api, map[string]string{"Cookie": cookie}); got != "" {
			t.Errorf("me = %q without X-CSRF-Token, want null", got)
		}
		res := api.Do(apitest.Request{Query: `mutation { profileUpdate(input: {fullName: "Forged"}) { user { fullName } } }`,
			Header: map[string]string{"Cookie": cookie}})
		if len(res.Errors) == 0 || res.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("a forged mutation answered %s %+v, want UNAUTHENTICATED", res.Data, res.Errors)
		}
		var name string
		if err := api.DB.Get(&name, `SELECT full_name FROM users WHERE email = 'cookie@example.com'`); err != nil || name == "Forged" {
			t.Errorf("full name %q (%v): the forged mutation changed it", name, err)
		}
	})
	t.Run("a wrong or another session's CSRF token is anonymous", func(t *testing.T) {
		_, other := api.Customer("other@example.com")
		theirs := startWebSession(t, api, other)
		for _, csrf := range []string{theirs.csrf, ws.csrf[:len(ws.csrf)-1], "x"} {
			if got := me(t, api, map[string]string{"Cookie": cookie, "X-CSRF-Token": csrf}); got != "" {
				t.Errorf("X-CSRF-Token %q: me = %q, want null", csrf, got)
			}
		}
	})
	t.Run("a request another site sends is anonymous", func(t *testing.T) {
		h := map[string]string{"Cookie": cookie, "X-CSRF-Token": ws.csrf, "Sec-Fetch-Site": "cross-site"}
		if got := me(t, api, h); got != "" {
			t.Errorf("Sec-Fetch-Site: cross-site: me = %q, want null", got)
		}
	})
	t.Run("the browser cannot be given the header cross-origin", func(t *testing.T) {
		status, h, _ := api.Raw(http.MethodOptions, "/graphql", map[string]string{"Origin": "http://localhost:3000",
			"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-csrf-token"}, "")
		if strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "x-csrf-token") || h.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("preflight %d allows %q credentials %q: a page elsewhere could send the cookie with the header",
				status, h.Get("Access-Control-Allow-Headers"), h.Get("Access-Control-Allow-Credentials"))
		}
	})
	t.Run("a bearer token wins over the cookie, even a dead one", func(t *testing.T) {
		h := map[string]string{"Cookie": cookie, "X-CSRF-Token": ws.csrf, "Authorization": "Bearer tzs_dead"}
		if got := me(t, api, h); got != "" {
			t.Errorf("me = %q with a dead bearer token, want null (no fallback to the cookie)", got)
		}
		if got := me(t, api, map[string]string{"Authorization": "Bearer " + token}); got != "cookie@example.com" {
			t.Errorf("bearer me = %q, want the customer", got)
		}
	})
	t.Run("a download by link uses the cookie, not from another site", func(t *testing.T) {
		if status, _, body := api.Get("/export/account.json", map[string]string{"Cookie": cookie}); status != http.StatusOK {
			t.Errorf("GET /export/account.json = %d %s, want 200", status, body)
		}
		if status, _, _ := api.Get("/export/account.json", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}); status != http.StatusUnauthorized {
			t.Errorf("cross-site GET /export/account.json = %d, want 401", status)
		}
	})
	t.Run("after logout the cookie is refused and cleared", func(t *testing.T) {
		res := api.Do(apitest.Request{Query: `mutation { logout { sessionsEnded } }`, Header: signedIn})
		if len(res.Errors) > 0 {
			t.Fatalf("logout: %+v", res.Errors)
		}
		res = api.Do(apitest.Request{Query: `{ me { email } }`, Header: signedIn})
		if string(res.Data) != `{"me":null}` {
			t.Errorf("me = %s after logout, want null", res.Data)
		}
		if c := res.Header.Values("Set-Cookie"); len(c) != 2 || !strings.Contains(c[0], "Max-Age=0") {
			t.Errorf("Set-Cookie %q, want both cookies cleared", c)
		}
	})
}

func TestWebSessionStartRefusals(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, token := api.Customer("start@example.com")
	json := map[string]string{"Content-Type": "application/json"}
	cases := []struct {
		name   string
		header map[string]string
		body   string
		want   int
	}{
		{"an unknown token", json, `{"token":"tzs_unknown"}`, http.StatusUnauthorized},
		{"a reseller key", json, `{"token":"tez_abc"}`, http.StatusUnauthorized},
		{"no token", json, `{}`, http.StatusBadRequest},
		{"garbled", json, `{"token":`, http.StatusBadRequest},
		{"huge", json, `{"token":"` + strings.Repeat("a", 10<<10) + `"}`, http.StatusBadRequest},
		{"a form", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "token=" + token, http.StatusUnsupportedMediaType},
		{"from another site", map[string]string{"Content-Type": "application/json", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
			`{"token":"` + token + `"}`, http.StatusForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, h, body := api.Raw(http.MethodPost, "/account/session", c.header, c.body)
			if status != c.want || len(h.Values("Set-Cookie")) != 0 {
				t.Errorf("= %d %s, Set-Cookie %q; want %d and no cookie", status, body, h.Values("Set-Cookie"), c.want)
			}
		})
	}
	t.Run("a cross-site sign-out is refused", func(t *testing.T) {
		status, h, _ := api.Raw(http.MethodDelete, "/account/session", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, "")
		if status != http.StatusForbidden || len(h.Values("Set-Cookie")) != 0 {
			t.Errorf("= %d, Set-Cookie %q; want 403 and no cookie", status, h.Values("Set-Cookie"))
		}
	})
}

// In production the cookies are Secure: sent over HTTPS only.
func TestWebSessionCookieIsSecureInProduction(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, func(c *config.Config) { c.Env = "production" })
	_, token := api.Customer("secure@example.com")
	for _, line := range startWebSession(t, api, token).header.Values("Set-Cookie") {
		if !strings.Contains(line, "; Secure") {
			t.Errorf("Set-Cookie %q, want Secure", line)
		}
	}
}

// The live balance of the web account: an SSE stream on /graphql, signed in
// by the cookie under the same rules as every request (the CSRF header, and
// never from another site).
func TestWebSessionLiveStream(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, token := api.Customer("live-cookie@example.com")
	ws := startWebSession(t, api, token)
	cookie := "tez_session=" + ws.session + "; tez_csrf=" + ws.csrf
	stream := func(t *testing.T, header map[string]string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, api.URL+"/graphql", strings.NewReader(`{"query": "subscription { simCardUpdated { iccid } }"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "text/event-stream")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res, res.Header.Get("Content-Type")
	}
	// firstData is the first event's data of a stream that ends at once.
	firstData := func(t *testing.T, res *http.Response) string {
		t.Helper()
		lines := bufio.NewScanner(res.Body)
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
				return data
			}
		}
		return ""
	}

	t.Run("the page's own stream is signed in by the cookie", func(t *testing.T) {
		res, ct := stream(t, map[string]string{"Cookie": cookie, "X-CSRF-Token": ws.csrf, "Origin": api.URL, "Sec-Fetch-Site": "same-origin"})
		if res.StatusCode != http.StatusOK || ct != "text/event-stream" {
			t.Fatalf("= %d %s, want a stream", res.StatusCode, ct)
		}
		for deadline := time.Now().Add(10 * time.Second); api.Metric("tez_live_subscriptions") < 1; {
			if time.Now().After(deadline) {
				t.Fatal("the subscription never started")
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	for name, h := range map[string]map[string]string{
		"another site, by Sec-Fetch-Site": {"Cookie": cookie, "X-CSRF-Token": ws.csrf, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
		"another origin, by Origin alone": {"Cookie": cookie, "X-CSRF-Token": ws.csrf, "Origin": "https://evil.example"},
		"an opaque origin":                {"Cookie": cookie, "X-CSRF-Token": ws.csrf, "Origin": "null"},
		"no CSRF header":                  {"Cookie": cookie},
	} {
		t.Run(name+": anonymous, it streams nothing", func(t *testing.T) {
			res, _ := stream(t, h)
			if data := firstData(t, res); !strings.Contains(data, `"UNAUTHENTICATED"`) {
				t.Errorf("answered %d %q, want UNAUTHENTICATED", res.StatusCode, data)
			}
		})
	}
	t.Run("another origin gets no answer signed in either", func(t *testing.T) {
		if got := me(t, api, map[string]string{"Cookie": cookie, "X-CSRF-Token": ws.csrf, "Origin": "https://evil.example"}); got != "" {
			t.Errorf("me = %q, want null", got)
		}
	})
}
