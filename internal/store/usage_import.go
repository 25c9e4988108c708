package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// UsageRecord is one data session as a CDR reports it.
type UsageRecord struct {
	CDRID       string
	ICCID       string
	StartedAt   time.Time
	EndedAt     time.Time
	BytesUp     int64
	BytesDown   int64
	CountryCode string
	MCC         string
	MNC         string
	NetworkName string
	Cost        int64
	Currency    string
}

const simCurrencies = `SELECT iccid, currency FROM sim_cards WHERE iccid = ANY($1::text[])`

// SIMCurrencies returns the balance currency of each SIM that exists.
func (s *Store) SIMCurrencies(ctx context.Context, q Querier, iccids []string) (map[string]string, error) {
	out, err := selectPairs[string, string](ctx, q, simCurrencies, pq.Array(iccids))
	return out, mapError(err, "SIM currencies")
}

const ensureUsagePartition = `SELECT usage_ensure_partitions($1::date, 1)`

// EnsureUsagePartition creates the partition of usage_sessions for the
// month of t (UTC) unless it exists, in a transaction of its own.
func (s *Store) EnsureUsagePartition(ctx context.Context, q Querier, month time.Time) error {
	_, err := q.ExecContext(ctx, ensureUsagePartition, month.UTC().Format(time.DateOnly))
	return mapError(err, "ensure usage partition")
}

// An import batch sorts and aggregates tens of thousands of rows in memory,
// and its statements take as long as its size makes them, not an API
// request's statement timeout.
const usageBatchSettings = `SET LOCAL work_mem = '64MB'; SET LOCAL statement_timeout = '2min'`

// The staging table lives for one transaction: concurrent imports each have
// their own, and a rolled back batch leaves nothing behind.
const createUsageStage = `
CREATE TEMP TABLE usage_import_stage (
    cdr_id       text NOT NULL,
    iccid        text NOT NULL,
    started_at   timestamptz NOT NULL,
    ended_at     timestamptz NOT NULL,
    bytes_up     bigint NOT NULL,
    bytes_down   bigint NOT NULL,
    country_code text NOT NULL,
    mcc          text NOT NULL,
    mnc          text NOT NULL,
    network_name text NOT NULL,
    cost         bigint NOT NULL,
    currency     text NOT NULL
) ON COMMIT DROP`

const copyUsageStage = `COPY usage_import_stage (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down,
    country_code, mcc, mnc, network_name, cost, currency) FROM STDIN`

