package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lib/pq"
)

// WebhookEndpoint is where a reseller receives events about its SIMs.
type WebhookEndpoint struct {
	ID         int64          `db:"id"`
	ResellerID int64          `db:"reseller_id"`
	URL        string         `db:"url"`
	Events     pq.StringArray `db:"events"`
	// LowBalance is the balance.low threshold, a decimal in each SIM's
	// currency; nil: none.
	LowBalance   *string    `db:"low_balance"`
	SecretSealed []byte     `db:"secret_sealed"`
	Failures     int        `db:"failures"`
	DisabledAt   *time.Time `db:"disabled_at"`
	CreatedAt    time.Time  `db:"created_at"`
}

const endpointColumns = `id, reseller_id, url, events, low_balance, secret_sealed, failures, disabled_at, created_at`

// CreateWebhookEndpoint adds an endpoint.
func (s *Store) CreateWebhookEndpoint(ctx context.Context, q Querier, e WebhookEndpoint) (WebhookEndpoint, error) {
	var out WebhookEndpoint
	err := q.GetContext(ctx, &out, `
INSERT INTO webhook_endpoints (reseller_id, url, events, low_balance, secret_sealed) VALUES ($1, $2, $3, $4, $5)
RETURNING `+endpointColumns, e.ResellerID, e.URL, e.Events, e.LowBalance, e.SecretSealed)
	return out, mapError(err, "webhook endpoint")
}

