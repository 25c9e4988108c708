package pages_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/mailtest"
	"github.com/teztelecom/tez/internal/pages"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// site is the server with its mail delivered, and a customer who has just
// registered.
type site struct {
	t     *testing.T
	api   *apitest.API
	inbox *mailtest.Sink
	read  int
}

const email = "pages@x.example"

func newSite(t *testing.T) *site {
	t.Helper()
	api := apitest.New(t)
	s := &site{t: t, api: api, inbox: api.DeliverMail()}
	res := api.Do(apitest.Request{Query: `mutation { register(input: { email: "` + email + `", password: "a good long password", acceptTerms: true }) { token } }`})
	if len(res.Errors) > 0 {
		t.Fatalf("register: %+v", res.Errors)
	}
	return s
}

// nextLink waits for the next message and answers the path and query of
// its link, which must open this server's page.
func (s *site) nextLink(page string) string {
	s.t.Helper()
	s.read++
	m := s.inbox.Await(s.t, email, s.read)
	link := regexp.MustCompile(regexp.QuoteMeta(s.api.URL+page) + `\?token=[A-Za-z0-9_-]+`).FindString(m.Text)
	if link == "" {
		s.t.Fatalf("no link to %s in %q:\n%s", page, m.Subject, m.Text)
	}
	return strings.TrimPrefix(link, s.api.URL)
}

func tokenOf(t *testing.T, link string) string {
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("token")
}

// guestCheckout places a guest's order of one sku shipped to Berlin, and
// answers its number and access token.
func (s *site) guestCheckout(sku, mail string) (number, token string) {
	s.t.Helper()
	var placed struct {
		Checkout struct {
			Order       struct{ Number string }
			AccessToken string
		}
	}
	s.api.Query(apitest.Request{Query: `mutation($sku: String!, $email: String!) { checkout(input: { email: $email, lines: [{ sku: $sku, quantity: 1 }],
		shippingAddress: { recipientName: "G", line1: "Torstraße 1", city: "Berlin", postalCode: "10119", countryCode: "DE" } }) {
		order { number } accessToken } }`, Variables: map[string]any{"sku": sku, "email": mail}}, &placed)
	if placed.Checkout.Order.Number == "" || placed.Checkout.AccessToken == "" {
		s.t.Fatalf("guest checkout of %s answered %+v", sku, placed)
	}
	return placed.Checkout.Order.Number, placed.Checkout.AccessToken
}

// post submits a page's form as a browser on the same site does.
func (s *site) post(path string, form url.Values) (int, http.Header, string) {
	s.t.Helper()
	return s.api.Raw(http.MethodPost, path, map[string]string{"Content-Type": "application/x-www-form-urlencoded",
		"Origin": s.api.URL, "Sec-Fetch-Site": "same-origin"}, form.Encode())
}

func (s *site) verified() bool {
	s.t.Helper()
	var out struct {
		Login struct{ User *struct{ EmailVerified bool } }
	}
	s.api.Query(apitest.Request{Query: `mutation { login(input: { email: "` + email + `", password: "a good long password" }) { user { emailVerified } } }`}, &out)
	return out.Login.User != nil && out.Login.User.EmailVerified
}

func mustContain(t *testing.T, what, body string, phrases ...string) {
	t.Helper()
	for _, p := range phrases {
		if !strings.Contains(body, p) {
			t.Fatalf("%s does not say %q:\n%s", what, p, body)
		}
	}
}

// Mail scanners open links first: no GET spends a link, however often.
func TestOpeningALinkChangesNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	link := s.nextLink("/account/verify-email")
	for range 3 {
		status, h, body := s.api.Get(link, nil)
		if status != http.StatusOK {
			t.Fatalf("GET %d", status)
		}
		mustContain(t, "the confirmation page", body, "Confirm my email", email)
		for name, want := range map[string]string{"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
			if got := h.Get(name); got != want {
				t.Errorf("%s = %q, want %q", name, got, want)
			}
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("Content-Security-Policy = %q", csp)
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, "style=") {
			t.Errorf("the page has inline script or style:\n%s", body)
		}
	}
	if s.verified() {
		t.Fatal("opening the link confirmed the email")
	}
	status, _, body := s.post("/account/verify-email", url.Values{"token": {tokenOf(t, link)}})
	if status != http.StatusOK || !s.verified() {
		t.Fatalf("the click: %d, verified %v:\n%s", status, s.verified(), body)
	}
	mustContain(t, "the confirmed page", body, "Your email is confirmed")
}

