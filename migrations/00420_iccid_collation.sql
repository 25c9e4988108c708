-- +goose Up
-- ICCIDs are digits (sim_cards' CHECK), so their order is the same under
-- every collation; compared under the database's (C.UTF-8 in the embedded
-- cluster, often en_US.UTF-8 in production) each comparison is a strcoll()
-- call, and the account's reads descend the (iccid, started_at) indexes of
-- every month for every SIM: on the dashboard's SIM statement that was 8% of
-- PostgreSQL's time (docs/benchmarks.md, the fifth round of #26). "C"
-- compares bytes. Changing a text column's collation rewrites no table, but
-- rebuilds the indexes on the column under an exclusive lock: on a large
-- usage_sessions run it in a maintenance window. All ICCID columns change
-- together, since comparing two columns of different collations is an
-- error; monthly partitions created later copy usage_sessions' columns
-- (LIKE), collation included, and TestICCIDColumnsCompareBytes holds every
-- ICCID column to it.
--
-- The same rebuild gives a SIM's sessions index the id after started_at:
-- a SIM's sessions are read newest first, ties broken by id (the newest
-- sessions, the history's pages, the export), and an index without it made
-- PostgreSQL sort each SIM's sessions again (an incremental sort per SIM)
-- and read one session past the limit to find the ties. The old index goes
-- first, so that the collation change does not rebuild it for nothing.
DROP INDEX usage_sessions_iccid_started_idx;
ALTER TABLE sim_cards ALTER COLUMN iccid TYPE text COLLATE "C";
ALTER TABLE usage_sessions ALTER COLUMN iccid TYPE text COLLATE "C";
ALTER TABLE order_items ALTER COLUMN iccid TYPE text COLLATE "C";
ALTER TABLE balance_entries ALTER COLUMN iccid TYPE text COLLATE "C";
ALTER TABLE sim_changes ALTER COLUMN iccid TYPE text COLLATE "C";
ALTER TABLE webhook_events ALTER COLUMN iccid TYPE text COLLATE "C";
ALTER TABLE legacy_sim_owners ALTER COLUMN iccid TYPE text COLLATE "C";
CREATE INDEX usage_sessions_iccid_started_id_idx ON usage_sessions (iccid, started_at DESC, id DESC);

-- +goose Down
DROP INDEX usage_sessions_iccid_started_id_idx;
ALTER TABLE legacy_sim_owners ALTER COLUMN iccid TYPE text COLLATE "default";
ALTER TABLE webhook_events ALTER COLUMN iccid TYPE text COLLATE "default";
ALTER TABLE sim_changes ALTER COLUMN iccid TYPE text COLLATE "default";
ALTER TABLE balance_entries ALTER COLUMN iccid TYPE text COLLATE "default";
ALTER TABLE order_items ALTER COLUMN iccid TYPE text COLLATE "default";
ALTER TABLE usage_sessions ALTER COLUMN iccid TYPE text COLLATE "default";
ALTER TABLE sim_cards ALTER COLUMN iccid TYPE text COLLATE "default";
CREATE INDEX usage_sessions_iccid_started_idx ON usage_sessions (iccid, started_at DESC);
