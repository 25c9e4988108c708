// Package pages serves the plain pages that the service's mailed links
// open, under /account/ beside the web account (internal/web): confirm an
// email, ask for a password reset link, choose a new password, and a
// guest's order page (the payment page's return for a browser that is not
// signed in).
//
// The rules of every page: a GET only shows (mail scanners open links
// before the customer does, and a single-use link must survive that); the
// action happens on one deliberate click, a form POST carrying the token
// in its body, refused when the browser says it comes from another site
// (net/http's CrossOriginProtection). Pages are server-rendered, with no
// inline script or style, under a strict Content-Security-Policy, never
// cached, and send no Referer, so a token in the address bar goes nowhere.
package pages

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/store"
)

// maxForm bounds a form body: the largest holds a token and a password.
const maxForm = 16 << 10

//go:embed assets
var assets embed.FS

// Pages serves the pages.
type Pages struct {
	Accounts *account.Service
	Orders   *orders.Service
	Store    *store.Store
	// ShopURL is the shop's home, where "Back to the shop" leads.
	ShopURL string
	// PublicURL is where customers reach the service: forms posted from
	// its origin pass even behind a proxy that rewrites the Host.
	PublicURL string
	Log       *slog.Logger
}

// Routes adds the pages to mux.
func (p *Pages) Routes(mux *http.ServeMux) {
	guard := http.NewCrossOriginProtection()
	if u, err := url.Parse(p.PublicURL); err == nil && u.Host != "" {
		if err := guard.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			p.Log.Warn("pages: TEZ_PUBLIC_URL is not an origin forms can be trusted from", "err", err)
		}
	}
	page := func(h http.HandlerFunc) http.Handler { return secure(guard.Handler(limitForm(h))) }
	mux.Handle("GET /account/assets/", secure(http.StripPrefix("/account/", http.FileServerFS(assets))))
	for _, path := range []string{"/account/verify-email", "/account/confirm-email"} {
		mux.Handle("GET "+path, page(p.confirmForm))
		mux.Handle("POST "+path, page(p.confirm))
	}
	mux.Handle("GET "+forgotPath, page(p.forgotForm))
	mux.Handle("POST "+forgotPath, page(p.forgot))
	mux.Handle("GET /account/reset-password", page(p.resetForm))
	mux.Handle("POST /account/reset-password", page(p.reset))
	mux.Handle("POST /account/orders/{number}", page(p.order))
	mux.Handle("POST /account/orders/{number}/pay", page(p.pay))
}

// GuestOrder is the order page's form for a browser that is not signed
// in (the web account, internal/web, serves the signed-in one): a GET, so
// the cross-origin guard has nothing to refuse.
func (p *Pages) GuestOrder() http.Handler { return secure(limitForm(p.orderForm)) }

// secure sets the headers every page and asset carries.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "+
			"form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func limitForm(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		next(w, r)
	}
}

// link is a "where next" link of a page.
type link struct{ Text, URL string }

// view is what a page shows.
type view struct {
	Title   string
	Notice  string // what happened, in one or two sentences
	Again   link   // after the notice: how to get a new link, a link when it has a URL
	Kind    string // the notice's tone: "done", "problem" or ""
	Token   string // the link's token, carried by the page's form
	Email   string
	Problem string // a form field's problem, shown above the form
	Hint    string // what a form field takes
	Form    bool   // show the page's form
	Order   *orderView
	Script  string // an asset script of the page, if any
	Next    []link
	W       words // the page's language
}

var layout = template.Must(template.New("layout").Parse(`<!doctype html>
<html lang="{{.W.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · TEZ Telecom</title><link rel="stylesheet" href="/account/assets/page.css">
{{- if .Script}}<script src="/account/assets/{{.Script}}" defer></script>{{end}}</head>
<body><header><div class="bar"><a class="brand" href="/account/">TEZ Telecom</a>
<a href="{{.W.Switch}}" lang="{{.W.SwitchLang}}" hreflang="{{.W.SwitchLang}}">{{.W.SwitchText}}</a><a href="/account/">{{.W.S "Your account"}}</a></div></header>
<main><h1>{{.Title}}</h1>
{{if .Notice}}<p class="notice {{.Kind}}" id="notice" role="status">{{.Notice}}
{{- with .Again}}{{if .Text}} {{if .URL}}<a href="{{.URL}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{end}}{{end}}</p>{{end}}
{{template "body" .}}
{{if .Next}}<nav>{{range .Next}}<a href="{{.URL}}">{{.Text}}</a> {{end}}</nav>{{end}}
</main></body></html>`))

// page makes a page's template: the layout around its body.
func page(body string) *template.Template {
	return template.Must(template.Must(layout.Clone()).Parse(`{{define "body"}}` + body + `{{end}}`))
}

// render writes a page with its status code, in the request's language:
// the view's sentences are English, and are said in that language here.
func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, t *template.Template, v view) {
	if v.W.Lang == "" {
		v.W = wordsFor(w, r)
	}
	v.Title, v.Notice, v.Problem, v.Hint, v.Again.Text = v.W.S(v.Title), v.W.S(v.Notice), v.W.S(v.Problem), v.W.S(v.Hint), v.W.S(v.Again.Text)
	next := make([]link, len(v.Next))
	for i, l := range v.Next {
		next[i] = link{v.W.S(l.Text), l.URL}
	}
	v.Next = next
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := t.Execute(w, v); err != nil {
		p.Log.ErrorContext(r.Context(), "render page", "path", r.URL.Path, "err", err)
	}
}

// failed answers a page when the service could not do its part; the log
// line carries the error, the customer a request to retry.
func (p *Pages) failed(w http.ResponseWriter, r *http.Request, what string, err error) {
	p.Log.ErrorContext(r.Context(), what, "path", r.URL.Path, "err", err)
	p.render(w, r, http.StatusServiceUnavailable, messagePage, view{Title: "Something went wrong", Kind: "problem",
		Notice: "We could not finish this just now. Nothing was changed: please try again in a minute.", Next: p.home1()})
}

var messagePage = page(``)

// home1 is the link back to the shop.
func (p *Pages) home1() []link { return []link{{"Back to the shop", p.ShopURL + "/"}} }

// formValue reads a field of a POSTed form, trimmed.
func formValue(r *http.Request, name string) string {
	return strings.TrimSpace(r.PostFormValue(name))
}
