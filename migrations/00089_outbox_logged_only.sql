-- +goose Up
-- Without TEZ_SMTP_URL the worker only logs a message: it is done with it,
-- but nothing was delivered, and `tez mail outbox` must not say "sent".
ALTER TABLE email_outbox ADD COLUMN logged_only boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN email_outbox.logged_only IS 'The message was only logged (no TEZ_SMTP_URL): sent_at is when, and nothing was delivered.';

-- +goose Down
ALTER TABLE email_outbox DROP COLUMN logged_only;
