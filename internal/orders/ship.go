package orders

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/store"
)

// Limits of what a parcel's label says.
const (
	MaxCarrierLen  = 100
	MaxTrackingLen = 100
	MaxURLLen      = 2000
)

// Ship records that an order's parcel left with a carrier: the shipment
// reads SHIPPED, the order FULFILLED (everything physical has shipped;
// vouchers were credited at payment), and the customer is mailed the
// tracking, all in one transaction. Only a paid order whose lines are all
// allocated ships, and only once.
func (s *Service) Ship(ctx context.Context, number string, p store.Parcel) (*store.Order, *store.Shipment, error) {
	if err := checkParcel(&p); err != nil {
		return nil, nil, err
	}
	var (
		order store.Order
		sh    store.Shipment
	)
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		o, err := s.lockForShipping(ctx, tx, number)
		if err != nil {
			return err
		}
		items, err := s.store.OrderItemsTx(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.FulfilledQuantity < it.Quantity {
				return apperr.New(apperr.Conflict, "order %s still waits for %d × %s: add stock (tez stock add) before shipping",
					o.Number, it.Quantity-it.FulfilledQuantity, it.SKU)
			}
		}
		cur, err := s.store.LockShipment(ctx, tx, o.ID)
		if apperr.Is(err, apperr.NotFound) {
			return apperr.New(apperr.Conflict, "order %s has nothing to ship (vouchers are credited at payment)", o.Number)
		}
		if err != nil {
			return err
		}
		if cur.Status != store.ShipmentPreparing {
			return apperr.New(apperr.Conflict, "order %s has shipped already, on %s with %s (tracking %s)",
				o.Number, cur.ShippedAt.UTC().Format("2 January 2006"), deref(cur.Carrier), deref(cur.TrackingNumber))
		}
		if sh, err = s.store.SetShipped(ctx, tx, cur.ID, p); err != nil {
			return err
		}
		order = o // a partly refunded order keeps saying so
		if o.Status == store.OrderPaid {
			if order, err = s.store.SetOrderStatus(ctx, tx, o.ID, store.OrderFulfilled); err != nil {
				return err
			}
		}
		return s.sendShipped(ctx, tx, order, sh)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("ship order %s: %w", number, err)
	}
	return &order, &sh, nil
}

// Delivered records that an order's parcel arrived.
func (s *Service) Delivered(ctx context.Context, number string) (*store.Shipment, error) {
	var sh store.Shipment
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		o, err := s.store.LockOrderByNumber(ctx, tx, number)
		if err != nil {
			return err
		}
		cur, err := s.store.LockShipment(ctx, tx, o.ID)
		switch {
		case apperr.Is(err, apperr.NotFound):
			return apperr.New(apperr.Conflict, "order %s has nothing to ship", o.Number)
		case err != nil:
			return err
		case cur.Status == store.ShipmentPreparing:
			return apperr.New(apperr.Conflict, "order %s has not shipped yet: tez orders ship first", o.Number)
		case cur.Status == store.ShipmentDelivered:
			sh = cur // delivered already: nothing changes
			return nil
		case cur.Status != store.ShipmentShipped:
			return apperr.New(apperr.Conflict, "order %s's parcel is %s", o.Number, strings.ToLower(string(cur.Status)))
		}
		sh, err = s.store.SetDelivered(ctx, tx, cur.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("order %s delivered: %w", number, err)
	}
	return &sh, nil
}

// lockForShipping locks an order that may ship: paid (a part refunded
// too, say for its voucher), placed here.
func (s *Service) lockForShipping(ctx context.Context, tx store.Querier, number string) (store.Order, error) {
	o, err := s.store.LockOrderByNumber(ctx, tx, number)
	switch {
	case err != nil:
		return o, err
	case o.Imported():
		return o, apperr.New(apperr.Conflict, "order %s comes from the old account system: it is history and never ships", o.Number)
	case o.Status == store.OrderPaid, o.Status == store.OrderPartiallyRefunded:
		return o, nil
	case o.Status == store.OrderFulfilled:
		return o, nil // LockShipment tells shipped from nothing to ship
	}
	return o, apperr.New(apperr.Conflict, "order %s is %s: only paid orders ship", o.Number, humanStatus(o.Status))
}

// checkParcel trims and checks what the operator typed.
func checkParcel(p *store.Parcel) error {
	p.Carrier, p.TrackingNumber = strings.TrimSpace(p.Carrier), strings.TrimSpace(p.TrackingNumber)
	for _, f := range []struct {
		name, v string
		max     int
	}{{"carrier", p.Carrier, MaxCarrierLen}, {"tracking", p.TrackingNumber, MaxTrackingLen}} {
		if f.v == "" || utf8.RuneCountInString(f.v) > f.max {
			return apperr.New(apperr.Invalid, "--%s: give 1 to %d characters", f.name, f.max)
		}
		if e := account.CheckVisible(f.name, f.v); e != nil {
			return apperr.New(apperr.Invalid, "--%s: %s", f.name, e.Message)
		}
	}
	if p.TrackingURL == nil {
		return nil
	}
	raw := strings.TrimSpace(*p.TrackingURL)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(raw) > MaxURLLen {
		return apperr.New(apperr.Invalid, "--url: give the carrier's tracking page, an http(s) address of at most %d characters", MaxURLLen)
	}
	p.TrackingURL = &raw
	return nil
}
