package static

import (
	"bytes"
	"html/template"
)

// Shell is the HTML page of a single-page application whose script and
// stylesheet are assets of a Set: Body is what the page holds before the
// script runs (the element it renders into).
type Shell struct {
	Title   string
	Icon    string // an asset's name, or none
	CSS, JS string // assets' names
	Body    template.HTML
}

var shell = template.Must(template.New("shell").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
{{with .Icon}}<link rel="icon" href="{{.}}" type="image/svg+xml">
{{end}}<link rel="stylesheet" href="{{.CSS}}">
<script src="{{.JS}}" defer></script>
</head>
<body>
{{.Body}}
</body>
</html>
`))

// Page is sh rendered, its assets at their versioned URLs.
func (s *Set) Page(sh Shell) []byte {
	if sh.Icon != "" {
		sh.Icon = s.URL(sh.Icon)
	}
	sh.CSS, sh.JS = s.URL(sh.CSS), s.URL(sh.JS)
	var buf bytes.Buffer
	if err := shell.Execute(&buf, sh); err != nil {
		panic(err) // a fixed template over strings
	}
	return buf.Bytes()
}
