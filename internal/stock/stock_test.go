package stock_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/stock"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func sim(n int) string { return iccid.WithCheckDigit(fmt.Sprintf("899970600000000%04d", n)) }

func newIntake(t *testing.T) (*stock.Intake, *store.Store) {
	t.Helper()
	st := store.New(testdb.New(t))
	if err := seed.Demo(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return stock.New(st), st
}

func problems(res stock.Result) string {
	var b strings.Builder
	for _, p := range res.Problems {
		fmt.Fprintf(&b, "%d: %s\n", p.Line, p.Reason)
	}
	return b.String()
}

func TestAddKeepsGoodLinesAndReportsBadOnes(t *testing.T) {
	t.Parallel()
	in, st := newIntake(t)
	bad := sim(2)
	bad = bad[:len(bad)-1] + string('0'+(bad[len(bad)-1]-'0'+1)%10)
	file := "iccid,msisdn,sku,activation_code\n" +
		sim(1) + ",+4915112345001,SIM-EUROPE,AB12 CD34\n" + // 2: good
		bad + ",,SIM-EUROPE,AB12CD35\n" + // 3: check digit
		sim(3) + ",12345,SIM-EUROPE,AB12CD36\n" + // 4: not E.164
		sim(4) + ",,SIM-MARS,AB12CD37\n" + // 5: unknown product
		sim(5) + ",,TOPUP-10,AB12CD38\n" + // 6: not a SIM product
		sim(6) + ",,SIM-BALKANS-2025,AB12CD39\n" + // 7: retired
		sim(7) + ",,sim-asia,ABC12\n" + // 8: code too short
		sim(8) + ",,SIM-ASIA," + strings.Repeat("X", 33) + "\n" + // 9: too long
		sim(1) + ",,SIM-ASIA,AB12CD40\n" + // 10: repeats line 2
		sim(9) + ",+49 151 12345001,SIM-ASIA,AB12CD41\n" + // 11: MSISDN repeats line 2
		sim(10) + ",,sim-asia\n" + // 12: three fields
		sim(11) + ",\"+49\"1,SIM-ASIA,AB12CD42\n" + // 13: garbled quote
		sim(12) + ",,sim-asia,ab12cd43\n" // 14: good, lower case
	res, err := in.Add(context.Background(), strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	want := []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
	if len(res.Problems) != len(want) {
		t.Fatalf("problems:\n%s want lines %v", problems(res), want)
	}
	for i, p := range res.Problems {
		if p.Line != want[i] {
			t.Errorf("problem %d is on line %d, want %d (%s)", i, p.Line, want[i], p.Reason)
		}
	}
	if !strings.Contains(problems(res), "10: ICCID "+sim(1)+" repeats line 2") {
		t.Errorf("the repeat names the first line:\n%s", problems(res))
	}
	if res.Lines != 13 || res.Added != 2 || res.Known != 0 {
		t.Errorf("lines %d added %d known %d, want 13, 2, 0", res.Lines, res.Added, res.Known)
	}
	var got []struct {
		ICCID    string  `db:"iccid"`
		MSISDN   *string `db:"msisdn"`
		SKU      string  `db:"sku"`
		Status   string  `db:"status"`
		CodeHash []byte  `db:"activation_code_hash"`
	}
	err = st.DB().Select(&got, `SELECT s.iccid, s.msisdn, p.sku, s.status, s.activation_code_hash
		FROM sim_cards s JOIN products p ON p.id = s.product_id WHERE s.iccid = ANY($1) ORDER BY s.iccid`,
		"{"+sim(1)+","+sim(12)+"}")
	if err != nil || len(got) != 2 {
		t.Fatalf("stored: %+v, %v", got, err)
	}
	if got[0].MSISDN == nil || *got[0].MSISDN != "+4915112345001" || got[0].SKU != "SIM-EUROPE" || got[0].Status != "IN_STOCK" {
		t.Errorf("first SIM stored as %+v", got[0])
	}
	if got[1].MSISDN != nil || got[1].SKU != "SIM-ASIA" {
		t.Errorf("second SIM stored as %+v", got[1])
	}
	// The code is stored as the activation check reads it: hashed, case
	// and spaces aside.
	if !bytes.Equal(got[0].CodeHash, secret.ActivationCodeHash("ab12cd34")) || !bytes.Equal(got[1].CodeHash, secret.ActivationCodeHash("AB12 CD43")) {
		t.Error("activation codes are not stored as activation code hashes")
	}
}

func TestAddTwiceAddsOnce(t *testing.T) {
	t.Parallel()
	in, st := newIntake(t)
	file := sim(20) + ",+4915112345020,SIM-EUROPE,CODE0020\n" + sim(21) + ",,SIM-EUROPE,CODE0021\n"
	first, err := in.Add(context.Background(), strings.NewReader(file))
	if err != nil || first.Added != 2 {
		t.Fatalf("first run: %+v, %v", first, err)
	}
	again, err := in.Add(context.Background(), strings.NewReader(file))
	if err != nil || again.Added != 0 || again.Known != 2 || len(again.Problems) != 0 {
		t.Errorf("second run: %+v, %v", again, err)
	}
	// Another SIM with a number that is taken is refused.
	taken, err := in.Add(context.Background(), strings.NewReader(sim(22)+",+4915112345020,SIM-EUROPE,CODE0022\n"))
	if err != nil || taken.Added != 0 || len(taken.Problems) != 1 || taken.Problems[0].Line != 1 ||
		!strings.Contains(taken.Problems[0].Reason, "belongs to another SIM card") {
		t.Errorf("a taken MSISDN: %+v, %v", taken, err)
	}
	var n int
	st.DB().Get(&n, `SELECT count(*) FROM sim_cards WHERE iccid = ANY($1)`, "{"+sim(20)+","+sim(21)+","+sim(22)+"}")
	if n != 2 {
		t.Errorf("%d SIMs stored, want 2", n)
	}
}

func TestAddSurvivesGarbage(t *testing.T) {
	t.Parallel()
	in, _ := newIntake(t)
	garbage := "\x00\xff\xfe,\"unterminated\n" + strings.Repeat("A", 100_000) + "\n;;;\n"
	res, err := in.Add(context.Background(), strings.NewReader(garbage))
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 0 || len(res.Problems) == 0 {
		t.Errorf("garbage: %+v", res)
	}
	for _, p := range res.Problems {
		if len(p.Reason) > 200 {
			t.Errorf("line %d's reason is %d bytes long: it quotes the garbage", p.Line, len(p.Reason))
		}
	}
}
