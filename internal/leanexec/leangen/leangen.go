// Package leangen is a gqlgen plugin that generates the lean query
// executor (see package leanexec) into gqlgen's exec package, from the same
// bindings gqlgen uses: the generated code calls the same resolvers, reads
// the same model fields and methods, decodes arguments and writes scalars
// and enums with gqlgen's own generated functions. Only the walk over
// objects and lists is its own.
package leangen

import (
	_ "embed"
	"errors"
	"path/filepath"
	"strings"

	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/templates"
	"github.com/99designs/gqlgen/plugin"
)

//go:embed lean.gotpl
var leanTemplate string

// New returns the plugin; it writes lean.go beside gqlgen's exec file.
func New() plugin.Plugin { return leanPlugin{} }

type leanPlugin struct{}

var _ plugin.CodeGenerator = leanPlugin{}

func (leanPlugin) Name() string { return "leangen" }

func (leanPlugin) GenerateCode(data *codegen.Data) error {
	if data.Config.UseFunctionSyntaxForExecutionContext {
		return errors.New("leangen: use_function_syntax_for_execution_context is not supported")
	}
	if len(data.AllDirectives.LocationDirectives("FIELD")) > 0 {
		// Field directives run as middleware around every field; the lean
		// walk has none.
		return errors.New("leangen: schemas with FIELD directives are not supported")
	}
	return templates.Render(templates.Options{
		PackageName:     data.Config.Exec.Package,
		Filename:        filepath.Join(filepath.Dir(data.Config.Exec.Filename), "lean.go"),
		Data:            data,
		Funcs:           map[string]any{"leanObject": leanObject, "leanField": leanField},
		GeneratedHeader: true,
		Packages:        data.Config.Packages,
		Template:        leanTemplate,
		PruneOptions:    data.Config.GetPruneOptions(),
	})
}

// leanObject reports whether the walk has a function for the object: every
// output object but the mutation and subscription roots and introspection's.
func leanObject(data *codegen.Data, o *codegen.Object) bool {
	if strings.HasPrefix(o.Name, "__") {
		return false
	}
	return !o.Root || o == data.QueryRoot
}

// leanField reports whether the walk resolves the field itself; for any
// other field it gives the operation back to gqlgen.
func leanField(f *codegen.Field) bool {
	if strings.HasPrefix(f.Name, "__") || f.IsMap() || f.IsBatch() || f.HasDirectives() ||
		f.VOkFunc || f.HasHaser || f.Stream || f.TypeReference == nil || f.TypeReference.Definition == nil {
		return false
	}
	switch f.TypeReference.Definition.Kind {
	case "OBJECT", "SCALAR", "ENUM":
		return true
	}
	return false
}
