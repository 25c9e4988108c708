-- +goose Up
-- Throttles take an attempt before the work they guard, in one statement;
-- allowed says whether the last attempt was let through (a refused attempt
-- changes nothing else).
ALTER TABLE throttles ADD COLUMN allowed boolean NOT NULL DEFAULT true;
COMMENT ON TABLE throttles IS 'Attempt counters for sign-in, password checks and SIM codes, shared by all server replicas.';

-- +goose Down
ALTER TABLE throttles DROP COLUMN allowed;
COMMENT ON TABLE throttles IS 'Failure counters for login, SIM adding and mail sending, shared by all server replicas.';
