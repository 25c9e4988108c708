// Package orders runs the shop's orders: checkout for customers and guests,
// paying through a payment provider, applying the provider's events, and
// fulfilment (vouchers credited, SIM cards allocated from stock) in the
// same transaction as the payment. Cancel and "buy again" live here too.
package orders

import (
	"log/slog"
	"strconv"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/payment"
	"github.com/teztelecom/tez/internal/ratelimit"
	"github.com/teztelecom/tez/internal/store"
)

// Options configure the service.
type Options struct {
	// Provider takes new payments.
	Provider payment.Provider
	// ShopURL is the shop's web address: customers return to
	// ShopURL/orders/{number} from the payment page.
	ShopURL string
	// Limiter limits guest checkouts per client address (GuestCheckouts).
	Limiter *ratelimit.Limiter
	Log     *slog.Logger
}

// GuestCheckouts is how many checkouts one client address may try as a
// guest: each may mail a stranger and probe ICCIDs with voucher lines.
var GuestCheckouts = ratelimit.Limit{Rate: 10.0 / 3600, Burst: 10}

// Service runs orders.
type Service struct {
	store    *store.Store
	ledger   *ledger.Ledger
	provider payment.Provider
	limiter  *ratelimit.Limiter
	shopURL  string
	log      *slog.Logger
}

// NewService makes the service.
func NewService(st *store.Store, l *ledger.Ledger, opts Options) *Service {
	return &Service{store: st, ledger: l, provider: opts.Provider, limiter: opts.Limiter, shopURL: opts.ShopURL, log: opts.Log}
}

// Buyer is who places or acts on an order: a signed-in customer (UserID),
// or a guest, who holds an order's access token (GuestToken).
type Buyer struct {
	UserID     int64
	Email      string // the signed-in customer's account email
	GuestToken string
}

// GuestTokenPrefix starts every order access token.
const GuestTokenPrefix = "tezo_"

// orderNotFound is the one answer for a missing order and someone else's.
func orderNotFound(field ...string) apperr.FieldError {
	return apperr.FieldError{Field: field, Code: apperr.FieldNotFound, Message: "No such order."}
}

// lineField names a field of the i-th checkout line.
func lineField(i int, name string) []string {
	return []string{"input", "lines", strconv.Itoa(i), name}
}
