-- +goose Up
-- Deleting an account (accountDelete) deletes its users row: every foreign
-- key to users is indexed on its own column, without a predicate the
-- ON DELETE action's "WHERE user_id = $1" cannot use (the partial indexes
-- of sessions and email tokens made each deletion scan those tables).
DROP INDEX IF EXISTS auth_sessions_user_idx;
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id);
DROP INDEX IF EXISTS email_tokens_user_purpose_idx;
CREATE INDEX email_tokens_user_purpose_idx ON email_tokens (user_id, purpose);
CREATE INDEX legacy_accounts_claimed_by_idx ON legacy_accounts (claimed_by) WHERE claimed_by IS NOT NULL;

-- Orders of a deleted account are kept for accounting with their personal
-- fields replaced; erased_at says so.
ALTER TABLE orders ADD COLUMN erased_at timestamptz;
COMMENT ON COLUMN orders.erased_at IS 'When the account was deleted: the email, shipping address and note were erased; amounts and lines are kept for accounting.';

-- +goose Down
ALTER TABLE orders DROP COLUMN erased_at;
DROP INDEX legacy_accounts_claimed_by_idx;
DROP INDEX email_tokens_user_purpose_idx;
CREATE INDEX email_tokens_user_purpose_idx ON email_tokens (user_id, purpose) WHERE used_at IS NULL;
DROP INDEX auth_sessions_user_idx;
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL;
