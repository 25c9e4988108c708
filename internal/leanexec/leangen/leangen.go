// Package leangen is a gqlgen plugin that generates the lean query
// executor (see package leanexec) into gqlgen's exec package, from the same
// bindings gqlgen uses: the generated code calls the same resolvers, reads
// the same model fields and methods, and decodes arguments with gqlgen's
// own generated functions. The walk over objects and lists is its own, and
// so are the writers of the leaves that have one (writers.writer); other
// leaves go through gqlgen's marshalers.
package leangen

import (
	_ "embed"
	"errors"
	"fmt"
	"go/types"
	"path/filepath"
	"strings"

	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
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
		Funcs:           map[string]any{"leanObject": leanObject, "leanField": leanField, "leanWriter": writers{data.Config}.writer},
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

// builtinWriters are leanexec's writers in place of gqlgen's built-in
// scalar marshalers.
var builtinWriters = map[string]string{
	"MarshalString":  "WriteString",
	"MarshalID":      "WriteString",
	"MarshalInt":     "WriteInt",
	"MarshalInt32":   "WriteInt32",
	"MarshalInt64":   "WriteInt64",
	"MarshalBoolean": "WriteBoolean",
}

const gqlgenRuntime = "github.com/99designs/gqlgen/graphql"

// writers finds, for the generated walk, the function that writes a
// scalar or enum straight into its buffer.
type writers struct{ cfg *config.Config }

// writer names the function that writes a value of t straight into the
// walk's buffer, or "" when gqlgen's marshaler is to run: for gqlgen's
// built-in scalars leanexec's (builtinWriters); for a scalar marshalled by
// a project's MarshalX, a WriteX beside it taking the same value,
// func(*bytes.Buffer, T) bool (false: null, nothing written); for an enum
// gqlgen generated into the model file, leanexec.WriteEnum. Only for the
// plain case: the model's type is the marshaler's (or a pointer to it), no
// cast, no context.
func (g writers) writer(t *config.TypeReference) string {
	if t.CastType != nil || t.IsContext || t.IsSlice() || t.IsOmittable {
		return ""
	}
	value := t.GO
	if p, ok := value.(*types.Pointer); ok {
		value = p.Elem()
	}
	if g.generatedEnum(t, value) {
		return "leanexec.WriteEnum"
	}
	m := t.Marshaler
	if m == nil || !takes(m, value) {
		return ""
	}
	if m.Pkg().Path() == gqlgenRuntime {
		if name, ok := builtinWriters[m.Name()]; ok {
			return "leanexec." + name
		}
		return ""
	}
	name := "Write" + strings.TrimPrefix(m.Name(), "Marshal")
	if w, ok := m.Pkg().Scope().Lookup(name).(*types.Func); !ok || !isWriter(w, value) {
		return ""
	}
	return templates.CurrentImports.Lookup(m.Pkg().Path()) + "." + name
}

// generatedEnum reports whether t is an enum whose Go type, a string, and
// its MarshalGQL were generated by gqlgen into the model file: that
// MarshalGQL writes strconv.Quote(string(e)), which WriteEnum writes
// without fmt. An enum bound to a type of the project keeps its own.
func (g writers) generatedEnum(t *config.TypeReference, value types.Type) bool {
	named, ok := value.(*types.Named)
	if !ok || t.Definition.Kind != "ENUM" || !t.IsMarshaler || g.cfg.Model.Filename == "" {
		return false
	}
	if b, ok := named.Underlying().(*types.Basic); !ok || b.Kind() != types.String {
		return false
	}
	pkg := named.Obj().Pkg()
	if pkg == nil || pkg.Path() != g.cfg.Model.ImportPath() {
		return false
	}
	loaded := g.cfg.Packages.Load(pkg.Path())
	marshal, _, _ := types.LookupFieldOrMethod(named, false, pkg, "MarshalGQL")
	if loaded == nil || loaded.Fset == nil || marshal == nil {
		return false
	}
	return filepath.Base(loaded.Fset.Position(marshal.Pos()).Filename) == filepath.Base(g.cfg.Model.Filename)
}

// takes reports whether f has the one parameter, of type value.
func takes(f *types.Func, value types.Type) bool {
	params := f.Type().(*types.Signature).Params()
	return params.Len() == 1 && types.Identical(params.At(0).Type(), value)
}

// isWriter reports whether f is func(*bytes.Buffer, value) bool.
func isWriter(f *types.Func, value types.Type) bool {
	sig := f.Type().(*types.Signature)
	params, results := sig.Params(), sig.Results()
	return params.Len() == 2 && params.At(0).Type().String() == "*bytes.Buffer" &&
		types.Identical(params.At(1).Type(), value) &&
		results.Len() == 1 && types.Identical(results.At(0).Type(), types.Typ[types.Bool])
}
