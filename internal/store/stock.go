package store

import (
	"context"
	"fmt"
)

// StockSIM is one SIM card of an intake, checked by the caller.
type StockSIM struct {
	Line      int // the line of the intake file, for the report
	ICCID     string
	MSISDN    string // "" when the SIM has no number yet
	ProductID int64
	Currency  string // the product's: the SIM's balance is kept in it
	CodeHash  []byte
}

// The staging table lives for one transaction, like usage imports'.
const createStockStage = `
CREATE TEMP TABLE stock_stage (
    line_no    int NOT NULL,
    iccid      text NOT NULL,
    msisdn     text NOT NULL,
    product_id bigint NOT NULL,
    currency   text NOT NULL,
    code_hash  bytea NOT NULL
) ON COMMIT DROP`

const copyStockStage = `COPY stock_stage (line_no, iccid, msisdn, product_id, currency, code_hash) FROM STDIN`

// A SIM whose ICCID, or whose MSISDN, is taken already is skipped (ON
// CONFLICT without a target covers both unique keys). The outer SELECT
// reads the table as it was before the INSERT (one snapshot), so an
// existing ICCID tells a repeat from a number that belongs to another SIM.
const insertStagedStock = `
WITH inserted AS (
    INSERT INTO sim_cards (iccid, msisdn, status, product_id, currency, activation_code_hash)
    SELECT iccid, nullif(msisdn, ''), 'IN_STOCK', product_id, currency, code_hash
    FROM stock_stage ORDER BY iccid
    ON CONFLICT DO NOTHING
    RETURNING iccid
)
SELECT st.line_no, st.iccid, st.msisdn, EXISTS (SELECT 1 FROM sim_cards s WHERE s.iccid = st.iccid) AS iccid_known
FROM stock_stage st
WHERE NOT EXISTS (SELECT 1 FROM inserted i WHERE i.iccid = st.iccid)
ORDER BY st.line_no`

// StockSkipped is a staged SIM that was not added: its ICCID is known
// already (ICCIDKnown), or else its MSISDN belongs to another SIM.
type StockSkipped struct {
	Line       int    `db:"line_no"`
	ICCID      string `db:"iccid"`
	MSISDN     string `db:"msisdn"`
	ICCIDKnown bool   `db:"iccid_known"`
}

// AddStock adds SIM cards to stock in tx (a transaction: COPY and the
// staging table need one) with one COPY and one INSERT,
// skipping those whose ICCID or MSISDN is taken; it answers the skipped
// ones. The caller gives no ICCID or MSISDN twice.
func (s *Store) AddStock(ctx context.Context, tx Querier, sims []StockSIM) ([]StockSkipped, error) {
	if _, err := tx.ExecContext(ctx, createStockStage); err != nil {
		return nil, fmt.Errorf("create stock staging table: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, copyStockStage)
	if err != nil {
		return nil, fmt.Errorf("copy stock: %w", err)
	}
	defer stmt.Close()
	for _, sim := range sims {
		if _, err := stmt.ExecContext(ctx, sim.Line, sim.ICCID, sim.MSISDN, sim.ProductID, sim.Currency, sim.CodeHash); err != nil {
			return nil, fmt.Errorf("copy stock: %w", err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return nil, fmt.Errorf("copy stock: %w", err)
	}
	var skipped []StockSkipped
	err = tx.SelectContext(ctx, &skipped, insertStagedStock)
	return skipped, mapError(err, "add stock")
}
