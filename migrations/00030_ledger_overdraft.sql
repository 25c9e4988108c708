-- +goose Up
-- A debit larger than the balance (when negative balances are not allowed)
-- takes the balance to zero and records the rest as overdraft. The entry keeps
-- both parts, so that (a) the idempotency key of a debit that found the
-- balance at zero is still recorded and a replay cannot add the overdraft
-- twice, and (b) sim_cards.overdraft equals the sum of its entries' overdraft,
-- as sim_cards.balance equals the sum of their amounts.
ALTER TABLE balance_entries
    ADD COLUMN overdraft bigint NOT NULL DEFAULT 0 CHECK (overdraft >= 0);
ALTER TABLE balance_entries DROP CONSTRAINT balance_entries_amount_check;
ALTER TABLE balance_entries
    ADD CONSTRAINT balance_entries_amount_check CHECK (amount <> 0 OR overdraft > 0);
COMMENT ON COLUMN balance_entries.overdraft IS 'Part of a debit the balance did not cover (added to sim_cards.overdraft); amount - overdraft is what was asked.';

-- +goose Down
-- Entries that moved no money (a debit on a zero balance) cannot exist
-- without the overdraft column.
DELETE FROM balance_entries WHERE amount = 0;
ALTER TABLE balance_entries DROP CONSTRAINT balance_entries_amount_check;
ALTER TABLE balance_entries ADD CONSTRAINT balance_entries_amount_check CHECK (amount <> 0);
ALTER TABLE balance_entries DROP COLUMN overdraft;