func TestAUsedLinkSaysSo(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	link := s.nextLink("/account/verify-email")
	form := url.Values{"token": {tokenOf(t, link)}}
	if status, _, body := s.post("/account/verify-email", form); status != http.StatusOK {
		t.Fatalf("first click %d:\n%s", status, body)
	}
	status, _, body := s.post("/account/verify-email", form)
	if status != http.StatusGone {
		t.Errorf("the replayed click answered %d, want 410", status)
	}
	mustContain(t, "a replayed click", body, "This link was used already", "just sign in")
	status, _, body = s.api.Get(link, nil)
	if status != http.StatusGone || strings.Contains(body, "<form") {
		t.Errorf("opening a used link: %d, with a form: %v", status, strings.Contains(body, "<form"))
	}
	mustContain(t, "a used link", body, "This link was used already")
}

func TestAnExpiredLinkSaysSoAndChangesNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	link := s.nextLink("/account/verify-email")
	s.api.MustExec(`UPDATE email_tokens SET expires_at = now() - interval '1 second'`)
	status, _, body := s.api.Get(link, nil)
	if status != http.StatusGone {
		t.Errorf("GET %d, want 410", status)
	}
	mustContain(t, "an expired link", body, "This link has expired", "ask for the confirmation email again")
	status, _, body = s.post("/account/verify-email", url.Values{"token": {tokenOf(t, link)}})
	if status != http.StatusGone || s.verified() {
		t.Errorf("POST of an expired link: %d, verified %v", status, s.verified())
	}
	mustContain(t, "an expired link's click", body, "This link has expired")
}

// Garbled tokens, empty ones, a token of another page's kind, and one
// from another site's form are refused and spend nothing.
func TestMisusedTokens(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	verify := tokenOf(t, s.nextLink("/account/verify-email"))
	s.api.Do(apitest.Request{Query: `mutation { passwordResetRequest(input: { email: "` + email + `" }) { userErrors { code } } }`})
	reset := tokenOf(t, s.nextLink("/account/reset-password"))

	for name, c := range map[string]struct{ path, token string }{
		"garbled":                {"/account/verify-email", "tze_not-a-real-token"},
		"empty":                  {"/account/verify-email", ""},
		"NUL bytes":              {"/account/verify-email", "tze_\x00\x00"},
		"huge":                   {"/account/verify-email", strings.Repeat("x", 40_000)},
		"a reset on the confirm": {"/account/verify-email", reset},
		"a confirm on the reset": {"/account/reset-password", verify},
	} {
		t.Run(name, func(t *testing.T) {
			status, _, body := s.api.Get(c.path+"?token="+url.QueryEscape(c.token), nil)
			if status != http.StatusNotFound {
				t.Errorf("GET %d, want 404", status)
			}
			mustContain(t, "GET", body, "This link is not valid")
			status, _, body = s.post(c.path, url.Values{"token": {c.token}, "password": {"another long password"}})
			if status != http.StatusNotFound && status != http.StatusRequestEntityTooLarge {
				t.Errorf("POST %d, want 404:\n%s", status, body)
			}
		})
	}

	// Another site's form posting a real token is refused before it is read.
	status, _, _ := s.api.Raw(http.MethodPost, "/account/verify-email", map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
		url.Values{"token": {verify}}.Encode())
	if status != http.StatusForbidden {
		t.Errorf("a cross-site POST answered %d, want 403", status)
	}
	if s.verified() {
		t.Fatal("a misused token confirmed the email")
	}
	// Both links still work: nothing above spent them.
	if status, _, body := s.post("/account/verify-email", url.Values{"token": {verify}}); status != http.StatusOK {
		t.Errorf("the confirmation link after the misuse: %d\n%s", status, body)
	}
	if status, _, body := s.post("/account/reset-password", url.Values{"token": {reset}, "password": {"another long password"}}); status != http.StatusOK {
		t.Errorf("the reset link after the misuse: %d\n%s", status, body)
	}
}

