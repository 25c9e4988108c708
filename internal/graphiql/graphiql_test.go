package graphiql_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/graphiql"
)

func get(t *testing.T, h http.Handler, path string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPageAndAssets(t *testing.T) {
	h := graphiql.New(`A <b>title</b>`, "/graphql")
	page := body(t, get(t, h, "/", nil))
	if !strings.Contains(page, "<title>A &lt;b&gt;title&lt;/b&gt;</title>") {
		t.Errorf("the title is not escaped: %s", page)
	}
	js := regexp.MustCompile(`src="(/graphiql/graphiql\.js\?v=[0-9a-f]+)"`).FindStringSubmatch(page)
	if js == nil {
		t.Fatalf("no versioned script in the page: %s", page)
	}
	plain := get(t, h, js[1], nil)
	script := body(t, plain)
	// The bundle holds React and GraphiQL themselves, not a loader of them.
	for _, want := range []string{"reactjs.org/docs/error-decoder", "graphiql-container", "shouldPersistHeaders"} {
		if !strings.Contains(script, want) {
			t.Errorf("the bundle lacks %q", want)
		}
	}
	if plain.Header.Get("Content-Type") != "text/javascript; charset=utf-8" || plain.Header.Get("ETag") == "" {
		t.Errorf("script headers: %v", plain.Header)
	}
	zipped := get(t, h, js[1], map[string]string{"Accept-Encoding": "gzip, br"})
	if zipped.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", zipped.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader([]byte(body(t, zipped))))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if string(unzipped) != script {
		t.Error("the gzipped script is not the script")
	}
	if res := get(t, h, js[1], map[string]string{"If-None-Match": plain.Header.Get("ETag")}); res.StatusCode != http.StatusNotModified {
		t.Errorf("a revalidation answered %d, want 304", res.StatusCode)
	}
	if res := get(t, h, "/graphiql/../graphiql.go", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("a path outside the assets answered %d", res.StatusCode)
	}
}
