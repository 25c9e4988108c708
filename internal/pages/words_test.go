package pages

import (
	"strings"
	"testing"
)

// Accept-Language chooses the first of en and ru a browser lists.
func TestAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"ru-RU,ru;q=0.9,en-US;q=0.8": "ru", "en-GB,ru;q=0.5": "en", "de-DE,ru;q=0.7": "ru",
		"": "en", "kk-KZ": "en", "RU": "ru", "garbled;;,,": "en",
	} {
		if got := acceptLanguage(h); got != want {
			t.Errorf("acceptLanguage(%q) = %q, want %q", h, got, want)
		}
	}
}

// Every sentence that takes an argument takes as many in Russian.
func TestRussianSentencesKeepTheirArguments(t *testing.T) {
	for en, ru := range ruWords {
		if strings.Count(en, "%s") != strings.Count(ru, "%s") || strings.Contains(ru, "%") != strings.Contains(en, "%") {
			t.Errorf("%q → %q: the arguments differ", en, ru)
		}
		if ru == "" || ru == en {
			t.Errorf("%q has no Russian words", en)
		}
	}
}
