-- +goose Up
-- Mail to an address a caller typed (registration, password reset, email
-- change, guest checkout) counts toward a per-address limit, counted here
-- so that it holds across replicas. A job row is written without its
-- message, which the outbox worker writes before sending (a password reset
-- asked for an address: looked up by the worker, not while the asker waits).
ALTER TABLE email_outbox
    ADD COLUMN capped boolean NOT NULL DEFAULT false,
    ADD COLUMN job text CHECK (job IN ('PASSWORD_RESET'));
CREATE INDEX email_outbox_capped_idx ON email_outbox (to_address, created_at) WHERE capped;
COMMENT ON COLUMN email_outbox.capped IS 'Counts toward the limit of mail to one address (typed by a caller).';
COMMENT ON COLUMN email_outbox.job IS 'The worker writes the message before sending: PASSWORD_RESET.';

-- +goose Down
DROP INDEX email_outbox_capped_idx;
ALTER TABLE email_outbox DROP COLUMN job, DROP COLUMN capped;
