// Package web serves the web account at /account/: a Preact and urql
// application (source in build/src, built into assets/ by go generate from
// pinned npm packages) that uses the public GraphQL API like any client,
// signed in by the service's session cookie. Every section's address
// answers the same page; the application routes in the browser.
package web

//go:generate sh build/generate.sh

import (
	"embed"
	"io/fs"
	"net/http"

	trusted "github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/static"
)

//go:embed assets
var assets embed.FS

// Prefix is where the bundle is served.
const Prefix = "/account/app/"

// Sections are the application's addresses under /account/.
var Sections = []string{"/account/{$}", "/account/sign-in", "/account/register", "/account/numbers",
	"/account/history", "/account/orders", "/account/addresses", "/account/profile", "/account/numbers/{iccid}/top-up"}

// CSP lets a page run only the bundle and talk only to its own origin: no
// inline script or style, no other host.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Handler serves the application.
type Handler struct {
	page   []byte
	assets *static.Set
	// Guest serves /account/orders/{number} to a browser that is not
	// signed in: the order page a guest's confirmation link opens.
	guest    http.Handler
	signedIn func(*http.Request) bool
}

// New builds the handler. signedIn says whether a page request comes from
// a signed-in browser; guest answers the order page otherwise.
func New(signedIn func(*http.Request) bool, guest http.Handler) *Handler {
	sub, _ := fs.Sub(assets, "assets")
	h := &Handler{assets: static.New(sub, Prefix, "app.js", "app.css", "favicon.svg", "THIRD_PARTY_LICENSES.txt"), guest: guest, signedIn: signedIn}
	h.page = h.assets.Page(static.Shell{Title: "TEZ Telecom", Icon: "favicon.svg", CSS: "app.css", JS: "app.js",
		Body: `<div id="app"><noscript><p>The TEZ Telecom account needs JavaScript. Личному кабинету TEZ Telecom нужен JavaScript.</p></noscript></div>`})
	return h
}

// Routes adds the application's pages and assets to mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	for _, p := range Sections {
		mux.HandleFunc("GET "+p, h.serve)
	}
	mux.HandleFunc("GET /account/orders/{number}", func(w http.ResponseWriter, r *http.Request) {
		if h.signedIn(r) {
			h.serve(w, r)
			return
		}
		h.guest.ServeHTTP(w, r)
	})
	mux.Handle("GET "+Prefix, h.assets)
	// Browsers ask every page's host for it (the mail-link and payment pages too).
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { h.assets.Serve(w, r, "favicon.svg") })
}

func (h *Handler) serve(w http.ResponseWriter, _ *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", CSP)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	_, _ = w.Write(h.page)
}

// Manifest is the application's operations, codegen's manifest, trusted by
// default so the account works with TEZ_TRUSTED_DOCUMENTS=only. urql sends
// each one's text with __typename added, which the trusted documents
// recognise (graph/trusted.go).
func Manifest() (map[string]string, error) {
	data, err := assets.ReadFile("assets/persisted-documents.json")
	if err != nil {
		return nil, err
	}
	return trusted.ParseManifest(data)
}
