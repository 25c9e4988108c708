// Package shardplan measures, on a database of the service, how two Citus
// distribution schemes would spread its rows and its hot requests over
// shards (docs/scaling.md). It reads only; nothing needs Citus installed.
//
// A row's shard is computed the way Citus places it in a hash-distributed
// table: the distribution column's type hash (hashtext for text, hashint8
// for bigint) cut into equal ranges of the 32-bit hash space, one per shard.
package shardplan

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/jmoiron/sqlx"
)

// Scheme is one way of distributing the SIM tables.
type Scheme struct {
	Name string
	// simKey is the SQL expression, over sim_cards s, of the SIM tables'
	// distribution value; byText says whether it is hashed as text.
	simKey string
	byText bool
	// movesHistory says whether a SIM changing hands (a claim, a removal,
	// a deletion) moves its rows to another shard.
	movesHistory bool
}

// The two schemes of issue #25 item 6. Under "owner", a SIM that no
// customer holds (in stock, or a partner's unsold one) still needs a
// distribution value: Citus refuses NULL there, so it takes a pseudo-owner,
// the partner's negated id or 0 for stock.
var (
	ByICCID = Scheme{Name: "by ICCID (co-located)", simKey: "s.iccid", byText: true}
	ByOwner = Scheme{Name: "by owner user_id", simKey: "coalesce(s.user_id, -coalesce(s.reseller_id, 0))", movesHistory: true}
)

// Figure is the spread of shards touched by one kind of request.
type Figure struct {
	Mean float64
	P99  int
}

func (f Figure) String() string { return fmt.Sprintf("%.2f / %d", f.Mean, f.P99) }

// Row is one scheme's measurement.
type Row struct {
	Scheme    string
	Dashboard Figure // one customer's first screen
	Reseller  Figure // one reseller read of ResellerBatch ICCIDs
	CDRBatch  Figure // one CDR batch of CDRBatch records
	Skew      float64
	Largest   int64 // bytes of the largest shard
	// Moved is how many rows, on average, a SIM changing hands moves
	// between shards: the SIM, its ledger and its sessions, or none.
	Moved float64
}

// Options size the requests measured.
type Options struct {
	Shards        int // 32 in the issue
	ResellerBatch int // ICCIDs per reseller read (500)
	CDRBatch      int // records per CDR batch (1,000)
}

