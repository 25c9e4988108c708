package lang

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// Messages is one language's catalogue: the wording of each key, a
// text/template fragment run with the email's data, where money, date and
// plural write as the language does.
type Messages map[string]string

var catalogues = map[Language]Messages{English: en, Russian: ru}

// wordings are the catalogues parsed, by language and key.
var wordings = func() map[Language]map[string]*texttemplate.Template {
	out := map[Language]map[string]*texttemplate.Template{}
	for l, msgs := range catalogues {
		out[l] = map[string]*texttemplate.Template{}
		for key, text := range msgs {
			out[l][key] = texttemplate.Must(texttemplate.New(key).Funcs(l.formats()).Parse(text))
		}
	}
	return out
}()

// formats are the functions a wording or a layout may call.
func (l Language) formats() map[string]any {
	return map[string]any{"money": l.Money, "date": l.Date, "plural": l.Plural}
}

// say renders the wording of key in l with data.
func (l Language) say(key string, data any) (string, error) {
	w, ok := wordings[l][key]
	if !ok {
		return "", fmt.Errorf("no %s wording of %q", l, key)
	}
	var b strings.Builder
	if err := w.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Letter is an email laid out once: its subject, text and HTML layouts
// take their words from the catalogue of the language it is written in,
// with {{t "key" .}} (and may call money, date and plural themselves).
type Letter struct {
	name    string
	subject map[Language]*texttemplate.Template
	text    map[Language]*texttemplate.Template
	html    map[Language]*htmltemplate.Template
}

// NewLetter parses an email's layouts; it panics on a malformed one, as
// letters are made when the program starts. An empty html lays the text
// out as HTML paragraphs (Paragraphs).
func NewLetter(name, subject, text, html string) Letter {
	if html == "" {
		html = Paragraphs(text)
	}
	l := Letter{name: name, subject: map[Language]*texttemplate.Template{},
		text: map[Language]*texttemplate.Template{}, html: map[Language]*htmltemplate.Template{}}
	for _, lg := range All {
		fs := lg.formats()
		fs["t"] = lg.say
		l.subject[lg] = texttemplate.Must(texttemplate.New(name).Funcs(fs).Parse(subject))
		l.text[lg] = texttemplate.Must(texttemplate.New(name).Funcs(fs).Parse(text))
		l.html[lg] = htmltemplate.Must(htmltemplate.New(name).Funcs(fs).Parse(html))
	}
	return l
}

// Name is what the letter is, for errors.
func (l Letter) Name() string { return l.name }

// Render writes the letter in lg (Default when it is not a language) with
// data. html/template escapes the data and the wordings in the HTML body.
func (l Letter) Render(lg Language, data any) (subject, text, html string, err error) {
	lg = lg.Or()
	var s, t, h bytes.Buffer
	if err := l.subject[lg].Execute(&s, data); err != nil {
		return "", "", "", fmt.Errorf("%s email subject: %w", l.name, err)
	}
	if err := l.text[lg].Execute(&t, data); err != nil {
		return "", "", "", fmt.Errorf("%s email: %w", l.name, err)
	}
	if err := l.html[lg].Execute(&h, data); err != nil {
		return "", "", "", fmt.Errorf("%s email (HTML): %w", l.name, err)
	}
	return strings.TrimSpace(s.String()), t.String(), h.String(), nil
}

// Paragraphs lays a text layout out as HTML: paragraphs where the text has
// blank lines, and {{.Link}} a link.
func Paragraphs(text string) string {
	html := "<p>" + strings.ReplaceAll(text, "\n\n", "</p>\n<p>") + "</p>"
	return strings.ReplaceAll(html, "{{.Link}}", `<a href="{{.Link}}">{{.Link}}</a>`)
}
