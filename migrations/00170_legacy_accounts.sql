-- +goose Up
-- The old account system's profiles and addresses, waiting for the verified
-- owner of the email (tez legacy import; claimed in the transaction that
-- verifies the email).
CREATE TABLE legacy_accounts (
    email       citext PRIMARY KEY CHECK (length(email) BETWEEN 3 AND 254),
    full_name   text NOT NULL DEFAULT '' CHECK (length(full_name) <= 200),
    phone       text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    -- Validated addresses as the import checked them (address.Validate).
    addresses   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(addresses) = 'array'),
    imported_at timestamptz NOT NULL DEFAULT now(),
    claimed_at  timestamptz,
    claimed_by  bigint REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX legacy_accounts_unclaimed_idx ON legacy_accounts (email) WHERE claimed_at IS NULL;
COMMENT ON TABLE legacy_accounts IS 'Profiles and addresses of the old account system; claimed when that email is verified here.';

-- When the old account got the SIM: the owner's history starts there. NULL
-- (a file without it) means from the claim.
ALTER TABLE legacy_sim_owners ADD COLUMN owned_since timestamptz;
-- The import asks, for each SIM of a file, which old accounts name it.
CREATE INDEX legacy_sim_owners_iccid_idx ON legacy_sim_owners (iccid);

-- Orders of the old account system sit in orders like any other, marked
-- imported: they are history (never paid, cancelled or fulfilled here) and
-- keep their old numbers, which cannot look like the TEZ-… ones.
ALTER TABLE orders ADD COLUMN imported_at timestamptz;
ALTER TABLE orders ADD CONSTRAINT orders_imported_number_check
    CHECK (imported_at IS NULL OR (number !~* '^TEZ-' AND guest_token_hash IS NULL));
CREATE INDEX orders_imported_email_idx ON orders (email) WHERE imported_at IS NOT NULL AND user_id IS NULL;

-- A line of an old order whose SKU no longer exists keeps its sku, name and
-- price, with no product.
ALTER TABLE order_items ALTER COLUMN product_id DROP NOT NULL;

-- +goose Down
DELETE FROM orders WHERE imported_at IS NOT NULL;
ALTER TABLE order_items ALTER COLUMN product_id SET NOT NULL;
DROP INDEX orders_imported_email_idx;
ALTER TABLE orders DROP CONSTRAINT orders_imported_number_check;
ALTER TABLE orders DROP COLUMN imported_at;
DROP INDEX legacy_sim_owners_iccid_idx;
ALTER TABLE legacy_sim_owners DROP COLUMN owned_since;
DROP TABLE legacy_accounts;
