// Package webhooks tells partners about their SIMs: signed JSON events
// posted to the endpoints a reseller registers (`tez reseller webhook
// add`). Events are written to an outbox in the ledger's transaction (the
// Events hook), and a Worker in each server posts them, retries failures
// with exponential backoff for a day, and disables an endpoint that keeps
// failing. A partner only ever hears of the SIMs assigned to it, with the
// reseller view's fields: no customer data (docs/webhooks.md).
package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// The event types.
const (
	SIMSuspended   = "sim.suspended"
	SIMReactivated = "sim.reactivated"
	BalanceLow     = "balance.low"
	BalanceChanged = store.CoalescedEvent
)

// Types are the event types, in the order the docs list them.
var Types = []string{SIMSuspended, SIMReactivated, BalanceLow, BalanceChanged}

// DefaultTypes are what an endpoint receives unless it names its own,
// with balance.low when it has a threshold.
var DefaultTypes = []string{SIMSuspended, SIMReactivated}

// Event is the JSON body posted to an endpoint.
type Event struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"createdAt"`
	Data      Data      `json:"data"`
}

// Data is the SIM as the reseller view shows it: nothing of its customer.
type Data struct {
	ICCID       string    `json:"iccid"`
	Status      string    `json:"status"`
	Balance     Money     `json:"balance"`
	BalanceAsOf time.Time `json:"balanceAsOf"`
}

// Money is an amount as the API writes it.
type Money struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currencyCode"`
}

// Events is the ledger hook that queues partners' events (ledger.Hook).
// SIMs without a reseller cost nothing; a batch with some costs one
// statement for the endpoints and one for the events.
type Events struct{ store *store.Store }

// NewEvents makes the hook.
func NewEvents(st *store.Store) *Events { return &Events{store: st} }

// BalancesChanged queues the events the changes make for the endpoints of
// the SIMs' resellers.
func (h *Events) BalancesChanged(ctx context.Context, tx store.Querier, changes []ledger.Change) error {
	var resellers []int64
	for _, c := range changes {
		if r := c.Before.ResellerID; r != nil && !slices.Contains(resellers, *r) {
			resellers = append(resellers, *r)
		}
	}
	if len(resellers) == 0 {
		return nil
	}
	endpoints, err := h.store.LiveWebhookEndpoints(ctx, tx, resellers)
	if err != nil || len(endpoints) == 0 {
		return err
	}
	var writes []store.WebhookEventWrite
	for _, c := range changes {
		if c.Before.ResellerID == nil {
			continue
		}
		data, err := json.Marshal(dataOf(c))
		if err != nil {
			return err
		}
		for _, e := range endpoints {
			if e.ResellerID != *c.Before.ResellerID {
				continue
			}
			for _, typ := range typesOf(c, e) {
				writes = append(writes, store.WebhookEventWrite{ID: newEventID(), EndpointID: e.ID, Type: typ, ICCID: c.Before.ICCID, Data: data})
			}
		}
	}
	if len(writes) == 0 {
		return nil
	}
	return h.store.EnqueueWebhookEvents(ctx, tx, writes)
}

// typesOf are the events a change makes for an endpoint, among those it
// subscribed to.
func typesOf(c ledger.Change, e store.WebhookEndpoint) []string {
	b, after := c.Before, c.Entry.BalanceAfter
	var out []string
	add := func(typ string, happened bool) {
		if happened && slices.Contains(e.Events, typ) {
			out = append(out, typ)
		}
	}
	add(SIMSuspended, c.Status == store.SIMSuspended && b.Status != store.SIMSuspended)
	add(SIMReactivated, c.Status == store.SIMActive && b.Status == store.SIMSuspended)
	if e.LowBalance != nil {
		if t, err := money.Parse(*e.LowBalance, b.Currency); err == nil {
			add(BalanceLow, b.Balance > t.Amount && after <= t.Amount)
		}
	}
	add(BalanceChanged, after != b.Balance)
	return out
}

func dataOf(c ledger.Change) Data {
	m := money.New(c.Entry.BalanceAfter, c.Before.Currency)
	return Data{ICCID: c.Before.ICCID, Status: string(c.Status), Balance: Money{Amount: m.Decimal(), CurrencyCode: m.Currency},
		BalanceAsOf: c.Entry.CreatedAt.UTC()}
}

// newEventID is an event's id: partners drop a delivery whose id they saw.
func newEventID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "evt_" + hex.EncodeToString(b)
}
