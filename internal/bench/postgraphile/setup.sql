-- What PostGraphile needs in the benchmark database to answer what the tez
-- dashboard answers, as computed columns (functions of a sim_cards row,
-- which PostGraphile adds to SimCard and compiles into its one statement).
-- tez bench -against postgraphile applies this file to the bench database
-- before it starts PostGraphile; every statement can run again. Never a
-- migration: the tez server does not use these.
--
-- Both read what the tez server's store reads (internal/store/usage.go):
-- a SIM's sessions since its current owner got it (owned_since; none when
-- nobody owns it), as set-returning LANGUAGE sql STABLE functions of one
-- SELECT, which PostgreSQL inlines: it plans them as part of the statement
-- that calls them.

DO $$ BEGIN
    CREATE TYPE usage_totals AS (
        total_bytes bigint,
        bytes_up bigint,
        bytes_down bigint,
        session_count integer,
        cost bigint -- minor units of the SIM's currency
    );
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

-- SimCard.usage(from, to): the totals of the sessions started in [from, to),
-- always one row. It is declared to return a set so that PostgreSQL inlines
-- it into PostGraphile's statement (ROWS 1: it knows no better) and plans
-- the customer's SIMs' totals with it; a function returning one row is run
-- as a call per SIM, its statement planned anew in every request (for a
-- customer with 46 SIMs, 3.5 ms of execution against 0.8 ms inlined, in
-- EXPLAIN ANALYZE on the 500-customer seed). The drop is for a bench
-- database that has the earlier, single-row form.
DO $setup$ BEGIN
    IF EXISTS (SELECT FROM pg_proc WHERE proname = 'sim_cards_usage' AND NOT proretset) THEN
        DROP FUNCTION sim_cards_usage(sim_cards, timestamptz, timestamptz);
    END IF;
END $setup$;

CREATE OR REPLACE FUNCTION sim_cards_usage(s sim_cards, "from" timestamptz, "to" timestamptz)
RETURNS SETOF usage_totals LANGUAGE sql STABLE PARALLEL SAFE ROWS 1 AS $$
    SELECT coalesce(sum(u.bytes_up + u.bytes_down), 0)::bigint,
           coalesce(sum(u.bytes_up), 0)::bigint,
           coalesce(sum(u.bytes_down), 0)::bigint,
           count(*)::integer,
           coalesce(sum(u.cost), 0)::bigint
    FROM usage_sessions u
    WHERE u.iccid = s.iccid
      AND u.started_at >= greatest("from", coalesce(s.owned_since, 'infinity'))
      AND u.started_at < "to"
$$;

-- SimCard.recentUsageSessions(n): the n newest sessions, newest first. The
-- bound on now() is the tez server's (store.MaxSessionLead: the importer
-- refuses sessions that start later). Like the tez store's statement
-- (newestSessionsBounded in internal/store/usage.go) it reads the monthly
-- partitions apart from the default one, between literal bounds read from
-- the catalog when this file runs: PostgreSQL then reads a SIM's months in
-- order, newest first, and stops at n, rather than merging every month's
-- newest. Without monthly partitions it is the plain form.
DO $setup$
DECLARE
    p record;
    lo timestamptz;
    hi timestamptz;
    head constant text := $h$
CREATE OR REPLACE FUNCTION sim_cards_recent_usage_sessions(s sim_cards, n integer)
RETURNS SETOF usage_sessions LANGUAGE sql STABLE PARALLEL SAFE AS $f$
$h$;
    newest constant text := $w$
    SELECT u.* FROM usage_sessions u
    WHERE u.iccid = s.iccid
      AND u.started_at >= coalesce(s.owned_since, 'infinity')
      AND u.started_at < now() + interval '24 hours'
$w$;
BEGIN
    -- The contiguous run of monthly partitions that ends with the last one
    -- (store.contiguousTail).
    FOR p IN
        WITH b AS (
            SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz AS lo,
                   (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS hi
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'usage_sessions'::regclass)
        SELECT b.lo, b.hi FROM b WHERE b.lo IS NOT NULL AND b.hi IS NOT NULL ORDER BY b.lo
    LOOP
        IF hi = p.lo THEN
            hi := p.hi;
        ELSE
            lo := p.lo;
            hi := p.hi;
        END IF;
    END LOOP;
    IF lo IS NULL THEN
        EXECUTE head || newest || $t$
    ORDER BY u.started_at DESC, u.id DESC
    LIMIT n
$f$$t$;
        RETURN;
    END IF;
    EXECUTE head || format($t$
    SELECT * FROM (
        (%1$s      AND u.started_at >= %2$L::timestamptz AND u.started_at < %3$L::timestamptz -- the monthly partitions
         ORDER BY u.started_at DESC, u.id DESC
         LIMIT n)
        UNION ALL
        (%1$s      AND (u.started_at < %2$L::timestamptz OR u.started_at >= %3$L::timestamptz) -- the default partition
         ORDER BY u.started_at DESC, u.id DESC
         LIMIT n)
    ) u
    ORDER BY u.started_at DESC, u.id DESC
    LIMIT n
$f$$t$, newest, lo, hi);
END
$setup$;
