package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/teztelecom/tez/internal/legacy"
	"github.com/teztelecom/tez/internal/store"
)

const legacyUsage = "usage: tez legacy import FILE.csv   (columns email,iccid,label; - reads stdin)"

// runLegacy imports SIM owners of the old account system. Bad rows are
// listed on stderr with their line numbers; the summary goes to stdout.
func runLegacy(ctx context.Context, env *environment, args []string) error {
	if len(args) != 2 || args[0] != "import" {
		return errors.New(legacyUsage)
	}
	in := env.stdin
	if args[1] != "-" {
		f, err := os.Open(args[1])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	dbase, err := openDatabase(ctx, env, true)
	if err != nil {
		return err
	}
	defer dbase.close()
	res, err := legacy.Import(ctx, store.New(dbase.db), in)
	for _, b := range res.Bad {
		fmt.Fprintf(env.stderr, "line %d: %s (skipped)\n", b.Line, b.Reason)
	}
	fmt.Fprintf(env.stdout, "rows %d, stored %d, skipped %d, attached to verified accounts %d\n",
		res.Rows, res.Stored, len(res.Bad), res.Attached)
	return err
}
