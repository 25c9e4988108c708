package journey

import (
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/seed"
)

// My numbers: the demo customer sees each SIM with its balance and state,
// and nobody else's.
func TestMyNumbers(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	numbers := s.demoCustomer().myNumbers()
	if len(numbers) != 3 {
		t.Fatalf("the demo's My numbers has %d SIMs, want 3: %+v", len(numbers), numbers)
	}
	statuses := map[string]int{}
	for _, n := range numbers {
		statuses[n.Status]++
		if n.Balance.CurrencyCode != "USD" || n.Balance.Amount == "" || n.Label == nil {
			t.Errorf("a SIM without its balance or label: %+v", n)
		}
	}
	if statuses["ACTIVE"] != 2 || statuses["SUSPENDED"] != 1 {
		t.Errorf("statuses %v, want two ACTIVE and one SUSPENDED", statuses)
	}

	newcomer := s.signUp("nina@journey.example", "a long new passphrase", "")
	if got := newcomer.myNumbers(); len(got) != 0 {
		t.Errorf("a new account's My numbers: %+v", got)
	}
	// Another customer's SIM is not reachable by its ICCID either.
	var out struct{ Me struct{ SimCard *simCard } }
	newcomer.query(`query($i: ICCID!) { me { simCard(iccid: $i) { iccid } } }`, map[string]any{"i": numbers[0].ICCID}, &out)
	if out.Me.SimCard != nil {
		t.Errorf("a stranger reads the demo's SIM %s", numbers[0].ICCID)
	}
}

// Adding a SIM by the ICCID printed on its holder takes the code printed
// next to it; a wrong code, and someone else's SIM, answer alike.
func TestAddSIMByICCIDWithItsCode(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	stock := seed.DemoStock()[0]
	omar := s.signUp("omar@journey.example", "a long new passphrase", "Omar")

	_, errs := omar.addSIM(stock.ICCID, "")
	if len(errs) != 1 || errs[0].Code != "SIM_NOT_FOUND_OR_CODE_INVALID" {
		t.Fatalf("without its code: %+v", errs)
	}
	_, wrong := omar.addSIM(stock.ICCID, "TEZ00000")
	if len(wrong) != 1 || wrong[0].Code != "SIM_NOT_FOUND_OR_CODE_INVALID" {
		t.Fatalf("a wrong code: %+v", wrong)
	}
	// Typed as printed, in groups.
	spaced := stock.ICCID[:4] + " " + stock.ICCID[4:8] + " " + stock.ICCID[8:]
	sim, errs := omar.addSIM(spaced, stock.ActivationCode)
	noUserErrors(t, "simCardAdd with its code", errs)
	if sim.ICCID != stock.ICCID || sim.Status != "ACTIVE" {
		t.Errorf("the added SIM: %+v, want %s ACTIVE", sim, stock.ICCID)
	}
	if got := omar.myNumbers(); len(got) != 1 || got[0].ICCID != stock.ICCID {
		t.Errorf("My numbers after adding: %+v", got)
	}
	if _, again := omar.addSIM(stock.ICCID, stock.ActivationCode); len(again) != 0 {
		t.Errorf("adding one's own SIM again: %+v", again)
	}

	// The code does not let a second customer take it.
	pia := s.signUp("pia@journey.example", "another long passphrase", "")
	_, taken := pia.addSIM(stock.ICCID, stock.ActivationCode)
	if len(taken) != 1 || taken[0].Message != wrong[0].Message || taken[0].Code != wrong[0].Code {
		t.Errorf("someone else's SIM answers %+v, a wrong code %+v: they must be alike", taken, wrong)
	}
	if got := omar.myNumbers(); len(got) != 1 {
		t.Errorf("the owner lost the SIM: %+v", got)
	}
}

// My history over ranges: a SIM added today shows the sessions from the
// moment it joined, never those before (the warehouse's test, or a
// previous owner's), whatever range is asked.
func TestMyHistoryOverRanges(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	stock := seed.DemoStock()[1]
	now := time.Now().UTC().Truncate(time.Second)
	lena := s.signUp("lena@journey.example", "a long new passphrase", "")

	// Before the customer has it, the SIM is tested at the warehouse.
	s.importCDRs(cdr{ID: "wh-1", ICCID: stock.ICCID, Start: now.AddDate(0, 0, -3), Minutes: 5, Up: 1_000, Down: 2_000,
		MCC: "250", MNC: "01", Name: "MTS", CostCents: 1})
	lena.addStock(stock)
	var fresh struct {
		Me struct {
			SimCard struct{ LastUsageAt *time.Time }
		}
	}
	lena.query(`query($i: ICCID!) { me { simCard(iccid: $i) { lastUsageAt } } }`, map[string]any{"i": stock.ICCID}, &fresh)
	if fresh.Me.SimCard.LastUsageAt != nil {
		t.Errorf("My numbers shows the SIM last used at %v, before it was Lena's", fresh.Me.SimCard.LastUsageAt)
	}
	// Then Lena travels: Turkey, then Georgia (sessions reported as they end).
	turkey := now.Add(2 * time.Minute)
	georgia := now.Add(30 * time.Minute)
	s.importCDRs(
		cdr{ID: "tr-1", ICCID: stock.ICCID, Start: turkey, Minutes: 10, Up: 2_000_000, Down: 18_000_000, MCC: "286", MNC: "01", Name: "Turkcell", CostCents: 2},
		cdr{ID: "ge-1", ICCID: stock.ICCID, Start: georgia, Minutes: 20, Up: 1_000_000, Down: 4_000_000, MCC: "282", MNC: "02", Name: "MagtiCom", CostCents: 1},
	)

	for name, c := range map[string]struct {
		from, to      time.Time
		sessions      int
		bytes         int64
		firstNetwork  string
		wantCountries int
	}{
		"the last week, reaching before the SIM joined": {now.AddDate(0, 0, -7), now.Add(time.Hour), 2, 25_000_000, "MagtiCom", 2},
		"only before the SIM joined":                    {now.AddDate(0, 0, -7), now.AddDate(0, 0, -1), 0, 0, "", 0},
		"the Turkish leg":                               {now, now.Add(15 * time.Minute), 1, 20_000_000, "Turkcell", 1},
		"the Georgian leg, to the second":               {georgia, georgia.Add(time.Second), 1, 5_000_000, "MagtiCom", 1},
		"an empty range after the trip":                 {now.Add(2 * time.Hour), now.Add(3 * time.Hour), 0, 0, "", 0},
	} {
		t.Run(name, func(t *testing.T) {
			h := lena.history(stock.ICCID, c.from, c.to)
			if h.Usage.SessionCount != c.sessions || len(h.UsageSessions.Edges) != c.sessions || h.Usage.TotalBytes != c.bytes {
				t.Fatalf("sessions %d (listed %d), bytes %d; want %d sessions, %d bytes",
					h.Usage.SessionCount, len(h.UsageSessions.Edges), h.Usage.TotalBytes, c.sessions, c.bytes)
			}
			if len(h.Usage.ByCountry) != c.wantCountries {
				t.Errorf("countries %+v, want %d", h.Usage.ByCountry, c.wantCountries)
			}
			if c.sessions > 0 && h.UsageSessions.Edges[0].Node.NetworkName != c.firstNetwork {
				t.Errorf("newest session on %s, want %s", h.UsageSessions.Edges[0].Node.NetworkName, c.firstNetwork)
			}
			for _, e := range h.UsageSessions.Edges {
				if e.Node.NetworkName == "MTS" {
					t.Errorf("the warehouse's session shows in the customer's history")
				}
			}
		})
	}
}
