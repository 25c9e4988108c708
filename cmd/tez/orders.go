package main

import (
	"context"
	"fmt"

	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/server"
	"github.com/teztelecom/tez/internal/store"
)

const ordersUsage = `usage: tez orders fulfil
       tez orders ship --order NUMBER --carrier NAME --tracking CODE [--url URL]
       tez orders delivered --order NUMBER
       tez orders refund --order NUMBER [--reason TEXT] [--amount DECIMAL]`

func runOrders(ctx context.Context, env *environment, args []string) error {
	return dispatch(ctx, env, "orders", ordersUsage, args,
		storeAction("orders", "fulfil", ordersFulfil),
		action{"ship", runOrdersShip},
		action{"delivered", runOrdersDelivered},
		action{"refund", runOrdersRefund})
}

// newOrders is the orders service for an operator's command, with the
// configured payment provider (refunds go through it).
func newOrders(env *environment, s *store.Store) *orders.Service {
	return orders.NewService(s, newLedger(env, s), orders.Options{ShopURL: env.cfg.ShopURL, Log: env.log,
		Provider: server.NewProvider(env.cfg)})
}

// ordersFulfil fulfils what stock allows and says what still waits.
func ordersFulfil(ctx context.Context, env *environment, s *store.Store) error {
	done, err := newOrders(env, s).FulfilWaiting(ctx)
	for _, w := range done {
		line := fmt.Sprintf("%s: %s", w.Number, w.Status)
		if w.Status == store.OrderPaid && len(w.Missing) == 0 {
			line += ", ready to ship"
		}
		for i, m := range w.Missing {
			sep := ", still waiting for "
			if i > 0 {
				sep = ", "
			}
			line += fmt.Sprintf("%s%d × %s", sep, m.Count, m.SKU)
		}
		fmt.Fprintln(env.stdout, line)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "orders fulfil: %d paid orders looked at\n", len(done))
	return nil
}

func runOrdersShip(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "orders ship", "tez orders ship --order NUMBER --carrier NAME --tracking CODE [--url URL]")
	number := fs.String("order", "", "the order number, e.g. TEZ-100042")
	var p store.Parcel
	fs.StringVar(&p.Carrier, "carrier", "", "who carries the parcel, e.g. DHL")
	fs.StringVar(&p.TrackingNumber, "tracking", "", "the carrier's tracking number")
	trackingURL := fs.String("url", "", "the carrier's tracking page for this parcel (mailed to the customer)")
	fs.required = []string{"order", "carrier", "tracking"}
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	if *trackingURL != "" {
		p.TrackingURL = trackingURL
	}
	return withStore(ctx, env, func(s *store.Store) error {
		o, sh, err := newOrders(env, s).Ship(ctx, *number, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s: %s, shipped with %s, tracking %s; the customer is mailed\n", o.Number, o.Status, *sh.Carrier, *sh.TrackingNumber)
		return nil
	})
}

func runOrdersDelivered(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "orders delivered", "tez orders delivered --order NUMBER")
	number := fs.String("order", "", "the order number, e.g. TEZ-100042")
	fs.required = []string{"order"}
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	return withStore(ctx, env, func(s *store.Store) error {
		sh, err := newOrders(env, s).Delivered(ctx, *number)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s: parcel %s on %s\n", *number, sh.Status, sh.DeliveredAt.UTC().Format("2 January 2006, 15:04 UTC"))
		return nil
	})
}

func runOrdersRefund(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "orders refund", "tez orders refund --order NUMBER [--reason TEXT] [--amount DECIMAL]")
	number := fs.String("order", "", "the order number, e.g. TEZ-100042")
	req := orders.RefundRequest{By: store.RefundByOperator}
	fs.StringVar(&req.Reason, "reason", "", "why (told to the customer in the refund email)")
	fs.StringVar(&req.Amount, "amount", "", "how much, in the order's currency (default: what was paid less the vouchers' credit used; see docs/operations.md)")
	fs.required = []string{"order"}
	if err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	return withStore(ctx, env, func(s *store.Store) error {
		res, err := newOrders(env, s).Refund(ctx, *number, req)
		if err != nil {
			return err
		}
		r := res.Refund
		if res.Again {
			fmt.Fprintf(env.stdout, "%s: %s already, %s on %s (refund %s); nothing done\n", res.Order.Number, res.Order.Status, r.Amount(),
				r.CreatedAt.UTC().Format("2 January 2006"), r.ProviderRef)
			return nil
		}
		fmt.Fprintf(env.stdout, "%s: %s, %s refunded (refund %s)", res.Order.Number, res.Order.Status, r.Amount(), r.ProviderRef)
		if r.CreditTaken > 0 {
			fmt.Fprintf(env.stdout, ", %s of voucher credit taken back", money.New(r.CreditTaken, r.Currency))
		}
		if len(res.Restocked) > 0 {
			fmt.Fprintf(env.stdout, ", %d SIM cards back in stock", len(res.Restocked))
		}
		fmt.Fprintln(env.stdout, "; the customer is mailed")
		return nil
	})
}
