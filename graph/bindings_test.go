package graph_test

import (
	"strings"
	"testing"

	"github.com/99designs/gqlgen/codegen/config"
)

// storePackage is the package no GraphQL type may be bound to: the GraphQL
// types are graph/model's, converted from the store's, so that a column
// added to the store (a password hash) never reaches the schema.
const storePackage = "github.com/teztelecom/tez/internal/store"

// TestSchemaBindsNoStoreType reads gqlgen's configuration, and the
// schema's @goModel directives, as gqlgen does, and refuses any binding of
// a type or an enum value into internal/store.
func TestSchemaBindsNoStoreType(t *testing.T) {
	t.Chdir("..")
	cfg, err := config.LoadConfig("gqlgen.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.LoadSchema(); err != nil {
		t.Fatal(err)
	}
	var bound []string
	for name, entry := range cfg.Models {
		for _, m := range entry.Model {
			bound = append(bound, name+" → "+m)
		}
		for value, v := range entry.EnumValues {
			bound = append(bound, name+"."+value+" → "+v.Value)
		}
	}
	for name, def := range cfg.Schema.Types {
		if d := def.Directives.ForName("goModel"); d != nil {
			for _, arg := range d.Arguments {
				bound = append(bound, name+" @goModel → "+arg.Value.Raw)
			}
		}
	}
	for _, b := range bound {
		if strings.Contains(b, storePackage+".") {
			t.Errorf("%s: bind the GraphQL type to one of graph/model, converted from the store's", b)
		}
	}
}
