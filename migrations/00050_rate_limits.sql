-- +goose Up
-- Token buckets for rate limits that must hold across server replicas
-- (reseller API keys): one row per bucket, refilled lazily on each take.
CREATE TABLE rate_limit_buckets (
    key        text PRIMARY KEY,
    tokens     double precision NOT NULL CHECK (tokens >= 0),
    allowed    boolean NOT NULL,
    updated_at timestamptz NOT NULL
);
COMMENT ON TABLE rate_limit_buckets IS 'Token-bucket state of rate limits shared by all server replicas.';

-- +goose Down
DROP TABLE rate_limit_buckets;
