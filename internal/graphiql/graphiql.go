// Package graphiql serves GraphiQL, the in-browser GraphQL IDE, from the
// binary: React, GraphiQL and its CSS are bundled from pinned npm packages
// (build/package-lock.json) into assets/ by go generate, so the page works
// without the internet. assets/THIRD_PARTY_LICENSES.txt keeps the bundled
// packages' licenses.
package graphiql

//go:generate sh build/generate.sh

import (
	"bytes"
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

var page = template.Must(template.New("graphiql").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="stylesheet" href="{{.CSS}}">
</head>
<body>
<div id="graphiql" data-endpoint="{{.Endpoint}}">Loading GraphiQL…</div>
<script src="{{.JS}}"></script>
</body>
</html>
`))

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
	var buf bytes.Buffer
	err := page.Execute(&buf, map[string]string{
		"Title": title, "Endpoint": endpoint,
		"JS": h.assets.URL("graphiql.js"), "CSS": h.assets.URL("graphiql.css"),
	})
	if err != nil {
		panic(err) // a fixed template
	}
	h.page = buf.Bytes()
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
