-- +goose Up
-- The account's language: every email it receives is written in it.
ALTER TABLE users ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ru'));
COMMENT ON COLUMN users.language IS 'ISO 639-1 code of the language the account''s emails are written in (internal/lang); en by default.';

-- +goose Down
ALTER TABLE users DROP COLUMN language;
