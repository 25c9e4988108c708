-- +goose Up
-- Money given back through the provider that took it. One refund per
-- payment: its idempotency key derives from the payment, so a retry (a
-- second run, a race, a commit lost after the provider answered) asks the
-- provider for the same refund and never refunds twice.
ALTER TYPE order_status ADD VALUE 'PARTIALLY_REFUNDED';
ALTER TYPE payment_status ADD VALUE 'REFUNDED';
ALTER TYPE payment_status ADD VALUE 'PARTIALLY_REFUNDED';

CREATE TABLE refunds (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id      bigint NOT NULL UNIQUE REFERENCES payments (id) ON DELETE CASCADE,
    order_id        bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount          bigint NOT NULL CHECK (amount > 0),
    currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- The vouchers' credit taken back from the SIMs' ledgers (REFUND entries).
    credit_taken    bigint NOT NULL DEFAULT 0 CHECK (credit_taken >= 0),
    reason          text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    -- OPERATOR (tez orders refund), CUSTOMER (orderCancel) or AUTOMATIC
    -- (money that arrived for a cancelled order).
    requested_by    text NOT NULL CHECK (requested_by IN ('OPERATOR', 'CUSTOMER', 'AUTOMATIC')),
    provider_ref    text NOT NULL,
    idempotency_key text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_order_idx ON refunds (order_id);
COMMENT ON TABLE refunds IS 'Refunds made through the payment provider, one per payment; credit_taken is what left the vouchers'' SIMs.';

ALTER TABLE orders ADD COLUMN refunded_at timestamptz;

-- +goose Down
ALTER TABLE orders DROP COLUMN refunded_at;
DROP TABLE refunds;
-- PostgreSQL cannot drop an enum value: the types are made again without them.
UPDATE orders SET status = 'REFUNDED' WHERE status = 'PARTIALLY_REFUNDED';
ALTER TYPE order_status RENAME TO order_status_old;
CREATE TYPE order_status AS ENUM ('PENDING_PAYMENT', 'PAID', 'FULFILLED', 'CANCELLED', 'REFUNDED');
ALTER TABLE orders ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE order_status USING status::text::order_status,
    ALTER COLUMN status SET DEFAULT 'PENDING_PAYMENT';
DROP TYPE order_status_old;
UPDATE payments SET status = 'SUCCEEDED' WHERE status IN ('REFUNDED', 'PARTIALLY_REFUNDED');
DROP INDEX payments_one_pending_idx;
ALTER TYPE payment_status RENAME TO payment_status_old;
CREATE TYPE payment_status AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED', 'EXPIRED');
ALTER TABLE payments ALTER COLUMN status DROP DEFAULT,
    ALTER COLUMN status TYPE payment_status USING status::text::payment_status,
    ALTER COLUMN status SET DEFAULT 'PENDING';
DROP TYPE payment_status_old;
CREATE UNIQUE INDEX payments_one_pending_idx ON payments (order_id) WHERE status = 'PENDING';
