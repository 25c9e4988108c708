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
	"fmt"
	"path/filepath"
	"strings"

	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/templates"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/plugin"
)

//go:embed lean.gotpl
var leanTemplate string

// New returns the plugin; it writes lean.go beside gqlgen's exec file.
func New() plugin.Plugin { return leanPlugin{} }

type leanPlugin struct{}

var _ plugin.CodeGenerator = leanPlugin{}

func (leanPlugin) Name() string { return "leangen" }

// TestedGqlgen is the gqlgen release the lean executor was checked
// against (graph's differential tests on both executors). It leans on
// gqlgen's generated code and runtime in ways no release promises to keep,
// so generate refuses any other: follow the upgrade checklist in
// internal/leanexec/doc.go, then change this.
const TestedGqlgen = "v0.17.98"

// checkVersion refuses a gqlgen other than the tested one.
func checkVersion(running string) error {
	if running != TestedGqlgen {
		return fmt.Errorf("leangen: gqlgen %s is not the release the lean executor was tested with (%s); "+
			"follow the upgrade checklist in internal/leanexec/doc.go, then set leangen.TestedGqlgen, "+
			"or keep github.com/99designs/gqlgen at %s in go.mod", running, TestedGqlgen, TestedGqlgen)
	}
	return nil
}

func (leanPlugin) GenerateCode(data *codegen.Data) error {
	if err := checkVersion(graphql.Version); err != nil {
		return err
	}
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
	if strings.HasPrefix(f.Name, "__") || f.IsMap() || f.HasDirectives() ||
		f.VOkFunc || f.HasHaser || f.Stream || f.TypeReference == nil || f.TypeReference.Definition == nil {
		return false
	}
	switch f.TypeReference.Definition.Kind {
	case "OBJECT", "SCALAR", "ENUM":
		return true
	}
	return false
}
