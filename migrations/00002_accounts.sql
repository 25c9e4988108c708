-- +goose Up
CREATE TABLE users (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email             citext NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    password_hash     text NOT NULL,
    full_name         text NOT NULL DEFAULT '' CHECK (length(full_name) <= 200),
    phone             text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    terms_accepted_at timestamptz NOT NULL,
    terms_version     text NOT NULL,
    email_verified_at timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE users IS 'Customer accounts: one per verified-or-not email; password as an argon2id PHC string.';

CREATE TABLE auth_sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    user_agent   text NOT NULL DEFAULT '',
    ip           inet
);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL;
COMMENT ON TABLE auth_sessions IS 'Signed-in sessions; only the SHA-256 of the bearer token is kept.';

CREATE TYPE email_token_purpose AS ENUM ('VERIFY_EMAIL', 'PASSWORD_RESET', 'EMAIL_CHANGE');

CREATE TABLE email_tokens (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    email_token_purpose NOT NULL,
    email      citext NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX email_tokens_user_purpose_idx ON email_tokens (user_id, purpose) WHERE used_at IS NULL;
COMMENT ON TABLE email_tokens IS 'Single-use links sent by email (verify, reset, change); hashed, expiring.';

CREATE TABLE email_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address      citext NOT NULL,
    subject         text NOT NULL,
    text_body       text NOT NULL,
    html_body       text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    last_error      text
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE sent_at IS NULL;
COMMENT ON TABLE email_outbox IS 'Mail written in the transaction that causes it and delivered by a worker with retries.';

CREATE TABLE throttles (
    key               text PRIMARY KEY,
    failures          int NOT NULL DEFAULT 0 CHECK (failures >= 0),
    window_started_at timestamptz NOT NULL DEFAULT now(),
    blocked_until     timestamptz
);
COMMENT ON TABLE throttles IS 'Failure counters for login, SIM adding and mail sending, shared by all server replicas.';

CREATE TABLE legacy_sim_owners (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       citext NOT NULL,
    iccid       text NOT NULL CHECK (iccid ~ '^89[0-9]{17,18}$'),
    label       text NOT NULL DEFAULT '' CHECK (length(label) <= 40),
    imported_at timestamptz NOT NULL DEFAULT now(),
    claimed_at  timestamptz,
    UNIQUE (email, iccid)
);
CREATE INDEX legacy_sim_owners_email_idx ON legacy_sim_owners (email) WHERE claimed_at IS NULL;
COMMENT ON TABLE legacy_sim_owners IS 'Who owned which SIM in the old account system; claimed when that email is verified here.';

-- +goose Down
DROP TABLE legacy_sim_owners;
DROP TABLE throttles;
DROP TABLE email_outbox;
DROP TABLE email_tokens;
DROP TYPE email_token_purpose;
DROP TABLE auth_sessions;
DROP TABLE users;
