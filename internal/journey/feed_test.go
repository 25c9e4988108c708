package journey

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/testdb"
)

var tezBinary struct {
	once sync.Once
	path string
	err  error
}

// tezPath builds the `tez` binary once per test run and answers its path.
func tezPath(t testing.TB) string {
	t.Helper()
	tezBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "tez-journey-bin-")
		if err != nil {
			tezBinary.err = err
			return
		}
		testdb.AtExit(func() { os.RemoveAll(dir) })
		tezBinary.path = filepath.Join(dir, "tez")
		out, err := exec.Command("go", "build", "-o", tezBinary.path, "../../cmd/tez").CombinedOutput()
		if err != nil {
			tezBinary.err = fmt.Errorf("go build ./cmd/tez: %v\n%s", err, out)
		}
	})
	if tezBinary.err != nil {
		t.Fatal(tezBinary.err)
	}
	return tezBinary.path
}

// tez runs a `tez` command as an operator does: the real binary, a process
// of its own, on the journey's database. It answers the command's output.
func (s *shop) tez(args ...string) string {
	s.t.Helper()
	cmd := exec.Command(tezPath(s.t), args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+s.api.DSN, "TEZ_LOG_LEVEL=warn")
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("tez %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

type changeFeed struct {
	Reseller struct {
		SimCardChanges struct {
			Edges []struct {
				Node struct {
					ICCID, Status string
					Balance       money
					BalanceAsOf   time.Time
				}
			}
			PageInfo struct{ HasNextPage bool }
			Cursor   string
		}
	}
}

const changeFeedDoc = `query($after: String) { reseller { simCardChanges(after: $after, first: 2) {
	edges { node { iccid status balance { amount currencyCode } balanceAsOf } } pageInfo { hasNextPage } cursor } } }`

// readToEnd pages the feed from cursor until hasNextPage is false, as a
// partner's sync job does, and answers the SIMs seen (iccid=balance, in
// order) and the cursor to keep. A change shows once every older
// transaction on the database server has ended, so a partner waiting for
// one asks again (want: the number of SIMs expected, 0 for "read once").
func (r *partner) readToEnd(cursor string, want int) (seen []string, next string) {
	r.shop.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		seen, next = nil, cursor
		for {
			var out changeFeed
			vars := map[string]any{}
			if next != "" {
				vars["after"] = next
			}
			r.query(changeFeedDoc, vars, &out)
			page := out.Reseller.SimCardChanges
			for _, e := range page.Edges {
				seen = append(seen, e.Node.ICCID+"="+e.Node.Balance.Amount)
			}
			if page.Cursor == "" {
				r.shop.t.Fatalf("a page without a cursor to keep: %+v", page)
			}
			next = page.Cursor
			if !page.PageInfo.HasNextPage {
				break
			}
		}
		if len(seen) >= want || time.Now().After(deadline) {
			return seen, next
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A partner fills its copy from the change feed, paging to the end; support
// adjusts one SIM's balance with `tez ledger adjust` (another process); the
// partner's next sync from its stored cursor brings exactly that SIM with
// its new balance, and the one after that nothing.
func TestPartnerPagesChangeFeedToTheEnd(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	owner := s.demoCustomer()
	numbers := owner.myNumbers()
	stock := seed.DemoStock()
	p := s.partner("Feed Travel")
	sold := []string{numbers[0].ICCID, numbers[1].ICCID, stock[0].ICCID, stock[1].ICCID, stock[2].ICCID}
	p.assign(sold...)

	seen, cursor := p.readToEnd("", len(sold))
	if len(seen) != len(sold) {
		t.Fatalf("the first sync saw %v, want each of the %d SIMs once", seen, len(sold))
	}
	for _, iccid := range sold {
		n := 0
		for _, s := range seen {
			if strings.HasPrefix(s, iccid+"=") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("SIM %s came %d times in the first sync, want once: %v", iccid, n, seen)
		}
	}
	if again, _ := p.readToEnd(cursor, 0); len(again) != 0 {
		t.Errorf("a sync with nothing changed: %v, want nothing", again)
	}

	out := s.tez("ledger", "adjust", "--iccid", numbers[1].ICCID, "--amount", "2.50", "--reason", "goodwill")
	if !strings.Contains(out, "balance after") {
		t.Fatalf("tez ledger adjust said %q", out)
	}
	want := numbers[1].ICCID + "=" + plus(t, numbers[1].Balance, "2.50").Amount
	seen, cursor = p.readToEnd(cursor, 1)
	if fmt.Sprint(seen) != fmt.Sprint([]string{want}) {
		t.Errorf("the sync after the adjustment saw %v, want only %s", seen, want)
	}
	if again, _ := p.readToEnd(cursor, 0); len(again) != 0 {
		t.Errorf("the sync after that: %v, want nothing", again)
	}
}
