package config

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// runtimeVariables are read by Go's runtime (cmd/tez sets them unless
// they are set), not by this package; the README lists them all the same.
var runtimeVariables = []string{"GOMEMLIMIT", "GOGC"}

// The README's configuration table is where an operator looks: it lists
// exactly the variables this package reads, no more, no less.
func TestREADMEListsEveryVariable(t *testing.T) {
	read := map[string]bool{}
	for _, env := range []string{"development", "production"} {
		parse(func(name string) (string, bool) {
			read[name] = true
			if name == "TEZ_ENV" {
				return env, true
			}
			return "", false
		})
	}

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Configuration\n")
	if !ok {
		t.Fatal("README.md has no ## Configuration section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	listed := map[string]bool{}
	for _, row := range regexp.MustCompile("(?m)^\\| ([^|]+)\\|").FindAllStringSubmatch(section, -1) {
		for _, name := range regexp.MustCompile("`([A-Z][A-Z0-9_]+)`").FindAllStringSubmatch(row[1], -1) {
			listed[name[1]] = true
		}
	}

	for name := range read {
		if !listed[name] {
			t.Errorf("internal/config reads %s, which the README's configuration table does not list", name)
		}
	}
	for name := range listed {
		if !read[name] && !slices.Contains(runtimeVariables, name) {
			t.Errorf("the README's configuration table lists %s, which internal/config does not read", name)
		}
	}
}
