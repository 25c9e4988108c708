package main

import (
	"context"
	"strings"

	"github.com/teztelecom/tez/internal/legacy"
	"github.com/teztelecom/tez/internal/store"
)

const legacyUsage = "usage: tez legacy import FILE   (JSON Lines, one old account a line, or CSV email,iccid,label[,owned_since]; - reads stdin; see docs/legacy-import.md)"

// runLegacy imports the accounts of the old account system. Bad lines are
// listed on stderr with their line numbers; the summary goes to stdout.
func runLegacy(ctx context.Context, env *environment, args []string) error {
	return dispatch(ctx, env, "legacy", legacyUsage, args, action{"import", func(ctx context.Context, env *environment, args []string) error {
		fs := newFlags(env, "legacy import", strings.TrimPrefix(legacyUsage, "usage: "))
		in, done, err := fs.parseInput(args)
		if err != nil {
			return err
		}
		defer done()
		return withStore(ctx, env, func(s *store.Store) error { return legacy.Run(ctx, s, in, env.stdout, env.stderr) })
	}})
}
