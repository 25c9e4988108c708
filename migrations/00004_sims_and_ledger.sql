-- +goose Up
CREATE TABLE resellers (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    rate_per_second int NOT NULL DEFAULT 20 CHECK (rate_per_second > 0),
    burst           int NOT NULL DEFAULT 40 CHECK (burst > 0),
    created_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE resellers IS 'Partners who sell SIM cards and read their balances through API keys.';

CREATE TABLE reseller_api_keys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reseller_id  bigint NOT NULL REFERENCES resellers (id) ON DELETE CASCADE,
    prefix       text NOT NULL UNIQUE,
    secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX reseller_api_keys_reseller_idx ON reseller_api_keys (reseller_id);
COMMENT ON TABLE reseller_api_keys IS 'Reseller API keys tez_<prefix>_<secret>: the visible prefix and a hash of the secret.';

CREATE TYPE sim_status AS ENUM ('IN_STOCK', 'ACTIVE', 'SUSPENDED', 'BLOCKED');

CREATE TABLE sim_cards (
    iccid                text PRIMARY KEY CHECK (iccid ~ '^89[0-9]{17,18}$'),
    msisdn               text UNIQUE CHECK (msisdn ~ '^\+[1-9][0-9]{6,14}$'),
    status               sim_status NOT NULL DEFAULT 'IN_STOCK',
    user_id              bigint REFERENCES users (id) ON DELETE SET NULL,
    owned_since          timestamptz,
    reseller_id          bigint REFERENCES resellers (id) ON DELETE SET NULL,
    sold_order_id        bigint REFERENCES orders (id) ON DELETE SET NULL,
    sold_to_email        citext,
    activation_code_hash bytea CHECK (length(activation_code_hash) = 32),
    label                text NOT NULL DEFAULT '' CHECK (length(label) <= 40),
    balance              bigint NOT NULL DEFAULT 0,
    currency             char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    overdraft            bigint NOT NULL DEFAULT 0 CHECK (overdraft >= 0),
    last_usage_at        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    -- owned_since is when the current owner got it: their history starts there.
    CHECK ((user_id IS NULL) = (owned_since IS NULL))
);
CREATE INDEX sim_cards_user_idx ON sim_cards (user_id, iccid) WHERE user_id IS NOT NULL;
CREATE INDEX sim_cards_reseller_idx ON sim_cards (reseller_id, iccid) WHERE reseller_id IS NOT NULL;
CREATE INDEX sim_cards_sold_order_idx ON sim_cards (sold_order_id) WHERE sold_order_id IS NOT NULL;
CREATE INDEX sim_cards_sold_to_email_idx ON sim_cards (sold_to_email) WHERE sold_to_email IS NOT NULL AND user_id IS NULL;
COMMENT ON TABLE sim_cards IS 'SIM cards: stock, owner, reseller and the current balance, kept equal to the sum of balance_entries.';

ALTER TABLE order_items ADD CONSTRAINT order_items_iccid_fkey FOREIGN KEY (iccid) REFERENCES sim_cards (iccid);

CREATE TYPE balance_entry_kind AS ENUM ('TOPUP', 'USAGE', 'ADJUSTMENT', 'REFUND');

CREATE TABLE balance_entries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    iccid           text NOT NULL REFERENCES sim_cards (iccid),
    amount          bigint NOT NULL CHECK (amount <> 0),
    kind            balance_entry_kind NOT NULL,
    reference       text NOT NULL DEFAULT '',
    idempotency_key text NOT NULL UNIQUE,
    balance_after   bigint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX balance_entries_iccid_idx ON balance_entries (iccid, created_at DESC, id DESC);
COMMENT ON TABLE balance_entries IS 'The append-only balance ledger: a SIM''s balance is the sum of its entries.';

-- +goose Down
DROP TABLE balance_entries;
DROP TYPE balance_entry_kind;
ALTER TABLE order_items DROP CONSTRAINT order_items_iccid_fkey;
DROP TABLE sim_cards;
DROP TYPE sim_status;
DROP TABLE reseller_api_keys;
DROP TABLE resellers;
