-- +goose Up
-- The customer's time zone (an IANA name, checked by the service): usage
-- breakdowns by day and the CSV download use its calendar days and offsets.
ALTER TABLE users ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64);
COMMENT ON COLUMN users.time_zone IS 'IANA time zone name (e.g. Europe/Moscow) the customer''s calendar days are cut in; UTC by default.';

-- +goose Down
ALTER TABLE users DROP COLUMN time_zone;
