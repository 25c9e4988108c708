package webhooks

import (
	"context"
	"slices"
	"strings"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// Service manages resellers' endpoints for the operator's commands.
type Service struct {
	store  *store.Store
	sealer *Sealer
	policy Policy
}

// NewService makes the service; sealer is nil when production has no
// TEZ_WEBHOOK_KEY, and then adding an endpoint says so.
func NewService(st *store.Store, sealer *Sealer, policy Policy) *Service {
	return &Service{store: st, sealer: sealer, policy: policy}
}

// maxEndpoints bounds a reseller's endpoints: each event is posted to all.
const maxEndpoints = 10

// Add registers an endpoint of the reseller (id or name) for events (nil:
// DefaultTypes, and balance.low with a threshold), with an optional balance.low threshold ("2.00"), and
// answers it with its signing secret, which is never shown again.
func (s *Service) Add(ctx context.Context, resellerRef, rawURL string, events []string, lowBalance string) (store.WebhookEndpoint, string, error) {
	if s.sealer == nil {
		return store.WebhookEndpoint{}, "", ErrNoKey
	}
	r, err := s.store.ResellerByRef(ctx, s.store.DB(), resellerRef)
	if err != nil {
		return store.WebhookEndpoint{}, "", err
	}
	u, err := s.policy.CheckURL(ctx, rawURL)
	if err != nil {
		return store.WebhookEndpoint{}, "", apperr.Wrap(err, apperr.Invalid, "--url: "+err.Error())
	}
	if len(events) == 0 {
		events = DefaultTypes
		if lowBalance != "" {
			events = append(slices.Clone(events), BalanceLow)
		}
	}
	for _, e := range events {
		if !slices.Contains(Types, e) {
			return store.WebhookEndpoint{}, "", apperr.New(apperr.Invalid, "--events: unknown event %q (known: %s)", e, strings.Join(Types, ", "))
		}
	}
	e := store.WebhookEndpoint{ResellerID: r.ID, URL: u.String(), Events: slices.Compact(slices.Sorted(slices.Values(events)))}
	if lowBalance != "" {
		m, err := money.Parse(lowBalance, "USD")
		if err != nil || m.Amount < 0 || strings.HasPrefix(lowBalance, "+") {
			return store.WebhookEndpoint{}, "", apperr.New(apperr.Invalid, "--low-balance: want an amount of 0 or more such as 2.00")
		}
		e.LowBalance = &lowBalance
		if !slices.Contains(e.Events, BalanceLow) {
			e.Events = slices.Sorted(slices.Values(append(e.Events, BalanceLow)))
		}
	} else if slices.Contains(e.Events, BalanceLow) {
		return store.WebhookEndpoint{}, "", apperr.New(apperr.Invalid, "--events balance.low needs --low-balance AMOUNT (the balance at or below which it fires)")
	}
	existing, err := s.store.WebhookEndpointsOfReseller(ctx, s.store.DB(), r.ID)
	if err != nil {
		return store.WebhookEndpoint{}, "", err
	}
	if len(existing) >= maxEndpoints {
		return store.WebhookEndpoint{}, "", apperr.New(apperr.Invalid, "reseller %q has %d endpoints, the most it may: remove one first", r.Name, len(existing))
	}
	secret := newSecret()
	e.SecretSealed = s.sealer.Seal(secret)
	e, err = s.store.CreateWebhookEndpoint(ctx, s.store.DB(), e)
	return e, secret, err
}

// List answers the reseller's endpoints, disabled ones too.
func (s *Service) List(ctx context.Context, resellerRef string) ([]store.WebhookEndpoint, error) {
	r, err := s.store.ResellerByRef(ctx, s.store.DB(), resellerRef)
	if err != nil {
		return nil, err
	}
	return s.store.WebhookEndpointsOfReseller(ctx, s.store.DB(), r.ID)
}

// Remove deletes an endpoint and the events waiting for it.
func (s *Service) Remove(ctx context.Context, id int64) error {
	return s.store.DeleteWebhookEndpoint(ctx, s.store.DB(), id)
}

// Deliveries answers the reseller's newest n events with their last
// attempt; failedOnly keeps those whose last attempt failed.
func (s *Service) Deliveries(ctx context.Context, resellerRef string, failedOnly bool, n int) ([]store.WebhookEventRow, error) {
	if n < 1 || n > 1000 {
		return nil, apperr.New(apperr.Invalid, "-n: want 1 to 1000")
	}
	r, err := s.store.ResellerByRef(ctx, s.store.DB(), resellerRef)
	if err != nil {
		return nil, err
	}
	return s.store.WebhookEventsOfReseller(ctx, s.store.DB(), r.ID, failedOnly, n)
}

// Redeliver makes an event due now and enables its endpoint again; it
// answers the endpoint.
func (s *Service) Redeliver(ctx context.Context, eventID string) (store.WebhookEndpoint, error) {
	e, err := s.store.RedeliverWebhookEvent(ctx, eventID)
	if apperr.Is(err, apperr.NotFound) {
		return e, apperr.New(apperr.NotFound, "no webhook event has the id %q (tez reseller webhook deliveries lists them)", eventID)
	}
	return e, err
}
