package journey

import (
	"encoding/json"
	"testing"
)

// The account's first screen asks every SIM's usage, newest sessions and
// balance history at once; each SIM then shows exactly what its own page
// shows (asked of it alone). Another customer asking the same sees none of
// it, not even by the demo SIM's ICCID.
func TestEverySIMOnOneScreenAnswersLikeItsOwnPage(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	const fields = `iccid
		usage(from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z") { sessionCount totalBytes byNetwork { networkName } }
		recentUsageSessions(limit: 3) { id }
		usageSessions(first: 4) { totalCount edges { node { id } } }
		balanceEntries(first: 5) { edges { node { kind reference amount { amount currencyCode } } } pageInfo { hasNextPage } }`
	const onePage = `query($i: ICCID!) { me { simCard(iccid: $i) { ` + fields + ` } } }`
	var all struct {
		Me struct{ SimCards []json.RawMessage }
	}
	demo.query(`{ me { simCards { `+fields+` } } }`, nil, &all)
	if len(all.Me.SimCards) < 2 {
		t.Fatalf("the demo customer has %d SIMs, want several", len(all.Me.SimCards))
	}
	var iccids []string
	entries := 0
	for _, listed := range all.Me.SimCards {
		var sim struct {
			ICCID          string
			BalanceEntries struct{ Edges []json.RawMessage }
		}
		if err := json.Unmarshal(listed, &sim); err != nil {
			t.Fatal(err)
		}
		iccids, entries = append(iccids, sim.ICCID), entries+len(sim.BalanceEntries.Edges)
		var own struct {
			Me struct{ SimCard json.RawMessage }
		}
		demo.query(onePage, map[string]any{"i": sim.ICCID}, &own)
		if string(own.Me.SimCard) != string(listed) {
			t.Errorf("SIM %s on the first screen:\n%s\non its own page:\n%s", sim.ICCID, listed, own.Me.SimCard)
		}
	}
	if entries == 0 {
		t.Error("no SIM of the demo shows a balance entry: the comparison shows little")
	}

	other := s.signUp("other@x.example", "correct horse battery staple", "Other")
	var theirs struct {
		Me struct {
			SimCard  *json.RawMessage
			SimCards []json.RawMessage
		}
	}
	other.query(`query($i: ICCID!) { me { simCard(iccid: $i) { `+fields+` } simCards { `+fields+` } } }`, map[string]any{"i": iccids[0]}, &theirs)
	if theirs.Me.SimCard != nil || len(theirs.Me.SimCards) != 0 {
		t.Errorf("another customer sees the demo's SIM %s (%v) or SIMs of their own (%d)", iccids[0], theirs.Me.SimCard != nil, len(theirs.Me.SimCards))
	}
}
