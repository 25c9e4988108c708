package shardplan_test

import (
	"context"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/shardplan"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// The measurement on generated customers agrees with a count made row by
// row, and the owner scheme keeps every dashboard on one shard.
func TestMeasureCountsShardsTouched(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	if _, err := seed.Scale(ctx, store.New(db), 40); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `
		WITH r AS (INSERT INTO resellers (name) VALUES ('plan') RETURNING id)
		UPDATE sim_cards SET reseller_id = (SELECT id FROM r) WHERE iccid IN (SELECT iccid FROM sim_cards ORDER BY iccid LIMIT 50)`); err != nil {
		t.Fatal(err)
	}
	const shards = 8
	o := shardplan.Options{Shards: shards, ResellerBatch: 20, CDRBatch: 100}
	rows, err := shardplan.Measure(ctx, db, o)
	if err != nil {
		t.Fatal(err)
	}
	byICCID, byOwner := rows[0], rows[1]

	// Row by row: each customer's account shard and the shards of their SIMs.
	var sims []struct {
		User      int64 `db:"user_id"`
		UserShard int   `db:"user_shard"`
		SIMShard  *int  `db:"sim_shard"`
	}
	if err := db.SelectContext(ctx, &sims, `
		SELECT u.id AS user_id, ((hashint8(u.id)::bigint + 2147483648) * 8 / 4294967296)::int AS user_shard,
		       ((hashtext(s.iccid)::bigint + 2147483648) * 8 / 4294967296)::int AS sim_shard
		FROM users u LEFT JOIN sim_cards s ON s.user_id = u.id`); err != nil {
		t.Fatal(err)
	}
	touched := map[int64]map[int]bool{}
	for _, s := range sims {
		if touched[s.User] == nil {
			touched[s.User] = map[int]bool{s.UserShard: true}
		}
		if s.SIMShard != nil {
			touched[s.User][*s.SIMShard] = true
		}
	}
	total := 0
	for _, set := range touched {
		total += len(set)
	}
	want := float64(total) / float64(len(touched))
	if d := byICCID.Dashboard.Mean - want; d > 1e-9 || d < -1e-9 {
		t.Errorf("by ICCID, dashboard mean = %v, counted row by row %v", byICCID.Dashboard.Mean, want)
	}
	if byICCID.Dashboard.P99 < 2 || byICCID.Dashboard.P99 > shards {
		t.Errorf("by ICCID, dashboard p99 = %d: customers own several SIMs, so 2 to %d", byICCID.Dashboard.P99, shards)
	}
	if byOwner.Dashboard != (shardplan.Figure{Mean: 1, P99: 1}) {
		t.Errorf("by owner, dashboard = %v; want every customer on one shard", byOwner.Dashboard)
	}
	for _, r := range rows {
		if r.Reseller.P99 < 1 || r.Reseller.P99 > shards || r.CDRBatch.P99 < 1 || r.CDRBatch.P99 > shards {
			t.Errorf("%s: reseller %v, CDR batch %v: outside 1..%d shards", r.Scheme, r.Reseller, r.CDRBatch, shards)
		}
		if r.Skew < 1 {
			t.Errorf("%s: skew %v below 1 (largest under the mean)", r.Scheme, r.Skew)
		}
	}
	if byICCID.Moved != 0 || byOwner.Moved <= 1 {
		t.Errorf("rows moved when a SIM changes hands: by ICCID %v (want 0), by owner %v (want its ledger and sessions too)", byICCID.Moved, byOwner.Moved)
	}

	var out strings.Builder
	if err := shardplan.Print(&out, o, rows); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"8 shards", "by ICCID (co-located)", "by owner user_id", "reseller read of 20", "CDR batch of 100"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, out.String())
		}
	}
}

func TestMeasureRefusesOneShard(t *testing.T) {
	if _, err := shardplan.Measure(context.Background(), nil, shardplan.Options{Shards: 1}); err == nil || !strings.Contains(err.Error(), "at least 2 shards") {
		t.Fatalf("err = %v", err)
	}
}
