package journey

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// browser opens pages and submits their forms as a browser does: GET for
// a link, the form's fields (hidden ones included) POSTed with an Origin
// header, redirects followed, cookies kept, a Referer sent unless the page
// forbids it.
type browser struct {
	t      testing.TB
	client *http.Client
	// languages is the Accept-Language every request sends, if any.
	languages string
}

func (s *shop) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return &browser{t: s.t, client: &http.Client{Jar: jar}}
}

// page is a page as the browser shows it.
type page struct {
	t      testing.TB
	b      *browser
	URL    *url.URL // after redirects
	Status int
	Header http.Header
	Body   string
	root   *html.Node
}

// open follows a link: a plain GET, as a mail client or a scanner does.
func (b *browser) open(link string) *page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, link, nil)
	if err != nil {
		b.t.Fatalf("open %q: %v", link, err)
	}
	return b.send(req)
}

func (b *browser) send(req *http.Request) *page {
	b.t.Helper()
	if b.languages != "" {
		req.Header.Set("Accept-Language", b.languages)
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatalf("read %s: %v", req.URL.Path, err)
	}
	p := &page{t: b.t, b: b, URL: res.Request.URL, Status: res.StatusCode, Header: res.Header, Body: string(raw)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if p.root, err = html.Parse(strings.NewReader(p.Body)); err != nil {
			b.t.Fatalf("parse %s: %v", req.URL.Path, err)
		}
	}
	return p
}

// Text is what the page shows: its visible text, white space collapsed.
func (p *page) Text() string {
	if p.root == nil {
		return strings.Join(strings.Fields(p.Body), " ")
	}
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "head") {
			return
		}
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
			sb.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.root)
	return strings.Join(strings.Fields(sb.String()), " ")
}

// mustSay fails the journey unless the page shows each of the phrases.
func (p *page) mustSay(phrases ...string) {
	p.t.Helper()
	text := p.Text()
	for _, s := range phrases {
		if !strings.Contains(text, s) {
			p.t.Fatalf("%s (%d) does not say %q; it says:\n%s", p.URL.Path, p.Status, s, text)
		}
	}
}

// mustNotSay fails the journey if the page shows any of the phrases.
func (p *page) mustNotSay(phrases ...string) {
	p.t.Helper()
	text := p.Text()
	for _, s := range phrases {
		if strings.Contains(text, s) {
			p.t.Fatalf("%s says %q:\n%s", p.URL.Path, s, text)
		}
	}
}

// follow clicks the link whose text is text.
func (p *page) follow(text string) *page {
	p.t.Helper()
	for n := range p.all("a") {
		if collapse(n) == text {
			return p.b.open(p.resolve(attr(n, "href")))
		}
	}
	p.t.Fatalf("%s has no link %q:\n%s", p.URL.Path, text, p.Body)
	return nil
}

// submit fills the fields of the form holding the button labelled button
// (each field must exist in that form, as in a browser) and clicks it.
func (p *page) submit(button string, fields map[string]string) *page {
	p.t.Helper()
	for form := range p.all("form") {
		clicked := findButton(form, button)
		if clicked == nil {
			continue
		}
		values := formValues(form)
		for k, v := range fields {
			if _, ok := values[k]; !ok {
				p.t.Fatalf("the form of %q on %s has no field %q:\n%s", button, p.URL.Path, k, p.Body)
			}
			values.Set(k, v)
		}
		if name := attr(clicked, "name"); name != "" {
			values.Set(name, attr(clicked, "value"))
		}
		action := p.resolve(attr(form, "action"))
		var req *http.Request
		var err error
		if strings.EqualFold(attr(form, "method"), "post") {
			req, err = http.NewRequest(http.MethodPost, action, strings.NewReader(values.Encode()))
			if err == nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", p.URL.Scheme+"://"+p.URL.Host)
			}
		} else {
			u, _ := url.Parse(action)
			u.RawQuery = values.Encode()
			req, err = http.NewRequest(http.MethodGet, u.String(), nil)
		}
		if err != nil {
			p.t.Fatal(err)
		}
		if p.Header.Get("Referrer-Policy") != "no-referrer" {
			req.Header.Set("Referer", p.URL.String())
		}
		return p.b.send(req)
	}
	p.t.Fatalf("%s has no button %q:\n%s", p.URL.Path, button, p.Body)
	return nil
}

// forms counts the page's forms: a page that did its work offers none.
func (p *page) forms() int {
	n := 0
	for range p.all("form") {
		n++
	}
	return n
}

func (p *page) resolve(ref string) string {
	u, err := p.URL.Parse(ref)
	if err != nil {
		p.t.Fatalf("bad URL %q on %s: %v", ref, p.URL.Path, err)
	}
	return u.String()
}

// all yields the page's elements named tag, in document order.
func (p *page) all(tag string) func(func(*html.Node) bool) {
	return func(yield func(*html.Node) bool) {
		if p.root != nil {
			elements(p.root, tag, yield)
		}
	}
}

func elements(n *html.Node, tag string, yield func(*html.Node) bool) bool {
	if n.Type == html.ElementNode && n.Data == tag && !yield(n) {
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if !elements(c, tag, yield) {
			return false
		}
	}
	return true
}

func findButton(form *html.Node, label string) *html.Node {
	var found *html.Node
	for _, tag := range []string{"button", "input"} {
		elements(form, tag, func(n *html.Node) bool {
			typ := strings.ToLower(attr(n, "type"))
			switch {
			case tag == "button" && typ != "button" && typ != "reset" && collapse(n) == label,
				tag == "input" && typ == "submit" && attr(n, "value") == label:
				found = n
				return false
			}
			return true
		})
	}
	return found
}

// formValues are the fields a browser would send, as the page filled them.
func formValues(form *html.Node) url.Values {
	v := url.Values{}
	for _, tag := range []string{"input", "textarea"} {
		elements(form, tag, func(n *html.Node) bool {
			name := attr(n, "name")
			typ := strings.ToLower(attr(n, "type"))
			switch {
			case name == "", slices.Contains([]string{"submit", "button", "reset", "image"}, typ):
			case (typ == "checkbox" || typ == "radio") && !hasAttr(n, "checked"):
				v[name] = append(v[name], []string{}...)
			case tag == "textarea":
				v.Set(name, collapse(n))
			default:
				v.Set(name, attr(n, "value"))
			}
			return true
		})
	}
	return v
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// collapse is an element's text, white space collapsed.
func collapse(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(sb.String()), " ")
}