// WebhookEndpointsOfReseller lists a reseller's endpoints, disabled ones too.
func (s *Store) WebhookEndpointsOfReseller(ctx context.Context, q Querier, resellerID int64) ([]WebhookEndpoint, error) {
	var out []WebhookEndpoint
	err := q.SelectContext(ctx, &out, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE reseller_id = $1 ORDER BY id`, resellerID)
	return out, mapError(err, "webhook endpoints")
}

// DeleteWebhookEndpoint removes an endpoint and its events.
func (s *Store) DeleteWebhookEndpoint(ctx context.Context, q Querier, id int64) error {
	var got int64
	err := q.GetContext(ctx, &got, `DELETE FROM webhook_endpoints WHERE id = $1 RETURNING id`, id)
	return mapError(err, "webhook endpoint")
}

// LiveWebhookEndpoints are the enabled endpoints of the resellers.
func (s *Store) LiveWebhookEndpoints(ctx context.Context, q Querier, resellerIDs []int64) ([]WebhookEndpoint, error) {
	var out []WebhookEndpoint
	err := q.SelectContext(ctx, &out, `SELECT `+endpointColumns+` FROM webhook_endpoints
WHERE reseller_id = ANY($1) AND disabled_at IS NULL ORDER BY id`, pq.Array(resellerIDs))
	return out, mapError(err, "webhook endpoints")
}

// WebhookEventWrite is an event to queue for an endpoint.
type WebhookEventWrite struct {
	ID         string
	EndpointID int64
	Type       string
	ICCID      string
	Data       json.RawMessage
}

// CoalescedEvent is the event type of which an endpoint gets at most one
// per SIM per minute: later changes update the one waiting.
const CoalescedEvent = "balance.changed"

// A coalesced event waits until a minute after the SIM's previous one for
// the endpoint; while it waits, newer changes replace its data.
const enqueueWebhookEvents = `
INSERT INTO webhook_events (id, endpoint_id, type, iccid, data, next_attempt_at)
SELECT t.id, t.endpoint_id, t.type, t.iccid, t.data::jsonb,
       CASE WHEN t.type = '` + CoalescedEvent + `' THEN greatest(now(), (
           SELECT max(p.created_at) + interval '1 minute' FROM webhook_events p
           WHERE p.endpoint_id = t.endpoint_id AND p.iccid = t.iccid AND p.type = t.type))
       ELSE now() END
FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) AS t(id, endpoint_id, type, iccid, data)
ON CONFLICT (endpoint_id, iccid) WHERE type = '` + CoalescedEvent + `' AND state = 'pending'
DO UPDATE SET data = excluded.data`

// EnqueueWebhookEvents queues events in the caller's transaction (the
// change they report); each SIM at most once per endpoint and type.
func (s *Store) EnqueueWebhookEvents(ctx context.Context, q Querier, ws []WebhookEventWrite) error {
	n := len(ws)
	ids, types, iccids, data := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	endpoints := make([]int64, n)
	for i, w := range ws {
		ids[i], endpoints[i], types[i], iccids[i], data[i] = w.ID, w.EndpointID, w.Type, w.ICCID, string(w.Data)
	}
	_, err := q.ExecContext(ctx, enqueueWebhookEvents, pq.Array(ids), pq.Array(endpoints), pq.Array(types), pq.Array(iccids), pq.Array(data))
	return mapError(err, "queue webhook events")
}

// WebhookDelivery is a claimed event with where and how to send it.
type WebhookDelivery struct {
	ID           string          `db:"id"`
	EndpointID   int64           `db:"endpoint_id"`
	Type         string          `db:"type"`
	ICCID        string          `db:"iccid"`
	Data         json.RawMessage `db:"data"`
	Attempts     int             `db:"attempts"`
	CreatedAt    time.Time       `db:"created_at"`
	URL          string          `db:"url"`
	SecretSealed []byte          `db:"secret_sealed"`
}

// Claiming takes the oldest due event of each endpoint no worker is
// posting to, and leases both: the event is marked 'sending' (a worker that
// dies mid-send leaves it to another after the lease) and the endpoint is
// leased until the attempt is recorded, so an endpoint has one delivery in
// flight across all servers and gets its events in order. Other workers
// (other replicas) skip endpoints being claimed. A disabled endpoint's
// events wait.
const claimWebhookEvents = `
WITH heads AS (
    SELECT p.id AS endpoint_id, h.id, h.next_attempt_at
    FROM webhook_endpoints p
    CROSS JOIN LATERAL (
        SELECT e.id, e.next_attempt_at FROM webhook_events e
        WHERE e.endpoint_id = p.id AND e.state IN ('pending', 'sending', 'retry') AND e.next_attempt_at <= now()
        ORDER BY e.next_attempt_at, e.id
        LIMIT 1) h
    WHERE p.disabled_at IS NULL AND (p.leased_until IS NULL OR p.leased_until <= now())
    ORDER BY h.next_attempt_at, h.id
    LIMIT $1
    FOR UPDATE OF p SKIP LOCKED
), claimed AS (
    -- Still due: another worker may have posted the head since this
    -- statement's snapshot (the endpoint's lock is rechecked, the head is not).
    UPDATE webhook_events e SET state = 'sending', attempts = e.attempts + 1,
           next_attempt_at = now() + make_interval(secs => $2::float8)
    FROM heads WHERE e.id = heads.id AND e.state IN ('pending', 'sending', 'retry') AND e.next_attempt_at <= now()
    RETURNING e.id, e.endpoint_id, e.type, e.iccid, e.data, e.attempts, e.created_at
), leased AS (
    UPDATE webhook_endpoints p SET leased_until = now() + make_interval(secs => $2::float8)
    FROM claimed c WHERE p.id = c.endpoint_id
    RETURNING p.id, p.url, p.secret_sealed
)
SELECT c.*, l.url, l.secret_sealed FROM claimed c JOIN leased l ON l.id = c.endpoint_id
ORDER BY c.created_at, c.id`

// ClaimWebhookEvents takes the next due event of up to limit endpoints,
// one each, leased for lease.
func (s *Store) ClaimWebhookEvents(ctx context.Context, q Querier, limit int, lease time.Duration) ([]WebhookDelivery, error) {
	var out []WebhookDelivery
	err := q.SelectContext(ctx, &out, claimWebhookEvents, limit, lease.Seconds())
	return out, mapError(err, "claim webhook events")
}

// WebhookAttempt is the outcome of posting an event once.
type WebhookAttempt struct {
	EventID    string
	EndpointID int64
	StatusCode int // 0: no answer
	Error      string
	Duration   time.Duration
	OK         bool
	// RetryIn is when to try again after a failure; past GiveUpAfter from
	// the event's creation it is not retried.
	RetryIn     time.Duration
	GiveUpAfter time.Duration
	// MaxFailures in a row disable the endpoint.
	MaxFailures int
}

// RecordWebhookAttempt writes the attempt and its consequences: the event
// delivered, retried later or given up; the endpoint's failures in a row,
// and disabled at the limit; and the endpoint's lease released, for its
// next event.
func (s *Store) RecordWebhookAttempt(ctx context.Context, a WebhookAttempt) error {
	return s.InTx(ctx, func(tx Querier) error {
		var code *int
		if a.StatusCode != 0 {
			code = &a.StatusCode
		}
		var errText *string
		if a.Error != "" {
			errText = &a.Error
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_attempts (event_id, status_code, error, duration_ms) VALUES ($1, $2, $3, $4)`,
			a.EventID, code, errText, a.Duration.Milliseconds()); err != nil {
			return mapError(err, "record webhook attempt")
		}
		if a.OK {
			if _, err := tx.ExecContext(ctx, `UPDATE webhook_events SET state = 'delivered', delivered_at = now() WHERE id = $1`, a.EventID); err != nil {
				return mapError(err, "webhook event delivered")
			}
			_, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET failures = 0, leased_until = NULL WHERE id = $1`, a.EndpointID)
			return mapError(err, "webhook endpoint")
		}
		if _, err := tx.ExecContext(ctx, `
UPDATE webhook_events SET
    state = CASE WHEN created_at + make_interval(secs => $3::float8) <= now() THEN 'failed' ELSE 'retry' END,
    next_attempt_at = now() + make_interval(secs => $2::float8)
WHERE id = $1`, a.EventID, a.RetryIn.Seconds(), a.GiveUpAfter.Seconds()); err != nil {
			return mapError(err, "webhook event failed")
		}
		_, err := tx.ExecContext(ctx, `
UPDATE webhook_endpoints SET failures = failures + 1, leased_until = NULL,
    disabled_at = CASE WHEN disabled_at IS NULL AND failures + 1 >= $2 THEN now() ELSE disabled_at END
WHERE id = $1`, a.EndpointID, a.MaxFailures)
		return mapError(err, "webhook endpoint")
	})
}

// WebhookEventRow is an event as `tez reseller webhook deliveries` lists it.
type WebhookEventRow struct {
	ID          string     `db:"id"`
	EndpointID  int64      `db:"endpoint_id"`
	Type        string     `db:"type"`
	ICCID       string     `db:"iccid"`
	State       string     `db:"state"`
	Attempts    int        `db:"attempts"`
	CreatedAt   time.Time  `db:"created_at"`
	DeliveredAt *time.Time `db:"delivered_at"`
	NextAt      time.Time  `db:"next_attempt_at"`
	LastStatus  *int       `db:"last_status"`
	LastError   *string    `db:"last_error"`
}

const webhookEventsOfReseller = `
SELECT e.id, e.endpoint_id, e.type, e.iccid, e.state, e.attempts, e.created_at, e.delivered_at, e.next_attempt_at,
       a.status_code AS last_status, a.error AS last_error
FROM webhook_events e
JOIN webhook_endpoints p ON p.id = e.endpoint_id
LEFT JOIN LATERAL (SELECT status_code, error FROM webhook_attempts WHERE event_id = e.id ORDER BY id DESC LIMIT 1) a ON true
WHERE p.reseller_id = $1 AND (NOT $2 OR e.state IN ('retry', 'failed'))
ORDER BY e.created_at DESC, e.id DESC
LIMIT $3`

// WebhookEventsOfReseller lists the reseller's newest events (failedOnly:
// those whose last attempt failed), with their last attempt.
func (s *Store) WebhookEventsOfReseller(ctx context.Context, q Querier, resellerID int64, failedOnly bool, limit int) ([]WebhookEventRow, error) {
	var out []WebhookEventRow
	err := q.SelectContext(ctx, &out, webhookEventsOfReseller, resellerID, failedOnly, limit)
	return out, mapError(err, "webhook events")
}

// RedeliverWebhookEvent makes an event due now, whatever its state, and
// enables its endpoint again (the operator asks because the partner fixed
// it); it answers the endpoint.
func (s *Store) RedeliverWebhookEvent(ctx context.Context, id string) (WebhookEndpoint, error) {
	var e WebhookEndpoint
	err := s.InTx(ctx, func(tx Querier) error {
		var endpoint int64
		if err := tx.GetContext(ctx, &endpoint, `UPDATE webhook_events SET state = 'retry', next_attempt_at = now()
WHERE id = $1 RETURNING endpoint_id`, id); err != nil {
			return mapError(err, "webhook event "+id)
		}
		err := tx.GetContext(ctx, &e, `UPDATE webhook_endpoints SET disabled_at = NULL, failures = 0 WHERE id = $1
RETURNING `+endpointColumns, endpoint)
		return mapError(err, "webhook endpoint")
	})
	return e, err
}
