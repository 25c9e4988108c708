-- +goose Up
CREATE SEQUENCE usage_sessions_id_seq;

-- One row per data session (a CDR). This is the table that grows without
-- bound, so it is range-partitioned by month on started_at: old months can be
-- detached or archived whole. Every key includes started_at, as PostgreSQL
-- requires of unique indexes on a partitioned table; a CDR is therefore
-- identified by (cdr_id, started_at), which a re-sent CDR repeats exactly.
-- iccid has no foreign key: imports check it against sim_cards in bulk, and
-- a per-row FK check on the hottest insert path buys nothing more.
CREATE TABLE usage_sessions (
    id           bigint NOT NULL DEFAULT nextval('usage_sessions_id_seq'),
    cdr_id       text NOT NULL CHECK (cdr_id <> ''),
    iccid        text NOT NULL,
    started_at   timestamptz NOT NULL,
    ended_at     timestamptz NOT NULL,
    bytes_up     bigint NOT NULL CHECK (bytes_up >= 0),
    bytes_down   bigint NOT NULL CHECK (bytes_down >= 0),
    country_code char(2) NOT NULL CHECK (country_code ~ '^[A-Z]{2}$'),
    mcc          text NOT NULL DEFAULT '',
    mnc          text NOT NULL DEFAULT '',
    network_name text NOT NULL DEFAULT '',
    cost         bigint NOT NULL CHECK (cost >= 0),
    currency     char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    imported_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (ended_at >= started_at),
    PRIMARY KEY (id, started_at),
    UNIQUE (cdr_id, started_at)
) PARTITION BY RANGE (started_at);
ALTER SEQUENCE usage_sessions_id_seq OWNED BY usage_sessions.id;
CREATE INDEX usage_sessions_iccid_started_idx ON usage_sessions (iccid, started_at DESC);
COMMENT ON TABLE usage_sessions IS 'Data sessions (CDRs) per SIM, partitioned by month of started_at.';

-- Catches sessions of months that have no partition yet, so an insert never
-- fails; usage_ensure_partitions moves them out when their month is created.
CREATE TABLE usage_sessions_default PARTITION OF usage_sessions DEFAULT;

-- +goose StatementBegin
-- usage_ensure_partitions creates the monthly partitions (UTC months) of
-- `months` months from from_month that do not exist yet, moving any of their
-- rows out of the default partition first (attaching a range the default
-- partition holds rows for would fail). Safe to call repeatedly and
-- concurrently. Returns how many partitions it created.
CREATE FUNCTION usage_ensure_partitions(from_month date, months int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    first_month date := date_trunc('month', from_month)::date;
    month date;
    lo timestamptz;
    hi timestamptz;
    part text;
    created int := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('usage_ensure_partitions'));
    FOR i IN 0 .. months - 1 LOOP
        month := (first_month + make_interval(months => i))::date;
        lo := month::timestamp AT TIME ZONE 'UTC';
        hi := (month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
        part := format('usage_sessions_y%sm%s', to_char(month, 'YYYY'), to_char(month, 'MM'));
        CONTINUE WHEN to_regclass(part) IS NOT NULL;
        EXECUTE format('CREATE TABLE %I (LIKE usage_sessions INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
        EXECUTE format(
            'WITH moved AS (DELETE FROM usage_sessions_default WHERE started_at >= $1 AND started_at < $2 RETURNING *)
             INSERT INTO %I SELECT * FROM moved', part) USING lo, hi;
        EXECUTE format('ALTER TABLE usage_sessions ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
        created := created + 1;
    END LOOP;
    RETURN created;
END;
$$;
-- +goose StatementEnd

SELECT usage_ensure_partitions((date_trunc('month', now()) - interval '15 months')::date, 19);

-- +goose Down
DROP FUNCTION usage_ensure_partitions(date, int);
DROP TABLE usage_sessions;
