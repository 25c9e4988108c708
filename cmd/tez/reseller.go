package main

import (
	"context"
	"fmt"
	"time"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/reseller"
	"github.com/teztelecom/tez/internal/store"
)

const resellerUsage = `usage:
  tez reseller create --name NAME [--rate 20] [--burst 40]   prints the new reseller's id
  tez reseller key create --reseller ID|NAME [--expires 720h]  prints the new key (shown once)
  tez reseller key list --reseller ID|NAME
  tez reseller key revoke PREFIX|KEY
  tez reseller assign --reseller ID|NAME FILE|-               ICCIDs one per line, or CSV with the ICCID first
  tez reseller webhook add|list|remove|deliveries|redeliver …  partner webhooks (tez reseller webhook for details)`

func runReseller(ctx context.Context, env *environment, args []string) error {
	return dispatch(ctx, env, "reseller", resellerUsage, args,
		action{"create", resellerCreate},
		action{"key", func(ctx context.Context, env *environment, args []string) error {
			return dispatch(ctx, env, "reseller key", resellerUsage, args,
				action{"create", resellerKeyCreate},
				action{"list", resellerKeyList},
				action{"revoke", resellerKeyRevoke})
		}},
		action{"assign", resellerAssign},
		action{"webhook", runWebhook})
}

// withResellers runs fn with the reseller service on the configured database.
func withResellers(ctx context.Context, env *environment, fn func(svc *reseller.Service) error) error {
	return withStore(ctx, env, func(s *store.Store) error { return fn(reseller.NewService(s, nil, env.log)) })
}

// resellerRef declares the required --reseller, which resellerNotFound
// explains.
func resellerRef(fs *cmdline) *string {
	fs.required = append(fs.required, "reseller")
	return fs.String("reseller", "", "the reseller's id or name (required)")
}

// resellerNotFound answers an unknown --reseller with a sentence an
// operator can act on, instead of the store's lookup error.
func resellerNotFound(err error, ref string) error {
	if apperr.CodeOf(err) == apperr.NotFound {
		return fmt.Errorf("no reseller has the id or name %q (tez reseller create --name NAME makes one)", ref)
	}
	return err
}

func resellerCreate(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "reseller create", "tez reseller create --name NAME [--rate 20] [--burst 40]   prints the new reseller's id")
	name := fs.String("name", "", "the reseller's name (unique)")
	rate := fs.Int("rate", 20, "requests a second each of its keys may make")
	burst := fs.Int("burst", 40, "requests a key may make at once before the rate applies")
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	return withResellers(ctx, env, func(svc *reseller.Service) error {
		r, err := svc.Create(ctx, *name, *rate, *burst)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "reseller %q created (%d requests/s, burst %d)\n", r.Name, r.RatePerSecond, r.Burst)
		fmt.Fprintln(env.stdout, r.ID)
		return nil
	})
}

func resellerKeyCreate(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "reseller key create", "tez reseller key create --reseller ID|NAME [--expires 720h]   prints the new key (shown once)")
	ref := resellerRef(fs)
	expires := fs.Duration("expires", 0, "how long the key is valid (e.g. 720h); 0 means no expiry")
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	return withResellers(ctx, env, func(svc *reseller.Service) error {
		k, stored, err := svc.CreateKey(ctx, *ref, *expires)
		if err != nil {
			return resellerNotFound(err, *ref)
		}
		fmt.Fprintf(env.stderr, "key %s created; it is shown once, store it now\n", stored.Prefix)
		fmt.Fprintln(env.stdout, k.Full)
		return nil
	})
}

func resellerKeyList(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "reseller key list", "tez reseller key list --reseller ID|NAME")
	ref := resellerRef(fs)
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	return withResellers(ctx, env, func(svc *reseller.Service) error {
		keys, err := svc.Keys(ctx, *ref)
		if err != nil {
			return resellerNotFound(err, *ref)
		}
		tw := table(env, "PREFIX\tCREATED\tEXPIRES\tREVOKED\tLAST USED")
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.Prefix, stamp(&k.CreatedAt), stamp(k.ExpiresAt), stamp(k.RevokedAt), stamp(k.LastUsedAt))
		}
		return tw.Flush()
	})
}

func resellerKeyRevoke(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "reseller key revoke", "tez reseller key revoke PREFIX|KEY")
	if err := fs.parse(args, 1, 1); err != nil {
		return err
	}
	return withResellers(ctx, env, func(svc *reseller.Service) error {
		if err := svc.Revoke(ctx, fs.Arg(0)); apperr.CodeOf(err) == apperr.NotFound {
			return fmt.Errorf("no key has the prefix %q (tez reseller key list shows them)", fs.Arg(0))
		} else if err != nil {
			return err
		}
		fmt.Fprintln(env.stderr, "key revoked")
		return nil
	})
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func resellerAssign(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "reseller assign", "tez reseller assign --reseller ID|NAME FILE|-   ICCIDs one per line, or CSV with the ICCID first")
	ref := resellerRef(fs)
	in, done, err := fs.parseInput(args)
	if err != nil {
		return err
	}
	defer done()
	return withResellers(ctx, env, func(svc *reseller.Service) error {
		rep, err := svc.Assign(ctx, *ref, in)
		if err != nil {
			return resellerNotFound(err, *ref)
		}
		for _, p := range rep.Problems {
			fmt.Fprintln(env.stderr, p)
		}
		fmt.Fprintf(env.stdout, "assigned %d, already held %d, not assigned %d\n", rep.Assigned, rep.AlreadyYours, len(rep.Problems))
		return nil
	})
}