// StageUsage streams records with COPY into a staging table of tx that is
// dropped when tx ends, and sets tx up for a batch.
func (s *Store) StageUsage(ctx context.Context, q Querier, recs []UsageRecord) error {
	if _, err := q.ExecContext(ctx, usageBatchSettings); err != nil {
		return fmt.Errorf("usage batch settings: %w", err)
	}
	if _, err := q.ExecContext(ctx, createUsageStage); err != nil {
		return fmt.Errorf("create usage staging table: %w", err)
	}
	stmt, err := q.PrepareContext(ctx, copyUsageStage)
	if err != nil {
		return fmt.Errorf("copy usage: %w", err)
	}
	defer stmt.Close()
	for _, r := range recs {
		if _, err := stmt.ExecContext(ctx, r.CDRID, r.ICCID, r.StartedAt, r.EndedAt, r.BytesUp, r.BytesDown,
			r.CountryCode, r.MCC, r.MNC, r.NetworkName, r.Cost, r.Currency); err != nil {
			return fmt.Errorf("copy usage: %w", err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy usage: %w", err)
	}
	return nil
}

// SIMUsage totals the sessions one import batch added for one SIM.
type SIMUsage struct {
	ICCID     string    `db:"iccid"`
	Sessions  int64     `db:"sessions"`
	Cost      int64     `db:"cost"`
	Currency  string    `db:"currency"`
	FirstAt   time.Time `db:"first_started"`
	LastAt    time.Time `db:"last_started"`
	LastEnded time.Time `db:"last_ended"`
	// FirstCDR is the least cdr_id@started_at (microseconds since 1970) of
	// these sessions. Each CDR is inserted once only, so no other batch's
	// set has the same first CDR: it identifies the set, for the debit's
	// idempotency key.
	FirstCDR string `db:"first_cdr"`
}

// A CDR is identified by (cdr_id, started_at), the unique key of the
// partitioned table: sessions already there are skipped, so importing a file
// twice adds nothing. Only the sessions this statement inserted are totalled.
const importStagedUsage = `
WITH inserted AS (
    INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down,
                                country_code, mcc, mnc, network_name, cost, currency)
    SELECT cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down,
           country_code, mcc, mnc, network_name, cost, currency
    FROM usage_import_stage
    ON CONFLICT (cdr_id, started_at) DO NOTHING
    RETURNING iccid, cdr_id, started_at, ended_at, cost, currency
)
SELECT iccid, count(*) AS sessions, sum(cost)::bigint AS cost, min(currency) AS currency,
       min(started_at) AS first_started, max(started_at) AS last_started, max(ended_at) AS last_ended,
       min(cdr_id || '@' || (extract(epoch FROM started_at) * 1000000)::bigint) AS first_cdr
FROM inserted
GROUP BY iccid
ORDER BY iccid`

// ImportStagedUsage moves the staged sessions into usage_sessions, skipping
// those already there, and totals the inserted ones per SIM.
func (s *Store) ImportStagedUsage(ctx context.Context, q Querier) ([]SIMUsage, error) {
	var out []SIMUsage
	err := q.SelectContext(ctx, &out, importStagedUsage)
	return out, mapError(err, "import usage sessions")
}

// Locks the SIMs in ICCID order first, the order the ledger locks them in.
const touchSIMUsage = `
UPDATE sim_cards s
SET last_usage_at = u.last_usage, updated_at = now()
FROM (SELECT iccid FROM sim_cards WHERE iccid = ANY($1::text[]) ORDER BY iccid FOR UPDATE) l
JOIN unnest($1::text[], $2::timestamptz[]) AS u(iccid, last_usage) USING (iccid)
WHERE s.iccid = l.iccid AND (s.last_usage_at IS NULL OR s.last_usage_at < u.last_usage)`

// TouchSIMUsage row-locks the SIMs (in ICCID order) and moves their
// last_usage_at forward to lastUsage where that is later.
func (s *Store) TouchSIMUsage(ctx context.Context, q Querier, iccids []string, lastUsage []time.Time) error {
	at := make([]string, len(lastUsage))
	for i, t := range lastUsage {
		at[i] = t.UTC().Format(time.RFC3339Nano)
	}
	_, err := q.ExecContext(ctx, touchSIMUsage, pq.Array(iccids), pq.Array(at))
	return mapError(err, "touch SIM usage")
}

// UsagePartition is one partition of usage_sessions.
type UsagePartition struct {
	Name string     `db:"name"`
	From *time.Time `db:"range_from"` // nil for the default partition
	To   *time.Time `db:"range_to"`
	Rows int64      `db:"rows"`
}

// Counts rows exactly (one scan of the table): an operator's question.
const usagePartitions = `
WITH parts AS (
    SELECT c.oid, c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'usage_sessions'::regclass
), counts AS (
    SELECT tableoid, count(*) AS rows FROM usage_sessions GROUP BY tableoid
)
SELECT p.relname AS name,
       (regexp_match(p.bound, 'FROM \(''([^'']+)''\)'))[1]::timestamptz AS range_from,
       (regexp_match(p.bound, 'TO \(''([^'']+)''\)'))[1]::timestamptz AS range_to,
       coalesce(n.rows, 0) AS rows
FROM parts p LEFT JOIN counts n ON n.tableoid = p.oid
ORDER BY range_from NULLS LAST, p.relname`

// UsagePartitions lists the partitions of usage_sessions in time order, the
// default partition last, with their row counts.
func (s *Store) UsagePartitions(ctx context.Context, q Querier) ([]UsagePartition, error) {
	var out []UsagePartition
	err := q.SelectContext(ctx, &out, usagePartitions)
	return out, mapError(err, "usage partitions")
}
