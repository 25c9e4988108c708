// Package static serves a fixed set of embedded build outputs (the
// bundles of GraphiQL and the web account): with an ETag from their bytes,
// gzipped once on first use, and URLs versioned by content so a browser
// never mixes two builds.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

type asset struct {
	body, gzipped []byte
	etag, ctype   string
}

// Set is the assets of one bundle.
type Set struct {
	prefix string
	assets map[string]*asset
	once   sync.Once // gzips on first use, not at every start
}

var types = map[string]string{
	".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
	".txt": "text/plain; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml",
}

// New reads names from fsys (embedded at build time, so a missing one is
// a programming error) to serve under prefix.
func New(fsys fs.FS, prefix string, names ...string) *Set {
	s := &Set{prefix: prefix, assets: map[string]*asset{}}
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(body)
		s.assets[path.Base(name)] = &asset{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: types[path.Ext(name)]}
	}
	return s
}

// URL is where the asset named base is served, versioned by its bytes.
func (s *Set) URL(base string) string {
	return s.prefix + base + "?v=" + strings.Trim(s.assets[base].etag, `"`)
}

// ServeHTTP serves the asset the path names under the prefix.
func (s *Set) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Serve(w, r, strings.TrimPrefix(r.URL.Path, s.prefix))
}

// Serve answers the asset named base, whatever the path.
func (s *Set) Serve(w http.ResponseWriter, r *http.Request, base string) {
	a, ok := s.assets[base]
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.once.Do(s.compress)
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

func (s *Set) compress() {
	for _, a := range s.assets {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(a.body)
		_ = zw.Close()
		a.gzipped = buf.Bytes()
	}
}
