package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/orders"
	"github.com/teztelecom/tez/internal/payment"
	"github.com/teztelecom/tez/internal/payment/sandbox"
	"github.com/teztelecom/tez/internal/payment/stripepay"
	"github.com/teztelecom/tez/internal/store"
)

// NewProvider makes the configured payment provider (the server takes
// payments through it; tez orders refund gives money back through it).
func NewProvider(cfg config.Config) payment.Provider {
	if cfg.PaymentProvider == stripepay.Name {
		return stripepay.New(stripepay.Options{SecretKey: cfg.StripeSecretKey, WebhookSecret: cfg.StripeWebhookSecret, APIURL: cfg.StripeAPIURL})
	}
	return sandbox.New(cfg.SandboxSecret, cfg.PublicURL)
}

// paymentRoutes serves POST /webhooks/payments/{provider} and, for the
// sandbox, its payment page.
func (s *Server) paymentRoutes(mux *http.ServeMux, p payment.Provider, svc *orders.Service) {
	webhook := s.paymentWebhook(p, svc)
	mux.Handle("POST /webhooks/payments/{provider}", webhook)
	if sb, ok := p.(*sandbox.Provider); ok {
		page := sandbox.Page{Provider: sb, Webhook: webhook, Log: s.log,
			Lookup: func(ctx context.Context, ref string) (sandbox.Checkout, error) {
				pc, err := s.store.PaymentByRef(ctx, s.store.DB(), sandbox.Name, ref)
				if err != nil {
					return sandbox.Checkout{}, err
				}
				open := pc.Status == store.PaymentPending && pc.OrderStatus == store.OrderPendingPayment &&
					pc.ExpiresAt != nil && time.Now().Before(*pc.ExpiresAt)
				return sandbox.Checkout{PaymentID: pc.ID, OrderNumber: pc.OrderNumber, Amount: pc.Amount(), Open: open,
					ReturnURL: svc.ReturnURL(pc.OrderNumber)}, nil
			}}
		// Another site's form cannot press Approve or Decline.
		guarded := http.NewCrossOriginProtection().Handler(page)
		mux.Handle("GET /pay/sandbox/{ref}", guarded)
		mux.Handle("POST /pay/sandbox/{ref}", guarded)
	}
}

// paymentWebhook receives a provider's events. A bad signature is 400 and
// changes nothing; an event whose amount is not the payment's is 400 too;
// a failure on our side is 500, so the provider delivers again later.
func (s *Server) paymentWebhook(p payment.Provider, svc *orders.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("provider") != p.Name() {
			http.NotFound(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		ev, err := p.ParseEvent(r.Header, body)
		if err != nil {
			s.log.WarnContext(r.Context(), "payment webhook refused", "provider", p.Name(), "err", err)
			http.Error(w, "invalid event", http.StatusBadRequest)
			return
		}
		err = svc.ApplyEvent(r.Context(), p.Name(), ev)
		switch {
		case errors.Is(err, orders.ErrAmountMismatch):
			s.log.ErrorContext(r.Context(), "payment webhook refused", "provider", p.Name(), "err", err)
			http.Error(w, "event does not match the payment", http.StatusBadRequest)
		case err != nil:
			s.log.ErrorContext(r.Context(), "payment webhook", "provider", p.Name(), "err", err)
			http.Error(w, "could not apply the event, deliver it again", http.StatusInternalServerError)
		default:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte("ok\n"))
		}
	})
}
