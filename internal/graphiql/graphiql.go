// Package graphiql serves GraphiQL, the in-browser GraphQL IDE, from the
// binary: React, GraphiQL and its CSS are bundled from pinned npm packages
// (build/package-lock.json) into assets/ by go generate, so the page works
// without the internet. assets/THIRD_PARTY_LICENSES.txt keeps the bundled
// packages' licenses.
package graphiql

//go:generate sh build/generate.sh

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/teztelecom/tez/internal/static"
)

//go:embed assets
var assets embed.FS

// Prefix is where the assets are served.
const Prefix = "/graphiql/"

// csp lets the page load only what the server itself serves: the bundle,
// its stylesheet (fonts and icons are data: URLs in it), and the API.
// GraphiQL's editors set inline styles, hence 'unsafe-inline' for styles.
const csp = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; " +
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the GraphiQL page at / (it sends its requests to
// endpoint) and its assets under Prefix.
type Handler struct {
	page   []byte
	assets *static.Set
}

// New builds the handler for a page titled title.
func New(title, endpoint string) *Handler {
	sub, _ := fs.Sub(assets, "assets")
	h := &Handler{assets: static.New(sub, Prefix, "graphiql.js", "graphiql.css", "THIRD_PARTY_LICENSES.txt")}
	body := `<div id="graphiql" data-endpoint="` + template.HTMLEscapeString(endpoint) + `">Loading GraphiQL…</div>`
	h.page = h.assets.Page(static.Shell{Title: title, CSS: "graphiql.css", JS: "graphiql.js", Body: template.HTML(body)})
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, Prefix) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(h.page)
		return
	}
	h.assets.ServeHTTP(w, r)
}
