-- +goose Up
-- +goose StatementBegin
-- usage_ensure_partitions, as in 00005, with the race against a concurrent
-- writer closed: a session of the new month inserted into the default
-- partition after the rows were moved out, but before the ATTACH, made the
-- ATTACH fail ("updated partition constraint for default partition would be
-- violated"). The default partition is now locked against writes (EXCLUSIVE
-- still lets readers in) before its rows move, and only when a partition is
-- really created, so the importer's call per batch blocks nobody.
CREATE OR REPLACE FUNCTION usage_ensure_partitions(from_month date, months int) RETURNS int
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
        LOCK TABLE usage_sessions_default IN EXCLUSIVE MODE;
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

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION usage_ensure_partitions(from_month date, months int) RETURNS int
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
