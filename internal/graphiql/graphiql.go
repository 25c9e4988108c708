// Package graphiql serves GraphiQL, the in-browser GraphQL IDE, from the
// binary: React, GraphiQL and its CSS are bundled from pinned npm packages
// (build/package-lock.json) into assets/ by go generate, so the page works
// without the internet. assets/THIRD_PARTY_LICENSES.txt keeps the bundled
// packages' licenses.
package graphiql

//go:generate sh build/generate.sh

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"net/http"
	"path"
	"strings"
	"sync"
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

type asset struct {
	body, gzipped []byte
	etag, ctype   string
}

// Handler serves the GraphiQL page at / (it sends its requests to
// endpoint) and its assets under Prefix.
type Handler struct {
	page   []byte
	assets map[string]*asset
	once   sync.Once // gzips the assets on first use, not at every start
}

// New builds the handler for a page titled title.
func New(title, endpoint string) *Handler {
	h := &Handler{assets: map[string]*asset{}}
	for _, name := range []string{"graphiql.js", "graphiql.css", "THIRD_PARTY_LICENSES.txt"} {
		body, err := assets.ReadFile("assets/" + name)
		if err != nil {
			panic(err) // embedded at build time
		}
		sum := sha256.Sum256(body)
		ctype := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".txt": "text/plain; charset=utf-8"}[path.Ext(name)]
		h.assets[name] = &asset{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: ctype}
	}
	var buf bytes.Buffer
	err := page.Execute(&buf, map[string]string{
		"Title": title, "Endpoint": endpoint,
		// The version in the URL changes with the bytes, so a browser never mixes builds.
		"JS":  Prefix + "graphiql.js?v=" + strings.Trim(h.assets["graphiql.js"].etag, `"`),
		"CSS": Prefix + "graphiql.css?v=" + strings.Trim(h.assets["graphiql.css"].etag, `"`),
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
	a, ok := h.assets[strings.TrimPrefix(r.URL.Path, Prefix)]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h.once.Do(h.compress)
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("ETag", a.etag)
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Vary", "Accept-Encoding")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Header.Get("If-None-Match") == a.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		body = a.gzipped
	}
	_, _ = w.Write(body)
}

func (h *Handler) compress() {
	for _, a := range h.assets {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(a.body)
		_ = zw.Close()
		a.gzipped = buf.Bytes()
	}
}
