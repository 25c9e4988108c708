package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/webhooks"
)

const webhookUsage = `usage:
  tez reseller webhook add --reseller ID|NAME --url URL [--events sim.suspended,sim.reactivated,balance.low] [--low-balance 2.00]
                                           prints the endpoint's signing secret (shown once)
  tez reseller webhook list --reseller ID|NAME
  tez reseller webhook remove ENDPOINT_ID
  tez reseller webhook deliveries --reseller ID|NAME [--failed] [-n 20]
  tez reseller webhook redeliver EVENT_ID`

func runWebhook(ctx context.Context, env *environment, args []string) error {
	return dispatch(ctx, env, "reseller webhook", webhookUsage, args,
		action{"add", webhookAdd},
		action{"list", webhookList},
		action{"remove", webhookRemove},
		action{"deliveries", webhookDeliveries},
		action{"redeliver", webhookRedeliver})
}

// withWebhooks runs fn with the endpoints' service on the configured
// database, under the configured key and address policy.
func withWebhooks(ctx context.Context, env *environment, fn func(svc *webhooks.Service) error) error {
	sealer, err := webhooks.NewSealer(env.cfg.WebhookKey, env.cfg.Production())
	if err != nil && err != webhooks.ErrNoKey {
		return err
	}
	policy := webhooks.PolicyFor(env.cfg.Production(), env.cfg.WebhookAllowPrivate)
	return withStore(ctx, env, func(s *store.Store) error { return fn(webhooks.NewService(s, sealer, policy)) })
}

func webhookAdd(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "reseller webhook add", "tez reseller webhook add --reseller ID|NAME --url URL [--events …] [--low-balance 2.00]   prints the signing secret (shown once)")
	ref := resellerRef(fs)
	fs.required = append(fs.required, "url")
	url := fs.String("url", "", "where events are posted (https://…; required)")
	events := fs.String("events", "", "comma-separated, of "+strings.Join(webhooks.Types, ", ")+" (default "+strings.Join(webhooks.DefaultTypes, ",")+", and balance.low with --low-balance)")
	low := fs.String("low-balance", "", "balance.low fires when a SIM's balance goes from above this to at or below it")
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	var types []string
	for _, t := range strings.Split(*events, ",") {
		if t = strings.TrimSpace(t); t != "" {
			types = append(types, t)
		}
	}
	return withWebhooks(ctx, env, func(svc *webhooks.Service) error {
		e, secret, err := svc.Add(ctx, *ref, *url, types, *low)
		if err != nil {
			return resellerNotFound(err, *ref)
		}
		fmt.Fprintf(env.stderr, "endpoint %d added for %s (%s); its signing secret is shown once, store it now\n", e.ID, e.URL, strings.Join(e.Events, ","))
		fmt.Fprintln(env.stdout, secret)
		return nil
	})
}

func webhookList(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "reseller webhook list", "tez reseller webhook list --reseller ID|NAME")
	ref := resellerRef(fs)
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	return withWebhooks(ctx, env, func(svc *webhooks.Service) error {
		list, err := svc.List(ctx, *ref)
		if err != nil {
			return resellerNotFound(err, *ref)
		}
		tw := table(env, "ID\tURL\tEVENTS\tLOW BALANCE\tSTATE\tFAILURES IN A ROW\tCREATED")
		for _, e := range list {
			state := "enabled"
			if e.DisabledAt != nil {
				state = "DISABLED since " + stamp(e.DisabledAt) + " (redeliver an event to enable it)"
			}
			low := "-"
			if e.LowBalance != nil {
				low = *e.LowBalance
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\n", e.ID, e.URL, strings.Join(e.Events, ","), low, state, e.Failures, stamp(&e.CreatedAt))
		}
		return tw.Flush()
	})
}

func webhookRemove(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "reseller webhook remove", "tez reseller webhook remove ENDPOINT_ID")
	if err := fs.parse(args, 1, 1); err != nil {
		return err
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil {
		return fs.fail("ENDPOINT_ID must be a number (tez reseller webhook list shows them)")
	}
	return withWebhooks(ctx, env, func(svc *webhooks.Service) error {
		if err := svc.Remove(ctx, id); apperr.Is(err, apperr.NotFound) {
			return fmt.Errorf("no webhook endpoint has the id %d (tez reseller webhook list shows them)", id)
		} else if err != nil {
			return err
		}
		fmt.Fprintln(env.stderr, "endpoint removed, with the events waiting for it")
		return nil
	})
}

func webhookDeliveries(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "reseller webhook deliveries", "tez reseller webhook deliveries --reseller ID|NAME [--failed] [-n 20]")
	ref := resellerRef(fs)
	failed := fs.Bool("failed", false, "only events whose last attempt failed")
	n := fs.Int("n", 20, "how many of the newest events")
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	return withWebhooks(ctx, env, func(svc *webhooks.Service) error {
		rows, err := svc.Deliveries(ctx, *ref, *failed, *n)
		if err != nil {
			return resellerNotFound(err, *ref)
		}
		tw := table(env, "EVENT\tENDPOINT\tTYPE\tICCID\tSTATE\tATTEMPTS\tLAST ANSWER\tCREATED\tNEXT/DELIVERED")
		for _, r := range rows {
			answer := "-"
			switch {
			case r.LastError != nil:
				answer = *r.LastError
			case r.LastStatus != nil:
				answer = strconv.Itoa(*r.LastStatus)
			}
			when := stamp(&r.NextAt)
			if r.DeliveredAt != nil {
				when = stamp(r.DeliveredAt)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", r.ID, r.EndpointID, r.Type, r.ICCID, r.State, r.Attempts, answer, stamp(&r.CreatedAt), when)
		}
		return tw.Flush()
	})
}

func webhookRedeliver(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "reseller webhook redeliver", "tez reseller webhook redeliver EVENT_ID")
	if err := fs.parse(args, 1, 1); err != nil {
		return err
	}
	return withWebhooks(ctx, env, func(svc *webhooks.Service) error {
		e, err := svc.Redeliver(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "event %s is due now; endpoint %d is enabled\n", fs.Arg(0), e.ID)
		return nil
	})
}
