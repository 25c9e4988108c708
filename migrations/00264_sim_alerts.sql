-- +goose Up
-- The owner's alerts of a SIM (simCardAlertsUpdate). They live on the row the
-- ledger locks for every debit, so deciding whether a debit crosses them
-- costs no statement of its own.
ALTER TABLE sim_cards
    ADD COLUMN low_balance_threshold bigint CHECK (low_balance_threshold >= 0),
    ADD COLUMN runout_warning_days int CHECK (runout_warning_days BETWEEN 1 AND 30),
    ADD COLUMN runout_alerted boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN sim_cards.low_balance_threshold IS 'Minor units: a debit taking the balance from above to at or below it emails the owner once; null: no alert.';
COMMENT ON COLUMN sim_cards.runout_warning_days IS 'Days: email the owner once when the balance is projected (last 14 days'' spend) to run out within them; null: no alert.';
COMMENT ON COLUMN sim_cards.runout_alerted IS 'The run-out alert went out; cleared when the projection is beyond the days again (re-armed).';

-- +goose Down
ALTER TABLE sim_cards DROP COLUMN low_balance_threshold, DROP COLUMN runout_warning_days, DROP COLUMN runout_alerted;
