package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/store"
)

const resellerUsage = `usage:
  tez reseller create --name NAME [--rate 20] [--burst 40]   prints the new reseller's id
  tez reseller key create --reseller ID|NAME [--expires 720h]  prints the new key (shown once)
  tez reseller key list --reseller ID|NAME
  tez reseller key revoke PREFIX|KEY
  tez reseller assign --reseller ID|NAME FILE|-               ICCIDs one per line, or CSV with the ICCID first`

func runReseller(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		return errors.New(resellerUsage)
	}
	dbase, err := openDatabase(ctx, env, true)
	if err != nil {
		return err
	}
	defer dbase.close()
	svc := reseller.NewService(store.New(dbase.db), nil, env.log)
	switch {
	case args[0] == "create":
		return resellerCreate(ctx, env, svc, args[1:])
	case args[0] == "assign":
		return resellerAssign(ctx, env, svc, args[1:])
	case args[0] == "key" && len(args) > 1 && args[1] == "create":
		return resellerKeyCreate(ctx, env, svc, args[2:])
	case args[0] == "key" && len(args) > 1 && args[1] == "list":
		return resellerKeyList(ctx, env, svc, args[2:])
	case args[0] == "key" && len(args) > 2 && args[1] == "revoke":
		if err := svc.Revoke(ctx, args[2]); err != nil {
			return err
		}
		fmt.Fprintln(env.stderr, "key revoked")
		return nil
	}
	return errors.New(resellerUsage)
}

func newFlags(env *environment, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	return fs
}

func resellerCreate(ctx context.Context, env *environment, svc *reseller.Service, args []string) error {
	fs := newFlags(env, "reseller create")
	name := fs.String("name", "", "the reseller's name (unique)")
	rate := fs.Int("rate", 20, "requests a second each of its keys may make")
	burst := fs.Int("burst", 40, "requests a key may make at once before the rate applies")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := svc.Create(ctx, *name, *rate, *burst)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "reseller %q created (%d requests/s, burst %d)\n", r.Name, r.RatePerSecond, r.Burst)
	fmt.Fprintln(env.stdout, r.ID)
	return nil
}

func resellerKeyCreate(ctx context.Context, env *environment, svc *reseller.Service, args []string) error {
	fs := newFlags(env, "reseller key create")
	ref := fs.String("reseller", "", "the reseller's id or name")
	expires := fs.Duration("expires", 0, "how long the key is valid (e.g. 720h); 0 means no expiry")
	if err := fs.Parse(args); err != nil {
		return err
	}
	k, stored, err := svc.CreateKey(ctx, *ref, *expires)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "key %s created; it is shown once, store it now\n", stored.Prefix)
	fmt.Fprintln(env.stdout, k.Full)
	return nil
}

func resellerKeyList(ctx context.Context, env *environment, svc *reseller.Service, args []string) error {
	fs := newFlags(env, "reseller key list")
	ref := fs.String("reseller", "", "the reseller's id or name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	keys, err := svc.Keys(ctx, *ref)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PREFIX\tCREATED\tEXPIRES\tREVOKED\tLAST USED")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.Prefix, stamp(&k.CreatedAt), stamp(k.ExpiresAt), stamp(k.RevokedAt), stamp(k.LastUsedAt))
	}
	return tw.Flush()
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func resellerAssign(ctx context.Context, env *environment, svc *reseller.Service, args []string) error {
	fs := newFlags(env, "reseller assign")
	ref := fs.String("reseller", "", "the reseller's id or name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: tez reseller assign --reseller ID|NAME FILE|-")
	}
	in, done, err := openInput(env, fs.Arg(0))
	if err != nil {
		return err
	}
	defer done()
	rep, err := svc.Assign(ctx, *ref, in)
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(env.stderr, p)
	}
	fmt.Fprintf(env.stdout, "assigned %d, already held %d, not assigned %d\n", rep.Assigned, rep.AlreadyYours, len(rep.Problems))
	return nil
}
