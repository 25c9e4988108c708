// Command gqlgen runs gqlgen's generator with the project's plugin that adds
// the lean query executor (internal/leanexec/leangen). go generate runs it
// from graph/; it reads gqlgen.yml from the working directory upwards.
package main

import (
	"fmt"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"

	"github.com/teztelecom/tez/internal/leanexec/leangen"
)

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen: load config:", err)
		os.Exit(2)
	}
	if err := api.Generate(cfg, api.AddPlugin(leangen.New())); err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(3)
	}
}
