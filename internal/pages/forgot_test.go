package pages_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
)

const forgotSent = "If an account uses this address, we sent it a link"

// The forgot-password page answers every well-formed address alike: one
// with an account gets a reset link, one without gets nothing, and the
// page cannot tell them apart.
func TestForgotPasswordAnswersAlike(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.nextLink("/account/verify-email")
	status, h, body := s.api.Get("/account/forgot-password", nil)
	if status != http.StatusOK || h.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("GET %d, headers %v", status, h)
	}
	mustContain(t, "the forgot page", body, `name="email"`, "Email me a reset link")

	kStatus, _, known := s.post("/account/forgot-password", url.Values{"email": {email}})
	uStatus, _, unknown := s.post("/account/forgot-password", url.Values{"email": {"nobody@x.example"}})
	if kStatus != http.StatusOK || uStatus != http.StatusOK || known != unknown {
		t.Fatalf("a known address answered %d, an unknown one %d; bodies equal: %v\n%s\n%s", kStatus, uStatus, known == unknown, known, unknown)
	}
	mustContain(t, "the answer", known, forgotSent)
	if strings.Contains(known, "<form") {
		t.Errorf("the answer offers the form again:\n%s", known)
	}
	if link := s.nextLink("/account/reset-password"); link == "" {
		t.Fatal("no reset link for the known address")
	}
	time.Sleep(300 * time.Millisecond) // a few rounds of the mail worker
	if got := s.inbox.To("nobody@x.example"); len(got) != 0 {
		t.Errorf("the unknown address got %q", got[0].Subject)
	}
}

// A malformed address is answered beside the field, with the API's own
// message; huge and NUL-laden input is refused without an error page.
func TestForgotPasswordRefusesBadInput(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	apiMessage := func(t *testing.T, addr string) string {
		var out struct {
			PasswordResetRequest struct{ UserErrors []struct{ Message string } }
		}
		s.api.Query(apitest.Request{Query: `mutation($e: String!) { passwordResetRequest(input: { email: $e }) { userErrors { message } } }`,
			Variables: map[string]any{"e": addr}}, &out)
		if len(out.PasswordResetRequest.UserErrors) != 1 {
			t.Fatalf("the API accepted %q: %+v", addr, out)
		}
		return out.PasswordResetRequest.UserErrors[0].Message
	}
	for name, addr := range map[string]string{
		"no at sign": "not-an-email",
		"empty":      "",
		"NUL bytes":  "a\x00b@x.example",
		"long":       strings.Repeat("a", 8000) + "@x.example",
	} {
		t.Run(name, func(t *testing.T) {
			status, _, body := s.post("/account/forgot-password", url.Values{"email": {addr}})
			if status != http.StatusUnprocessableEntity {
				t.Errorf("%d, want 422", status)
			}
			mustContain(t, "the refusal", body, `id="problem"`, `aria-describedby="problem"`, `name="email"`)
			// GraphQL refuses a NUL before the service sees it; the rest
			// get the service's own words, as the API answers them.
			if !strings.Contains(addr, "\x00") {
				mustContain(t, "the refusal", body, html.EscapeString(apiMessage(t, addr)))
			}
			if strings.Contains(body, forgotSent) || strings.Contains(body, "\x00") {
				t.Errorf("the refusal:\n%s", body)
			}
		})
	}
	status, _, body := s.post("/account/forgot-password", url.Values{"email": {strings.Repeat("x", 40_000) + "@x.example"}})
	if status != http.StatusRequestEntityTooLarge || strings.Contains(body, "xxxxxxxx") {
		t.Errorf("a huge form: %d\n%s", status, body)
	}
	mustContain(t, "a huge form", body, "far too long", `id="problem"`)
	if errs := s.api.ErrorLogs(); len(errs) > 0 {
		t.Errorf("error logs: %q", errs)
	}
}

// Another site's form cannot make the service mail anyone.
func TestForgotPasswordRefusesCrossSitePosts(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.nextLink("/account/verify-email")
	status, _, _ := s.api.Raw(http.MethodPost, "/account/forgot-password", map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
		url.Values{"email": {email}}.Encode())
	if status != http.StatusForbidden {
		t.Errorf("a cross-site POST answered %d, want 403", status)
	}
	time.Sleep(300 * time.Millisecond)
	if got := s.inbox.To(email); len(got) != 1 {
		t.Errorf("after a cross-site POST the address has %d messages, want the registration's one", len(got))
	}
}

// The mail cap holds on the page: the sixth mail of the hour is not sent,
// and the page still answers its one sentence.
func TestForgotPasswordKeepsTheMailCap(t *testing.T) {
	t.Parallel()
	s := newSite(t) // the registration's mail is the first of the hour
	var first string
	for i := range 5 {
		status, _, body := s.post("/account/forgot-password", url.Values{"email": {email}})
		if status != http.StatusOK {
			t.Fatalf("request %d: %d\n%s", i+1, status, body)
		}
		if first == "" {
			first = body
		} else if body != first {
			t.Fatalf("request %d answered otherwise:\n%s\n%s", i+1, body, first)
		}
	}
	mustContain(t, "the capped answer", first, forgotSent)
	s.inbox.Await(t, email, 5)
	time.Sleep(500 * time.Millisecond) // a few rounds of the mail worker
	if got := s.inbox.To(email); len(got) != 5 {
		t.Errorf("%d messages in the hour, want 5", len(got))
	}
}

// A dead reset link sends the customer to the forgot-password page.
func TestADeadResetLinkLeadsToForgotPassword(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.nextLink("/account/verify-email")
	for _, path := range []string{"/account/reset-password?token=tze_unknown"} {
		_, _, body := s.api.Get(path, nil)
		mustContain(t, path, body, `href="/account/forgot-password"`)
	}
}
