-- +goose Up
-- An order with SIM cards or accessories ships in one parcel. Its shipment
-- is PREPARING from payment until `tez orders ship` hands it to a carrier;
-- what is in it (the order's SIMs and accessories) is read from the order.
CREATE TYPE shipment_status AS ENUM ('PREPARING', 'SHIPPED', 'DELIVERED', 'RETURNED');

CREATE TABLE shipments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id        bigint NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
    status          shipment_status NOT NULL DEFAULT 'PREPARING',
    carrier         text CHECK (length(carrier) BETWEEN 1 AND 100),
    tracking_number text CHECK (length(tracking_number) BETWEEN 1 AND 100),
    tracking_url    text CHECK (tracking_url ~ '^https?://' AND length(tracking_url) <= 2000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    shipped_at      timestamptz,
    delivered_at    timestamptz,
    -- Handed to a carrier means a carrier and a tracking number.
    CHECK ((status = 'PREPARING') = (shipped_at IS NULL)),
    CHECK (shipped_at IS NULL OR (carrier IS NOT NULL AND tracking_number IS NOT NULL)),
    CHECK (status <> 'DELIVERED' OR delivered_at IS NOT NULL)
);
COMMENT ON TABLE shipments IS 'The parcel of an order with physical items: carrier, tracking, when it shipped and arrived.';

-- Each email about a guest's order carries a link with an access token of
-- its own (only hashes are kept, so the confirmation's cannot be sent again).
ALTER TABLE orders ADD COLUMN guest_link_hashes bytea[] NOT NULL DEFAULT '{}';
COMMENT ON COLUMN orders.guest_link_hashes IS 'Hashes of the access tokens mailed after the confirmation (paid, shipped, refunded); they open the order like guest_token_hash.';

-- +goose Down
ALTER TABLE orders DROP COLUMN guest_link_hashes;
DROP TABLE shipments;
DROP TYPE shipment_status;
