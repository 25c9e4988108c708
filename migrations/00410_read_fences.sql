-- +goose Up
-- Read replicas (TEZ_DATABASE_REPLICA_URLS): after a caller writes, its
-- reads use the primary until a replica has replayed past this WAL
-- position, recorded on the primary after the write committed. It lives
-- with the credential so that every server behind a balancer sees it.
ALTER TABLE auth_sessions ADD COLUMN read_fence pg_lsn;
-- A new session's fence is unknown inside the transaction that makes it:
-- the maximum reads the primary until its first request settles it.
-- Sessions older than this column have no fence (NULL).
ALTER TABLE auth_sessions ALTER COLUMN read_fence SET DEFAULT 'FFFFFFFF/FFFFFFFF';
COMMENT ON COLUMN auth_sessions.read_fence IS 'Reads of the session use the primary until a replica has replayed past this WAL position (internal/store DB).';
ALTER TABLE reseller_api_keys ADD COLUMN read_fence pg_lsn;
COMMENT ON COLUMN reseller_api_keys.read_fence IS 'Reads with the key use the primary until a replica has replayed past this WAL position (internal/store DB).';

-- +goose Down
ALTER TABLE reseller_api_keys DROP COLUMN read_fence;
ALTER TABLE auth_sessions DROP COLUMN read_fence;
