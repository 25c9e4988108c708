package orders

import (
	"context"
	"fmt"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/store"
)

// Waiting is a paid order after another fulfilment attempt: its status and
// what it still waits for (PAID with nothing missing: ready to ship).
type Waiting struct {
	Number  string
	Status  store.OrderStatus
	Missing []MissingUnits
}

// MissingUnits is a line's shortfall.
type MissingUnits struct {
	SKU   string
	Count int
}

// FulfilWaiting tries again to fulfil every paid order that waits for
// stock, oldest first (tez stock add runs it after an intake), each in its own transaction (an order another
// process fulfils meanwhile is skipped). Run it after new SIMs arrive.
func (s *Service) FulfilWaiting(ctx context.Context) ([]Waiting, error) {
	ids, err := s.store.PaidOrderIDs(ctx, s.store.DB())
	if err != nil {
		return nil, err
	}
	var out []Waiting
	for _, id := range ids {
		var w Waiting
		err := s.store.InTx(ctx, func(tx store.Querier) error {
			o, err := s.store.LockPaidOrder(ctx, tx, id)
			if err != nil {
				return err
			}
			status, missing, err := s.fulfil(ctx, tx, o)
			w = Waiting{Number: o.Number, Status: status, Missing: missing}
			return err
		})
		if apperr.Is(err, apperr.NotFound) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("fulfil order %d: %w", id, err)
		}
		out = append(out, w)
	}
	return out, nil
}