// The reset page shows the password policy's refusal and keeps the link
// usable; the password it then accepts is the one to sign in with.
func TestResetPageShowsThePolicy(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.nextLink("/account/verify-email")
	s.api.Do(apitest.Request{Query: `mutation { passwordResetRequest(input: { email: "` + email + `" }) { userErrors { code } } }`})
	link := s.nextLink("/account/reset-password")
	status, _, body := s.api.Get(link, nil)
	if status != http.StatusOK {
		t.Fatalf("GET %d", status)
	}
	mustContain(t, "the reset page", body, "Choose a new password", `type="password"`, "Use 8 to 128 characters")
	form := url.Values{"token": {tokenOf(t, link)}}
	for pw, want := range map[string]string{"short": "Use at least 8 characters", "password123": "among the most common"} {
		form.Set("password", pw)
		status, _, body := s.post("/account/reset-password", form)
		if status != http.StatusUnprocessableEntity {
			t.Errorf("password %q: %d, want 422", pw, status)
		}
		mustContain(t, "a refused password", body, want, `name="token"`)
	}
	form.Set("password", "the brand new passphrase")
	status, _, body = s.post("/account/reset-password", form)
	if status != http.StatusOK {
		t.Fatalf("reset %d:\n%s", status, body)
	}
	mustContain(t, "the reset", body, "Your password is changed")
	var out struct{ Login struct{ Token *string } }
	s.api.Query(apitest.Request{Query: `mutation { login(input: { email: "` + email + `", password: "the brand new passphrase" }) { token } }`}, &out)
	if out.Login.Token == nil {
		t.Error("the new password does not sign in")
	}
}

