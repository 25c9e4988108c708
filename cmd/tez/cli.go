package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/teztelecom/tez/internal/store"
)

// usageError is a command line tez cannot read: a one-line reason followed
// by the usage. main exits 2 for it, as Go's flag package does.
type usageError struct {
	reason, usage string
}

func (e *usageError) Error() string { return e.reason + "\n" + e.usage }

// cmdline is one subcommand's flags and the synopsis its help starts with.
// Parsing comes before anything touches a database, so help and mistakes
// are answered at once.
type cmdline struct {
	*flag.FlagSet
	env      *environment
	synopsis string   // "tez reseller create --name NAME [--rate 20]"
	required []string // flags that must be given a value
}

// newFlags names a subcommand ("reseller create") and its synopsis.
func newFlags(env *environment, name, synopsis string) *cmdline {
	fs := flag.NewFlagSet("tez "+name, flag.ContinueOnError)
	// The flag package would print its own lines; parse prints ours.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &cmdline{FlagSet: fs, env: env, synopsis: synopsis}
}

// parse reads args. -h or --help prints the help on stdout and returns
// flag.ErrHelp (exit 0); a flag it does not know, a required flag left
// empty, or a count of arguments outside [minArgs, maxArgs] (maxArgs < 0: no
// bound) is a usageError.
func (c *cmdline) parse(args []string, minArgs, maxArgs int) error {
	err := c.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.help(c.env.stdout)
		return flag.ErrHelp
	case err != nil:
		return c.fail(err.Error())
	case c.NArg() < minArgs:
		return c.fail("missing arguments")
	case maxArgs >= 0 && c.NArg() > maxArgs:
		return c.fail(fmt.Sprintf("unexpected argument %q", c.Arg(maxArgs)))
	}
	for _, n := range c.required {
		if c.Lookup(n).Value.String() == "" {
			return c.fail("--" + n + " is required")
		}
	}
	return nil
}

// parseInput is parse for a command that reads one FILE (or - for standard
// input) after its flags: it opens it; close it with done.
func (c *cmdline) parseInput(args []string) (in io.Reader, done func(), err error) {
	if err := c.parse(args, 1, 1); err != nil {
		return nil, nil, err
	}
	return openInput(c.env, c.Arg(0))
}

// fail is a usageError for this subcommand.
func (c *cmdline) fail(reason string) error {
	var b strings.Builder
	c.help(&b)
	return &usageError{reason: c.Name() + ": " + reason, usage: strings.TrimRight(b.String(), "\n")}
}

func (c *cmdline) help(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n", c.synopsis)
	hasFlags := false
	c.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintln(w, "\nflags:")
		c.SetOutput(w)
		c.PrintDefaults()
		c.SetOutput(io.Discard)
	}
}

// action is one verb of a subcommand with verbs (migrate up, reseller key create).
type action struct {
	name string
	run  func(ctx context.Context, env *environment, args []string) error
}

// dispatch runs the action args[0] names among actions. Help for the
// subcommand itself (tez migrate --help) lists the actions; a missing or
// unknown one is a usageError.
func dispatch(ctx context.Context, env *environment, name, usage string, args []string, actions ...action) error {
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help", "help":
			fmt.Fprintln(env.stdout, usage)
			return flag.ErrHelp
		}
		for _, a := range actions {
			if a.name == args[0] {
				return a.run(ctx, env, args[1:])
			}
		}
	}
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = a.name
	}
	reason := "tez " + name + ": an action is needed: " + strings.Join(names, ", ")
	if len(args) > 0 {
		reason = fmt.Sprintf("tez %s: unknown action %q: want %s", name, args[0], strings.Join(names, ", "))
	}
	return &usageError{reason: reason, usage: usage}
}

// storeAction is an action without flags or arguments that works in the
// configured database.
// command names the subcommand it belongs to ("ledger" for ledger check).
func storeAction(command, name string, fn func(ctx context.Context, env *environment, s *store.Store) error) action {
	return action{name, func(ctx context.Context, env *environment, args []string) error {
		if err := newFlags(env, command+" "+name, "tez "+command+" "+name).parse(args, 0, 0); err != nil {
			return err
		}
		return withStore(ctx, env, func(s *store.Store) error { return fn(ctx, env, s) })
	}}
}

// dbOptions says which database a subcommand works in; the zero value is
// the configured one (DATABASE_URL or the embedded cluster's), migrated.
type dbOptions struct {
	embeddedName string // another database of the embedded cluster
	fresh        bool   // drop and create embeddedName anew
	noMigrate    bool   // leave the schema as it is (tez migrate)
}

// withDatabase is every subcommand's preamble: it opens the database (or
// starts the embedded cluster), runs fn on it, and lets go of both after.
func withDatabase(ctx context.Context, env *environment, o dbOptions, fn func(d *database) error) error {
	name := o.embeddedName
	if name == "" {
		name = embeddedDatabase
	}
	d, err := openDatabase(ctx, env, name, o.fresh, !o.noMigrate)
	if err != nil {
		return err
	}
	defer d.close()
	return fn(d)
}

// withStore is withDatabase on the configured database, through the store.
func withStore(ctx context.Context, env *environment, fn func(s *store.Store) error) error {
	return withDatabase(ctx, env, dbOptions{}, func(d *database) error { return fn(d.st) })
}

// table starts a listing on stdout whose first line is header: columns
// are separated by tabs and aligned on Flush.
func table(env *environment, header string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	return tw
}
