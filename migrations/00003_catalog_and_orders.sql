-- +goose Up
CREATE TYPE product_kind AS ENUM ('SIM_CARD', 'TOPUP_VOUCHER', 'ACCESSORY');

CREATE TABLE products (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku            text NOT NULL UNIQUE CHECK (sku ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'),
    kind           product_kind NOT NULL,
    name           text NOT NULL CHECK (name <> ''),
    description    text NOT NULL DEFAULT '',
    price          bigint NOT NULL CHECK (price >= 0),
    currency       char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    voucher_amount bigint CHECK (voucher_amount > 0),
    region         text,
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'TOPUP_VOUCHER') = (voucher_amount IS NOT NULL))
);
COMMENT ON TABLE products IS 'The shop catalogue; retired products stay (active = false) because old orders name them.';

CREATE TABLE addresses (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    recipient_name text NOT NULL CHECK (length(recipient_name) BETWEEN 1 AND 200),
    line1          text NOT NULL CHECK (length(line1) BETWEEN 1 AND 200),
    line2          text NOT NULL DEFAULT '' CHECK (length(line2) <= 200),
    city           text NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
    region         text NOT NULL DEFAULT '' CHECK (length(region) <= 100),
    postal_code    text NOT NULL CHECK (length(postal_code) BETWEEN 1 AND 16),
    country_code   char(2) NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
    phone          text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    delivery_note  text NOT NULL DEFAULT '' CHECK (length(delivery_note) <= 500),
    is_default     boolean NOT NULL DEFAULT false,
    last_used_at   timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX addresses_user_idx ON addresses (user_id, id);
-- Two defaults for one customer are impossible, even under concurrent requests.
CREATE UNIQUE INDEX addresses_one_default_idx ON addresses (user_id) WHERE is_default;
COMMENT ON TABLE addresses IS 'Delivery addresses of a customer; at most one default.';

CREATE TYPE order_status AS ENUM ('PENDING_PAYMENT', 'PAID', 'FULFILLED', 'CANCELLED', 'REFUNDED');

CREATE SEQUENCE order_number_seq START 100001;

CREATE TABLE orders (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number           text NOT NULL UNIQUE DEFAULT 'TEZ-' || nextval('order_number_seq'),
    user_id          bigint REFERENCES users (id) ON DELETE SET NULL,
    email            citext NOT NULL,
    status           order_status NOT NULL DEFAULT 'PENDING_PAYMENT',
    subtotal         bigint NOT NULL CHECK (subtotal >= 0),
    shipping_fee     bigint NOT NULL DEFAULT 0 CHECK (shipping_fee >= 0),
    total            bigint NOT NULL CHECK (total = subtotal + shipping_fee),
    currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    shipping_address jsonb,
    note             text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    guest_token_hash bytea,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    paid_at          timestamptz,
    cancelled_at     timestamptz,
    fulfilled_at     timestamptz
);
CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id DESC) WHERE user_id IS NOT NULL;
-- Guest orders join an account when their email is verified.
CREATE INDEX orders_guest_email_idx ON orders (email) WHERE user_id IS NULL;
COMMENT ON TABLE orders IS 'Orders of the shop, by a customer or by a guest email; the shipping address is a snapshot.';

CREATE TABLE order_items (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id           bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no            int NOT NULL CHECK (line_no >= 1),
    product_id         bigint NOT NULL REFERENCES products (id),
    sku                text NOT NULL,
    name               text NOT NULL,
    quantity           int NOT NULL CHECK (quantity BETWEEN 1 AND 100),
    unit_price         bigint NOT NULL CHECK (unit_price >= 0),
    line_total         bigint NOT NULL CHECK (line_total = unit_price * quantity),
    currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    iccid              text,
    fulfilled_quantity int NOT NULL DEFAULT 0 CHECK (fulfilled_quantity BETWEEN 0 AND quantity),
    UNIQUE (order_id, line_no)
);
CREATE INDEX order_items_product_idx ON order_items (product_id);
CREATE INDEX order_items_iccid_idx ON order_items (iccid) WHERE iccid IS NOT NULL;
COMMENT ON TABLE order_items IS 'Lines of an order with the price and name at the time of purchase; iccid is the SIM a top-up voucher credits.';

CREATE TYPE payment_status AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED', 'EXPIRED');

CREATE TABLE payments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id        bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    provider        text NOT NULL,
    provider_ref    text,
    amount          bigint NOT NULL CHECK (amount > 0),
    currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status          payment_status NOT NULL DEFAULT 'PENDING',
    idempotency_key text NOT NULL UNIQUE,
    redirect_url    text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, provider_ref)
);
CREATE INDEX payments_order_idx ON payments (order_id);
-- Paying twice (double click, two tabs) reuses the one open payment.
CREATE UNIQUE INDEX payments_one_pending_idx ON payments (order_id) WHERE status = 'PENDING';
COMMENT ON TABLE payments IS 'Payment attempts of an order at a provider; at most one pending at a time.';

CREATE TABLE payment_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider    text NOT NULL,
    event_id    text NOT NULL,
    payment_id  bigint REFERENCES payments (id) ON DELETE CASCADE,
    received_at timestamptz NOT NULL DEFAULT now(),
    payload     jsonb NOT NULL,
    UNIQUE (provider, event_id)
);
CREATE INDEX payment_events_payment_idx ON payment_events (payment_id);
COMMENT ON TABLE payment_events IS 'Provider webhook events, each applied at most once (unique event id).';

-- +goose Down
DROP TABLE payment_events;
DROP TABLE payments;
DROP TYPE payment_status;
DROP TABLE order_items;
DROP TABLE orders;
DROP SEQUENCE order_number_seq;
DROP TYPE order_status;
DROP TABLE addresses;
DROP TABLE products;
DROP TYPE product_kind;
