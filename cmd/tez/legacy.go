package main

import (
	"context"
	"errors"
	"os"

	"github.com/teztelecom/tez/internal/legacy"
	"github.com/teztelecom/tez/internal/store"
)

const legacyUsage = "usage: tez legacy import FILE   (JSON Lines, one old account a line, or CSV email,iccid,label[,owned_since]; - reads stdin; see docs/legacy-import.md)"

// runLegacy imports the accounts of the old account system. Bad lines are
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
	return legacy.Run(ctx, store.New(dbase.db), in, env.stdout, env.stderr)
}
