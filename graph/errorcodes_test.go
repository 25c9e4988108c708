package graph_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/99designs/gqlgen/graphql/errcode"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/apperr"
)

// The codes a client can switch on are the ones apperr lists, each
// described in the schema, which a Playground reader sees: no code without
// its line, no line without its code.
func TestErrorCodesAreDocumented(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	var d struct {
		Schema struct{ Description string } `json:"__schema"`
	}
	api.Query(apitest.Request{Query: `{ __schema { description } }`}, &d)
	var documented []string
	for _, line := range regexp.MustCompile("(?m)^- ((?:`[A-Z_]+`(?:, )?)+):").FindAllStringSubmatch(d.Schema.Description, -1) {
		for _, code := range regexp.MustCompile("`([A-Z_]+)`").FindAllStringSubmatch(line[1], -1) {
			documented = append(documented, code[1])
		}
	}
	var listed []string
	for _, c := range apperr.Codes {
		listed = append(listed, string(c))
	}
	for _, c := range listed {
		if !slices.Contains(documented, c) {
			t.Errorf("code %s is not described in the schema's description", c)
		}
	}
	for _, c := range documented {
		if !slices.Contains(listed, c) {
			t.Errorf("the schema describes code %s, which apperr.Codes does not list", c)
		}
	}
	// gqlgen makes these itself; a rename upstream must show here.
	if errcode.ParseFailed != string(apperr.ParseFailed) || errcode.ValidationFailed != string(apperr.ValidationFailed) {
		t.Errorf("gqlgen's codes are %s and %s, apperr says %s and %s",
			errcode.ParseFailed, errcode.ValidationFailed, apperr.ParseFailed, apperr.ValidationFailed)
	}
}