// Measure counts, for each scheme, the shards that the dashboard, the
// reseller bulk read and a CDR batch touch, and the size skew between shards.
func Measure(ctx context.Context, db *sqlx.DB, o Options) ([]Row, error) {
	if o.Shards < 2 {
		return nil, fmt.Errorf("shardplan: at least 2 shards, not %d", o.Shards)
	}
	// A read-only transaction of its own: the scans are whole-table, longer
	// than the service's statement timeout allows a request.
	tx, err := db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("shardplan: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return nil, fmt.Errorf("shardplan: %w", err)
	}
	var rows []Row
	for _, sc := range []Scheme{ByICCID, ByOwner} {
		r := Row{Scheme: sc.Name}
		q := queries(sc, o.Shards)
		steps := []struct {
			what string
			into *Figure
			sql  string
			args []any
		}{
			{"dashboard", &r.Dashboard, q.dashboard, nil},
			{"reseller read", &r.Reseller, q.reseller, []any{o.ResellerBatch}},
			{"CDR batch", &r.CDRBatch, q.cdrBatch, []any{o.CDRBatch}},
		}
		for _, st := range steps {
			if err := tx.QueryRowxContext(ctx, figureOf(st.sql), st.args...).Scan(&st.into.Mean, &st.into.P99); err != nil {
				return nil, fmt.Errorf("shardplan: %s, %s: %w", sc.Name, st.what, err)
			}
		}
		if err := tx.QueryRowxContext(ctx, q.skew).Scan(&r.Skew, &r.Largest); err != nil {
			return nil, fmt.Errorf("shardplan: %s, skew: %w", sc.Name, err)
		}
		if sc.movesHistory {
			if err := tx.QueryRowxContext(ctx, rowsPerSIM).Scan(&r.Moved); err != nil {
				return nil, fmt.Errorf("shardplan: %s, rows per SIM: %w", sc.Name, err)
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// Print writes the measurement as the table docs/scaling.md shows.
func Print(w io.Writer, o Options, rows []Row) error {
	fmt.Fprintf(w, "%d shards; shards touched per request, mean / p99\n\n", o.Shards)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "scheme\tdashboard\treseller read of %d\tCDR batch of %d\tsize skew (largest / mean)\tlargest shard\trows moved when a SIM changes hands\n", o.ResellerBatch, o.CDRBatch)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2f\t%s\t%.1f\n", r.Scheme, r.Dashboard, r.Reseller, r.CDRBatch, r.Skew, mib(r.Largest), r.Moved)
	}
	return tw.Flush()
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// figureOf turns a query of one "shards" count per request into its mean
// and 99th percentile.
func figureOf(perRequest string) string {
	return `SELECT coalesce(avg(shards), 0)::float8, coalesce(percentile_disc(0.99) WITHIN GROUP (ORDER BY shards), 0)::int
		FROM (` + perRequest + `) per_request`
}

// rowsPerSIM is the mean of a SIM's own row, ledger entries and sessions.
const rowsPerSIM = `SELECT ((SELECT count(*) FROM sim_cards) + (SELECT count(*) FROM balance_entries) + (SELECT count(*) FROM usage_sessions))::float8
	/ greatest((SELECT count(*) FROM sim_cards), 1)`

type schemeQueries struct{ dashboard, reseller, cdrBatch, skew string }

// queries writes a scheme's statements. Customer tables (users, sessions,
// addresses, orders and their lines) are distributed by user_id under both
// schemes; products is a reference table, read on whichever node serves.
func queries(sc Scheme, shards int) schemeQueries {
	user := shardOf("u.id", false, shards)
	sim := shardOf(sc.simKey, sc.byText, shards)
	// Under the owner scheme a request that starts from ICCIDs (a reseller
	// read, a CDR batch) must first find each SIM's owner: a lookup table
	// distributed by ICCID, whose shards it touches too.
	lookup := ""
	if !sc.byText {
		lookup = " UNION SELECT " + shardOf("s.iccid", true, shards)
	}
	r := strings.NewReplacer("{user}", user, "{sim}", sim, "{lookup}", lookup)
	return schemeQueries{
		dashboard: r.Replace(`
			SELECT (SELECT count(*) FROM (SELECT {user} UNION SELECT {sim} FROM sim_cards s WHERE s.user_id = u.id) t) AS shards
			FROM users u`),
		// Windows of the reseller's SIMs in ICCID order, as tez bench's
		// reseller-500 scenario asks them.
		reseller: r.Replace(`
			WITH held AS (
				SELECT s.*, (row_number() OVER (PARTITION BY s.reseller_id ORDER BY s.iccid) - 1) / $1 AS win
				FROM sim_cards s WHERE s.reseller_id IS NOT NULL)
			SELECT count(DISTINCT x) AS shards
			FROM held s, LATERAL (SELECT {sim}{lookup}) k(x)
			GROUP BY s.reseller_id, s.win`),
		// Consecutive CDRs as they were imported.
		cdrBatch: r.Replace(`
			WITH cdrs AS (
				SELECT u.iccid, (row_number() OVER (ORDER BY u.imported_at, u.id) - 1) / $1 AS batch FROM usage_sessions u)
			SELECT count(DISTINCT x) AS shards
			FROM cdrs c JOIN sim_cards s USING (iccid), LATERAL (SELECT {sim}{lookup}) k(x)
			GROUP BY c.batch`),
		// Bytes per shard of the SIM tables and the customer tables.
		skew: r.Replace(`
			WITH bytes AS (
				SELECT {sim} AS shard, pg_column_size(s.*)::bigint AS b FROM sim_cards s
				UNION ALL SELECT {sim}, pg_column_size(e.*) FROM balance_entries e JOIN sim_cards s USING (iccid)
				UNION ALL SELECT {sim}, pg_column_size(x.*) FROM usage_sessions x JOIN sim_cards s USING (iccid)
				UNION ALL SELECT {user}, pg_column_size(u.*) FROM users u
				UNION ALL SELECT ` + shardOf("o.user_id", false, shards) + `, pg_column_size(o.*) FROM orders o WHERE o.user_id IS NOT NULL
				UNION ALL SELECT ` + shardOf("a.user_id", false, shards) + `, pg_column_size(a.*) FROM addresses a),
			per_shard AS (SELECT shard, sum(b) AS b FROM bytes GROUP BY shard)
			SELECT (max(b) / avg(b))::float8, max(b)::bigint FROM per_shard`),
	}
}

// shardOf is the SQL of the shard index (0 to shards-1) of a distribution
// value, as Citus places it.
func shardOf(expr string, byText bool, shards int) string {
	hash := "hashint8((" + expr + ")::bigint)"
	if byText {
		hash = "hashtext(" + expr + ")"
	}
	return fmt.Sprintf("((%s::bigint + 2147483648) * %d / 4294967296)", hash, shards)
}
