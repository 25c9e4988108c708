-- +goose Up
-- Stock SIMs know which product they are, so a paid order can take one
-- of the right kind off the shelf.
ALTER TABLE sim_cards ADD COLUMN product_id bigint REFERENCES products (id);
-- Allocation takes the first free SIMs of a product (FOR UPDATE SKIP LOCKED).
CREATE INDEX sim_cards_stock_idx ON sim_cards (product_id, iccid)
    WHERE status = 'IN_STOCK' AND user_id IS NULL AND sold_order_id IS NULL AND reseller_id IS NULL;

-- What one voucher unit credits, as it was when ordered: a later change of
-- the product never changes what a paid order credits.
ALTER TABLE order_items ADD COLUMN voucher_amount bigint CHECK (voucher_amount > 0);

-- An open payment is reused until the provider's page expires.
ALTER TABLE payments ADD COLUMN expires_at timestamptz;

-- What each provider event did (applied, duplicate, ignored), for support.
ALTER TABLE payment_events ADD COLUMN outcome text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE payment_events DROP COLUMN outcome;
ALTER TABLE payments DROP COLUMN expires_at;
ALTER TABLE order_items DROP COLUMN voucher_amount;
DROP INDEX sim_cards_stock_idx;
ALTER TABLE sim_cards DROP COLUMN product_id;
