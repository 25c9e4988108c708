package leangen

import (
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

func TestGenerateRefusesAnUntestedGqlgen(t *testing.T) {
	if err := checkVersion(graphql.Version); err != nil {
		t.Fatalf("the gqlgen in go.mod (%s) is refused: %v", graphql.Version, err)
	}
	err := checkVersion("v0.17.99")
	if err == nil {
		t.Fatal("gqlgen v0.17.99 was accepted")
	}
	for _, want := range []string{"v0.17.99", TestedGqlgen, "internal/leanexec/doc.go"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal %q does not say %s", err, want)
		}
	}
}
