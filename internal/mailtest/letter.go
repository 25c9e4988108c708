package mailtest

import (
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/lang"
)

// Letter renders l in language with data, as the unit tests of each email
// check it: the subject is subject and the text says every one of says. It
// answers the text and HTML bodies for further checks.
func Letter(t *testing.T, l lang.Letter, language lang.Language, data any, subject string, says ...string) (text, html string) {
	t.Helper()
	got, text, html, err := l.Render(language, data)
	if err != nil {
		t.Fatal(err)
	}
	if got != subject {
		t.Errorf("subject = %q, want %q", got, subject)
	}
	for _, want := range says {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	return text, html
}