// An account's order opens on its page with the account's sign-in only:
// a wrong password and another account's sign-in answer like a missing
// order, and the sign-in leaves no session behind.
func TestOrderPageSignIn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.api.MustExec(`INSERT INTO products (sku, kind, name, description, price, currency, active)
		VALUES ('ACC-X', 'ACCESSORY', 'Holder case', 'A case.', 500, 'USD', true)`)
	var login struct{ Login struct{ Token string } }
	s.api.Query(apitest.Request{Query: `mutation { login(input: { email: "` + email + `", password: "a good long password" }) { token } }`}, &login)
	var placed struct {
		Checkout struct{ Order struct{ Number string } }
	}
	s.api.Query(apitest.Request{Token: login.Login.Token, Query: `mutation { checkout(input: { lines: [{ sku: "ACC-X", quantity: 1 }],
		shippingAddress: { recipientName: "P", line1: "Torstraße 1", city: "Berlin", postalCode: "10119", countryCode: "DE" } }) {
		order { number } } }`}, &placed)
	number := placed.Checkout.Order.Number
	s.api.Do(apitest.Request{Query: `mutation { register(input: { email: "other@x.example", password: "another long password", acceptTerms: true }) { token } }`})
	var before int
	if err := s.api.DB.Get(&before, `SELECT count(*) FROM auth_sessions WHERE revoked_at IS NULL`); err != nil {
		t.Fatal(err)
	}

	path := "/account/orders/" + number
	for name, form := range map[string]url.Values{
		"wrong password": {"email": {email}, "password": {"not the password"}},
		"other account":  {"email": {"other@x.example"}, "password": {"another long password"}},
		"nothing":        {},
	} {
		status, _, body := s.post(path, form)
		if status != http.StatusNotFound || strings.Contains(body, "Holder case") {
			t.Errorf("%s: %d, shows the order: %v", name, status, strings.Contains(body, "Holder case"))
		}
	}
	status, _, body := s.post(path, url.Values{"email": {email}, "password": {"a good long password"}})
	if status != http.StatusOK {
		t.Fatalf("the owner's sign-in: %d\n%s", status, body)
	}
	mustContain(t, "the order page", body, "Order "+number, "Waiting for payment", "Holder case", "10.00 USD", `>Pay<`)
	var after int
	if err := s.api.DB.Get(&after, `SELECT count(*) FROM auth_sessions WHERE revoked_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("live sessions %d before the order page, %d after: the page kept one", before, after)
	}

	// Pay asks for the password again and sends the browser to the payment page.
	if status, _, _ := s.post(path+"/pay", url.Values{"email": {email}, "password": {"not the password"}}); status != http.StatusConflict {
		t.Errorf("Pay with a wrong password: %d, want 409", status)
	}
	// (The client follows the 303 to the sandbox's page.)
	status, _, body = s.post(path+"/pay", url.Values{"email": {email}, "password": {"a good long password"}})
	if status != http.StatusOK {
		t.Errorf("Pay: %d", status)
	}
	mustContain(t, "the page Pay leads to", body, "Sandbox payment", number, "10.00 USD")
}

// A page never repeats text from a URL that cannot name an order.
func TestOrderPageRefusesOddNumbers(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, number := range []string{"Call%20us%20at%20%2B1%20555", strings.Repeat("9", 41), "%3Cb%3Ebold%3C%2Fb%3E", "-TEZ-1"} {
		status, _, body := s.api.Get("/account/orders/"+number, nil)
		if status != http.StatusNotFound || strings.Contains(body, "Call us") || strings.Contains(body, "bold") || strings.Contains(body, "99999999999") {
			t.Errorf("%s: %d\n%s", number, status, body)
		}
		mustContain(t, number, body, "This is not an order number")
	}
}

// Behind a proxy the Host may not be the public one: a form posted from
// TEZ_PUBLIC_URL's origin passes, another origin's is refused.
func TestFormsFromThePublicOriginPass(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, func(c *config.Config) { c.PublicURL = "https://shop.tez.example" })
	post := func(origin string) int {
		status, _, _ := api.Raw(http.MethodPost, "/account/verify-email", map[string]string{
			"Content-Type": "application/x-www-form-urlencoded", "Origin": origin}, "token=tze_unknown")
		return status
	}
	if got := post("https://shop.tez.example"); got != http.StatusNotFound {
		t.Errorf("a form from the public origin: %d, want 404 (read, and the link unknown)", got)
	}
	if got := post("https://evil.example"); got != http.StatusForbidden {
		t.Errorf("a form from another origin: %d, want 403", got)
	}
}

// A guest who pays comes back from the payment page to the order's address,
// which carries no token: the HttpOnly cookie Pay set opens that order, and
// that order only.
func TestAGuestWhoPaysComesBackToTheOrder(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.api.MustExec(`INSERT INTO products (sku, kind, name, description, price, currency, active)
		VALUES ('ACC-G', 'ACCESSORY', 'Guest case', 'A case.', 500, 'USD', true)`)
	number, token := s.guestCheckout("ACC-G", "guest1@x.example")
	other, otherToken := s.guestCheckout("ACC-G", "guest2@x.example")
	if number == "" || token == "" || other == "" {
		t.Fatalf("guest checkout answered %q %q %q", number, token, other)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, s.api.URL+"/account/orders/"+number+"/pay", strings.NewReader(url.Values{"token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.api.URL)
	res, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "tez_guest_order" {
			cookie = c
		}
	}
	if res.StatusCode != http.StatusSeeOther || cookie == nil {
		t.Fatalf("Pay answered %d with cookies %q, want 303 and tez_guest_order", res.StatusCode, res.Header.Values("Set-Cookie"))
	}
	if !cookie.HttpOnly || cookie.Path != "/account/orders/"+number || cookie.MaxAge <= 0 || cookie.MaxAge > 3600 || cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie %+v, want HttpOnly, SameSite=Lax, this order's path, at most an hour", cookie)
	}
	if loc := res.Header.Get("Location"); strings.Contains(loc, token) {
		t.Errorf("the payment page's address %q carries the token", loc)
	}
	back := func(path, value string) string {
		_, _, body := s.api.Get(path, map[string]string{"Cookie": "tez_guest_order=" + value})
		return body
	}
	mustContain(t, "the order's page, back from paying", back("/account/orders/"+number, token), "Order "+number, "Guest case", "Status:")
	for name, body := range map[string]string{
		"another order's address with this cookie": back("/account/orders/"+other, token),
		"a garbled cookie":                         back("/account/orders/"+number, "tzg_garbled"),
		"another guest's token":                    back("/account/orders/"+number, otherToken),
	} {
		if strings.Contains(body, "Guest case") || !strings.Contains(body, `id="token"`) {
			t.Errorf("%s: shows an order, or no token form:\n%s", name, body)
		}
	}
}

// The pages the mailed links open speak Russian to a Russian browser: its
// Accept-Language, or the page's switch (kept in a cookie, which wins), with
// dates and money written the Russian way, and none of the English
// sentences left.
func TestEveryPageSpeaksRussian(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ru := map[string]string{"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"}
	form := func(path string, f url.Values) string {
		_, _, body := s.api.Raw(http.MethodPost, path, map[string]string{"Content-Type": "application/x-www-form-urlencoded",
			"Origin": s.api.URL, "Accept-Language": ru["Accept-Language"]}, f.Encode())
		return body
	}
	get := func(path string) string {
		_, _, body := s.api.Get(path, ru)
		return body
	}
	verify := s.nextLink("/account/verify-email")
	s.api.MustExec(`INSERT INTO products (sku, kind, name, description, price, currency, active)
		VALUES ('ACC-R', 'ACCESSORY', 'Чехол', 'A case.', 1250, 'USD', true)`)
	number, token := s.guestCheckout("ACC-R", "ru@x.example")
	shown := map[string]struct{ body, says string }{
		"the confirmation link":          {get(verify), "Подтвердить мою почту"},
		"an unknown link":                {get("/account/verify-email?token=nope"), "Эта ссылка недействительна"},
		"the reset link of no one":       {get("/account/reset-password?token=nope"), "Запросить новую ссылку для смены пароля."},
		"forgot password":                {get("/account/forgot-password"), "Прислать ссылку для смены пароля"},
		"forgot password, sent":          {form("/account/forgot-password", url.Values{"email": {email}}), "Проверьте почту"},
		"forgot password, a bad address": {form("/account/forgot-password", url.Values{"email": {"not an address"}}), "Это не адрес эл. почты"},
		"the guest order form":           {get("/account/orders/" + number), "Показать заказ"},
		"not an order number":            {get("/account/orders/-x"), "Такого заказа нет"},
		"the guest order, a wrong token": {form("/account/orders/"+number, url.Values{"token": {"tzg_wrong"}}), "Заказ с этим номером не открывается"},
		"the guest order":                {form("/account/orders/"+number, url.Values{"token": {token}}), "Ждёт оплаты"},
		"the confirmation link, clicked": {form("/account/verify-email", url.Values{"token": {tokenOf(t, verify)}}), "Эл. почта подтверждена"},
		"the confirmation link, used":    {get(verify), "Эта ссылка уже использована"},
	}
	for name, pg := range shown {
		if !strings.Contains(pg.body, `<html lang="ru">`) || !strings.Contains(pg.body, pg.says) || !strings.Contains(pg.body, ">English</a>") {
			t.Errorf("%s: not in Russian (want %q and the switch to English):\n%s", name, pg.says, pg.body)
			continue
		}
		for en := range pages.RuWords {
			for _, part := range strings.Split(en, "%s") {
				if len(part) > 12 && strings.Contains(pg.body, part) {
					t.Errorf("%s: still says %q in English", name, part)
				}
			}
		}
	}
	order := shown["the guest order"].body
	mustContain(t, "the Russian order page", order, "12,50\u00a0USD", "Оформлен ", " UTC", "Статус:")
	if m := regexp.MustCompile(`Оформлен \d{1,2} (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря) \d{4}`).FindString(order); m == "" {
		t.Errorf("the order's date is not written the Russian way:\n%s", order)
	}

	// The switch: English, kept in the cookie, which wins over the browser's language.
	status, h, body := s.api.Get("/account/forgot-password?lang=en", ru)
	mustContain(t, "the page switched to English", body, `<html lang="en">`, "Email me a reset link", ">Русский</a>")
	cookie := ""
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "tez_lang" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if status != http.StatusOK || cookie != "tez_lang=en" {
		t.Fatalf("?lang=en answered %d with cookie %q", status, cookie)
	}
	_, _, body = s.api.Get("/account/forgot-password", map[string]string{"Accept-Language": ru["Accept-Language"], "Cookie": cookie})
	mustContain(t, "the next page, the cookie kept", body, `<html lang="en">`, "Email me a reset link")
}
