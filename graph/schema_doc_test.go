package graph_test

import (
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
)

// The schema is the API reference: every type, field, argument, input
// field and enum value read by introspection over HTTP has a description,
// and each custom scalar says its JSON type and format.
func TestSchemaIsDocumented(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	type described struct{ Name, Description string }
	var d struct {
		Schema struct {
			Types []struct {
				Name, Kind, Description string
				SpecifiedByURL          *string
				Fields                  []struct {
					Name, Description string
					Args              []described
				}
				InputFields []described
				EnumValues  []described
			}
		} `json:"__schema"`
	}
	api.Query(apitest.Request{Query: `{ __schema { types { name kind description specifiedByURL
		fields(includeDeprecated: true) { name description args { name description } }
		inputFields { name description } enumValues(includeDeprecated: true) { name description } } } }`}, &d)
	missing := func(what string) { t.Errorf("%s has no description", what) }
	scalars := map[string]string{}
	for _, typ := range d.Schema.Types {
		if strings.HasPrefix(typ.Name, "__") {
			continue
		}
		if strings.TrimSpace(typ.Description) == "" && !builtinScalar(typ.Name) {
			missing(typ.Name)
		}
		if typ.Kind == "SCALAR" {
			scalars[typ.Name] = typ.Description
			if typ.SpecifiedByURL != nil {
				scalars[typ.Name+"@specifiedBy"] = *typ.SpecifiedByURL
			}
		}
		for _, f := range typ.Fields {
			if strings.TrimSpace(f.Description) == "" {
				missing(typ.Name + "." + f.Name)
			}
			for _, a := range f.Args {
				if strings.TrimSpace(a.Description) == "" {
					missing(typ.Name + "." + f.Name + "(" + a.Name + ")")
				}
			}
		}
		for _, f := range typ.InputFields {
			if strings.TrimSpace(f.Description) == "" {
				missing(typ.Name + "." + f.Name)
			}
		}
		for _, v := range typ.EnumValues {
			if strings.TrimSpace(v.Description) == "" {
				missing(typ.Name + "." + v.Name)
			}
		}
	}
	for name, want := range map[string]struct{ jsonType, spec string }{
		"Int64":    {"JSON number", ""},
		"Decimal":  {"JSON string", ""},
		"DateTime": {"JSON string", "https://datatracker.ietf.org/doc/html/rfc3339"},
		"ICCID":    {"JSON string", "https://www.itu.int/rec/T-REC-E.118"},
	} {
		if !strings.Contains(scalars[name], want.jsonType) {
			t.Errorf("scalar %s: description %q does not say it is a %s", name, scalars[name], want.jsonType)
		}
		if got := scalars[name+"@specifiedBy"]; got != want.spec {
			t.Errorf("scalar %s: @specifiedBy %q, want %q", name, got, want.spec)
		}
	}
}

func builtinScalar(name string) bool {
	switch name {
	case "String", "Int", "Float", "Boolean", "ID":
		return true
	}
	return false
}
