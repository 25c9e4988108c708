-- +goose Up
-- citext: emails compare case-insensitively everywhere, in SQL too.
CREATE EXTENSION IF NOT EXISTS citext;

-- +goose Down
DROP EXTENSION IF EXISTS citext;
