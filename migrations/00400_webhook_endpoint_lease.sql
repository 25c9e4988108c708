-- +goose Up
-- One delivery in flight per endpoint, across every server: the worker
-- posting an endpoint's event leases the endpoint, so its events go one at
-- a time and in order, while other endpoints' events go in parallel.
ALTER TABLE webhook_endpoints ADD COLUMN leased_until timestamptz;
COMMENT ON COLUMN webhook_endpoints.leased_until IS 'A worker is posting one of its events until then (cleared with the attempt recorded; a worker that died leaves it to expire).';
-- The oldest due event of each endpoint: what a worker claims next.
CREATE INDEX webhook_events_endpoint_due_idx ON webhook_events (endpoint_id, next_attempt_at, id) WHERE state IN ('pending', 'sending', 'retry');

-- +goose Down
DROP INDEX webhook_events_endpoint_due_idx;
ALTER TABLE webhook_endpoints DROP COLUMN leased_until;
