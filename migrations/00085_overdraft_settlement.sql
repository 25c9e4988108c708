-- +goose Up
-- A credit pays a recorded overdraft off before it reaches the balance: its
-- entry records the settled part as a negative overdraft (amount is what the
-- balance got, amount - overdraft still what was credited), so
-- sim_cards.overdraft stays the sum of its entries' overdraft. A credit that
-- only pays debt off moves no balance (amount 0). Only credits settle, so a
-- negative overdraft never comes with a negative amount.
ALTER TABLE balance_entries DROP CONSTRAINT balance_entries_overdraft_check;
ALTER TABLE balance_entries DROP CONSTRAINT balance_entries_amount_check;
ALTER TABLE balance_entries
    ADD CONSTRAINT balance_entries_amount_check CHECK (amount <> 0 OR overdraft <> 0),
    ADD CONSTRAINT balance_entries_overdraft_check CHECK (overdraft >= 0 OR amount >= 0);
COMMENT ON COLUMN balance_entries.overdraft IS 'How the entry moved sim_cards.overdraft: the part of a debit the balance did not cover (positive) or the part of a credit that paid the overdraft off (negative); amount - overdraft is what was asked.';

-- +goose Down
-- Settlements cannot be expressed without negative overdrafts: refuse to
-- lose them silently.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM balance_entries WHERE overdraft < 0) THEN
        RAISE EXCEPTION 'balance_entries holds overdraft settlements (overdraft < 0): they cannot be kept below version 85';
    END IF;
END $$;
-- +goose StatementEnd
ALTER TABLE balance_entries DROP CONSTRAINT balance_entries_overdraft_check;
ALTER TABLE balance_entries DROP CONSTRAINT balance_entries_amount_check;
ALTER TABLE balance_entries
    ADD CONSTRAINT balance_entries_amount_check CHECK (amount <> 0 OR overdraft > 0),
    ADD CONSTRAINT balance_entries_overdraft_check CHECK (overdraft >= 0);
COMMENT ON COLUMN balance_entries.overdraft IS 'Part of a debit the balance did not cover (added to sim_cards.overdraft); amount - overdraft is what was asked.';
