package seed

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/store"
)

// BenchSIMs makes sure n active SIM cards (USD balances) of the usage
// benchmark's own ICCID range exist, and returns their ICCIDs.
func BenchSIMs(ctx context.Context, db store.Querier, n int) ([]string, error) {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = benchICCID(i + 1)
	}
	_, err := db.ExecContext(ctx, `
		INSERT INTO sim_cards (iccid, status, currency)
		SELECT i, 'ACTIVE', 'USD' FROM unnest($1::text[]) AS i
		ON CONFLICT (iccid) DO NOTHING`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("seed benchmark SIMs: %w", err)
	}
	return ids, nil
}

// benchICCID numbers the benchmark's SIMs apart from the demo's (8999701…).
func benchICCID(n int) string { return iccid.WithCheckDigit(fmt.Sprintf("8999705%011d", n)) }
