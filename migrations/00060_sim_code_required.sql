-- +goose Up
-- A SIM a customer removed from their account needs its activation code to
-- be added again, even by the account that bought it.
ALTER TABLE sim_cards ADD COLUMN code_required boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE sim_cards DROP COLUMN code_required;
