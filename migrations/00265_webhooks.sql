-- +goose Up
-- Partner webhooks: each reseller's endpoints, the events waiting for them
-- (an outbox written in the ledger's transaction), and every attempt.
CREATE TABLE webhook_endpoints (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reseller_id      bigint NOT NULL REFERENCES resellers (id) ON DELETE CASCADE,
    url              text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    events           text[] NOT NULL CHECK (cardinality(events) > 0),
    low_balance      text CHECK (low_balance ~ '^[0-9]+(\.[0-9]+)?$'),
    secret_sealed    bytea NOT NULL,
    failures         int NOT NULL DEFAULT 0,
    disabled_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_reseller_idx ON webhook_endpoints (reseller_id) WHERE disabled_at IS NULL;
COMMENT ON TABLE webhook_endpoints IS 'Where a reseller receives signed events about its SIMs (tez reseller webhook add).';
COMMENT ON COLUMN webhook_endpoints.low_balance IS 'balance.low fires when a debit takes a SIM from above this (major units of its currency) to at or below it.';
COMMENT ON COLUMN webhook_endpoints.secret_sealed IS 'The signing secret, sealed (AES-256-GCM) with TEZ_WEBHOOK_KEY: the database alone cannot sign.';
COMMENT ON COLUMN webhook_endpoints.failures IS 'Failed attempts in a row; the endpoint is disabled when they reach the limit.';

CREATE TABLE webhook_events (
    id              text PRIMARY KEY,
    endpoint_id     bigint NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    type            text NOT NULL,
    iccid           text NOT NULL,
    data            jsonb NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'retry', 'delivered', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
-- One pending balance.changed per SIM and endpoint: later changes update it
-- (coalescing) until it is sent.
CREATE UNIQUE INDEX webhook_events_coalesce_idx ON webhook_events (endpoint_id, iccid) WHERE type = 'balance.changed' AND state = 'pending';
CREATE INDEX webhook_events_due_idx ON webhook_events (next_attempt_at) WHERE state IN ('pending', 'sending', 'retry');
CREATE INDEX webhook_events_sim_idx ON webhook_events (endpoint_id, iccid, type, created_at DESC);
COMMENT ON TABLE webhook_events IS 'Events for partner endpoints: written with the change, posted by the servers'' workers (FOR UPDATE SKIP LOCKED).';

CREATE TABLE webhook_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     text NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    status_code  int,
    error        text,
    duration_ms  int NOT NULL
);
CREATE INDEX webhook_attempts_event_idx ON webhook_attempts (event_id, id);
COMMENT ON TABLE webhook_attempts IS 'Every delivery attempt of a webhook event: the HTTP status or the error.';

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_events;
DROP TABLE webhook_endpoints;
