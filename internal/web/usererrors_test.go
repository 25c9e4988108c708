package web_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Every userError code the schema documents has its words in both of the
// account's languages (build/src/usererrors.json), and both catalogues
// name the same codes and fields.
func TestEveryUserErrorCodeHasEnglishAndRussianWords(t *testing.T) {
	files, err := filepath.Glob("../../schema/*.graphqls")
	if err != nil || len(files) == 0 {
		t.Fatalf("schema files: %v", err)
	}
	var codes []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := parser.ParseSchema(&ast.Source{Name: f, Input: string(src)})
		if err != nil {
			t.Fatal(err)
		}
		if def := doc.Definitions.ForName("UserErrorCode"); def != nil {
			for _, v := range def.EnumValues {
				codes = append(codes, v.Name)
			}
		}
	}
	if len(codes) < 10 {
		t.Fatalf("found %d codes in enum UserErrorCode: %v", len(codes), codes)
	}
	data, err := os.ReadFile("build/src/usererrors.json")
	if err != nil {
		t.Fatal(err)
	}
	var catalogues map[string]any
	if err := json.Unmarshal(data, &catalogues); err != nil {
		t.Fatal(err)
	}
	words := map[string]map[string]string{}
	for _, lang := range []string{"en", "ru"} {
		if catalogues[lang] == nil {
			t.Fatalf("no %s catalogue", lang)
		}
		raw, _ := json.Marshal(catalogues[lang])
		m := map[string]string{}
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		words[lang] = m
		for _, c := range codes {
			if strings.TrimSpace(m[c]) == "" {
				t.Errorf("%s has no words for %s", lang, c)
			}
		}
		for k := range m {
			if code, _, _ := strings.Cut(k, " "); !slices.Contains(codes, code) {
				t.Errorf("%s: %q names no code of the schema", lang, k)
			}
		}
	}
	for k, en := range words["en"] {
		ru, ok := words["ru"][k]
		if !ok {
			t.Errorf("%q is in en, not in ru", k)
		} else if strings.Contains(en, "{n}") != strings.Contains(ru, "{n}") {
			t.Errorf("%q: {n} in one language only: %q, %q", k, en, ru)
		}
	}
	for k := range words["ru"] {
		if _, ok := words["en"][k]; !ok {
			t.Errorf("%q is in ru, not in en", k)
		}
	}
}
