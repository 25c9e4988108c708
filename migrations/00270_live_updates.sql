-- +goose Up
-- When the balance was last brought up to date by a ledger entry (the end
-- of the newest rated session is sim_cards.last_usage_at): what
-- SimCard.balanceAsOf answers with the greater of the two.
ALTER TABLE sim_cards ADD COLUMN balance_changed_at timestamptz NOT NULL DEFAULT now();
UPDATE sim_cards s SET balance_changed_at = e.at
FROM (SELECT iccid, max(created_at) AS at FROM balance_entries GROUP BY iccid) e
WHERE e.iccid = s.iccid;
UPDATE sim_cards SET balance_changed_at = created_at
WHERE NOT EXISTS (SELECT 1 FROM balance_entries e WHERE e.iccid = sim_cards.iccid);
COMMENT ON COLUMN sim_cards.balance_changed_at IS 'When the newest ledger entry changed the balance (the SIM''s creation before any).';

-- The partner change feed (Reseller.simCardChanges): one row per SIM of a
-- reseller, moved to the writing transaction's id whenever the SIM's
-- balance, overdraft, status or reseller changes. A page reads rows in
-- (change_xid, iccid) order below the oldest transaction still running
-- (pg_snapshot_xmin), so a transaction that commits late can never slip
-- in behind a cursor already handed out.
CREATE TABLE sim_changes (
    iccid       text PRIMARY KEY REFERENCES sim_cards (iccid) ON DELETE CASCADE,
    reseller_id bigint NOT NULL REFERENCES resellers (id) ON DELETE CASCADE,
    change_xid  xid8 NOT NULL
);
CREATE INDEX sim_changes_feed_idx ON sim_changes (reseller_id, change_xid, iccid);
COMMENT ON TABLE sim_changes IS 'Per reseller SIM: the transaction that last changed its balance, status or reseller (the change feed).';
INSERT INTO sim_changes (iccid, reseller_id, change_xid)
SELECT iccid, reseller_id, pg_current_xact_id() FROM sim_cards WHERE reseller_id IS NOT NULL;

-- Live updates: in the transaction that changes a SIM's balance, overdraft,
-- status, last usage or owner, one NOTIFY on tez_sim_changed per batch of
-- SIMs, its payload "iccid:user_id" pairs (user_id empty when no one owns
-- it) separated by spaces, under the 8000-byte payload limit. Delivered
-- at commit, and never for a transaction that rolls back. Statement-level,
-- so a usage import batch of thousands of SIMs costs a few statements.
-- +goose StatementBegin
CREATE FUNCTION sim_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    batches text[];
    batch text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changed AS (
            SELECT iccid, user_id, reseller_id, true AS feed FROM new_rows
        ), fed AS (
            INSERT INTO sim_changes (iccid, reseller_id, change_xid)
            SELECT iccid, reseller_id, pg_current_xact_id() FROM changed WHERE reseller_id IS NOT NULL
            ON CONFLICT (iccid) DO UPDATE SET reseller_id = excluded.reseller_id, change_xid = excluded.change_xid
        )
        SELECT array_agg(payload) INTO batches FROM (
            SELECT string_agg(iccid || ':' || coalesce(user_id::text, ''), ' ') AS payload
            FROM (SELECT iccid, user_id, (row_number() OVER (ORDER BY iccid) - 1) / 200 AS chunk FROM changed) t
            GROUP BY chunk) b;
    ELSE
        WITH changed AS (
            SELECT n.iccid, n.user_id, n.reseller_id,
                   (n.balance <> o.balance OR n.overdraft <> o.overdraft OR n.status <> o.status
                    OR n.reseller_id IS DISTINCT FROM o.reseller_id) AS feed
            FROM new_rows n JOIN old_rows o USING (iccid)
            WHERE n.balance <> o.balance OR n.overdraft <> o.overdraft OR n.status <> o.status
               OR n.last_usage_at IS DISTINCT FROM o.last_usage_at
               OR n.user_id IS DISTINCT FROM o.user_id OR n.owned_since IS DISTINCT FROM o.owned_since
               OR n.reseller_id IS DISTINCT FROM o.reseller_id
        ), fed AS (
            INSERT INTO sim_changes (iccid, reseller_id, change_xid)
            SELECT iccid, reseller_id, pg_current_xact_id() FROM changed WHERE feed AND reseller_id IS NOT NULL
            ON CONFLICT (iccid) DO UPDATE SET reseller_id = excluded.reseller_id, change_xid = excluded.change_xid
        )
        SELECT array_agg(payload) INTO batches FROM (
            SELECT string_agg(iccid || ':' || coalesce(user_id::text, ''), ' ') AS payload
            FROM (SELECT iccid, user_id, (row_number() OVER (ORDER BY iccid) - 1) / 200 AS chunk FROM changed) t
            GROUP BY chunk) b;
    END IF;
    FOREACH batch IN ARRAY coalesce(batches, '{}') LOOP
        PERFORM pg_notify('tez_sim_changed', batch);
    END LOOP;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER sim_cards_changed_update AFTER UPDATE ON sim_cards
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sim_changed();
CREATE TRIGGER sim_cards_changed_insert AFTER INSERT ON sim_cards
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sim_changed();

-- A session that ends (signed out, revoked by a password change, deleted
-- with its account) closes the live connections it opened, at commit.
-- +goose StatementBegin
CREATE FUNCTION session_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tez_session_ended', OLD.id::text);
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER auth_sessions_revoked AFTER UPDATE OF revoked_at ON auth_sessions
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION session_ended();
CREATE TRIGGER auth_sessions_deleted AFTER DELETE ON auth_sessions
    FOR EACH ROW EXECUTE FUNCTION session_ended();

-- +goose Down
DROP TRIGGER auth_sessions_deleted ON auth_sessions;
DROP TRIGGER auth_sessions_revoked ON auth_sessions;
DROP FUNCTION session_ended();
DROP TRIGGER sim_cards_changed_insert ON sim_cards;
DROP TRIGGER sim_cards_changed_update ON sim_cards;
DROP FUNCTION sim_changed();
DROP TABLE sim_changes;
ALTER TABLE sim_cards DROP COLUMN balance_changed_at;
