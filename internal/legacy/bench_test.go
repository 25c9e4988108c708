package legacy_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/legacy"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// BenchmarkImport imports a file of TEZ_LEGACY_BENCH_ACCOUNTS old accounts
// (100,000 unless set), each with a profile and an address, 1 or 2 SIM
// cards and 2 orders of 2 lines; one email in ten has a verified account
// here already, whose data attaches during the import. "again" imports the
// same file a second time (nothing changes). Run it with
//
//	go test ./internal/legacy -run '^$' -bench Import -benchtime 1x
//
// and read s/import and accounts/s.
func BenchmarkImport(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("TEZ_LEGACY_BENCH_ACCOUNTS")); err == nil && v > 0 {
		n = v
	}
	file, sims := benchFile(b, n)
	b.StopTimer()
	for range b.N {
		db := testdb.New(b)
		st := store.New(db)
		db.MustExec(`INSERT INTO sim_cards (iccid, status) SELECT unnest($1::text[]), 'ACTIVE'`, pq.Array(sims))
		db.MustExec(`INSERT INTO products (sku, kind, name, price, currency) VALUES ('SIM-EUROPE', 'SIM_CARD', 'Europe data SIM', 1500, 'USD')`)
		db.MustExec(`INSERT INTO users (email, password_hash, terms_accepted_at, terms_version, email_verified_at)
			SELECT 'old' || i || '@x.example', 'x', now(), 't', now() FROM generate_series(0, $1 - 1, 10) AS i`, n)
		for _, pass := range []string{"first", "again"} {
			f, err := os.Open(file)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			b.StartTimer()
			res, err := legacy.Import(context.Background(), st, f)
			b.StopTimer()
			took := time.Since(start)
			f.Close()
			if err != nil || len(res.Bad) > 0 {
				b.Fatalf("%s import: %v, %d bad lines (first: %+v)", pass, err, len(res.Bad), res.Bad[:min(1, len(res.Bad))])
			}
			b.Logf("%s import of %d accounts: %s (%.0f accounts/s); stored %+v, attached %+v",
				pass, n, took.Round(time.Millisecond), float64(n)/took.Seconds(), res.Stored, res.Attached)
			if pass == "first" {
				b.ReportMetric(took.Seconds(), "s/import")
				b.ReportMetric(float64(n)/took.Seconds(), "accounts/s")
			} else {
				b.ReportMetric(took.Seconds(), "s/reimport")
			}
		}
	}
}

// benchFile writes n old accounts as JSON Lines and answers the file and
// the SIM cards it names.
func benchFile(b *testing.B, n int) (string, []string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "old-accounts.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	var sims []string
	for i := range n {
		var cards []map[string]any
		for j := range 1 + i%2 {
			id := iccid.WithCheckDigit(fmt.Sprintf("8999706%06d%05d", i, j))
			sims = append(sims, id)
			cards = append(cards, simCard(id, "2018-06-01T00:00:00Z"))
		}
		var orders []map[string]any
		for j := range 2 {
			orders = append(orders, map[string]any{"number": fmt.Sprintf("OLD-%d-%d", i, j), "placedAt": "2018-05-30T10:00:00Z",
				"status": "FULFILLED", "currency": "USD", "total": "25.00", "shippingAddress": address(false),
				"items": []map[string]any{
					{"sku": "SIM-EUROPE", "name": "Europe travel SIM", "quantity": 1, "unitPrice": "15.00"},
					{"sku": "TOPUP-10-OLD", "name": "Top-up voucher 10", "quantity": 1, "unitPrice": "10.00", "iccid": cards[0]["iccid"]},
				}})
		}
		if err := enc.Encode(account(fmt.Sprintf("old%d@x.example", i), cards, orders)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return path, sims
}
