package journey

import (
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
)

// A customer travels with a SIM a partner sold. The partner reads the
// SIM's state, balance and when it last used data (the contract document
// reseller-balances.graphql), and nothing of where: it cannot ask for
// sessions, countries, networks or the owner's label, and node() answers
// null for the SIM and its sessions. Once the customer takes the SIM out
// of the account, the partner sees nothing of its past.
func TestResellerNeverSeesWhereCustomersTravel(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	owner := s.demoCustomer()
	var mine struct {
		Me struct {
			SimCards []struct {
				ID, ICCID     string
				Label         *string
				LastUsageAt   *time.Time
				UsageSessions struct {
					Edges []struct {
						Node struct{ ID, CountryCode, NetworkName string }
					}
				}
			}
		}
	}
	owner.query(`{ me { simCards { id iccid label lastUsageAt usageSessions(first: 1) { edges { node { id countryCode networkName } } } } } }`, nil, &mine)
	var sim = mine.Me.SimCards[0]
	for _, c := range mine.Me.SimCards {
		if c.LastUsageAt != nil && len(c.UsageSessions.Edges) > 0 {
			sim = c
			break
		}
	}
	if sim.LastUsageAt == nil || len(sim.UsageSessions.Edges) == 0 || sim.UsageSessions.Edges[0].Node.CountryCode == "" {
		t.Fatalf("the demo customer has no SIM with trips to hide: %+v", mine.Me.SimCards)
	}

	p := s.partner("Silk Road SIMs")
	p.assign(sim.ICCID)
	type partnerView struct {
		ICCID, Status string
		Balance       money
		LastUsageAt   *time.Time
	}
	balances := func() partnerView {
		t.Helper()
		var out struct {
			ResellerSimCards struct{ SimCards []partnerView }
		}
		p.query(documents.Get("reseller-balances.graphql"), map[string]any{"iccids": []string{sim.ICCID}}, &out)
		if len(out.ResellerSimCards.SimCards) != 1 {
			t.Fatalf("the partner's balances: %+v, want its one SIM", out.ResellerSimCards)
		}
		return out.ResellerSimCards.SimCards[0]
	}
	seen := balances()
	if seen.LastUsageAt == nil || !seen.LastUsageAt.Equal(*sim.LastUsageAt) || seen.Status == "" || seen.Balance.CurrencyCode == "" {
		t.Errorf("while the customer uses the SIM the partner sees %+v, want its state, balance and last use %s", seen, sim.LastUsageAt)
	}

	// Where the customer went is not in the partner's schema at all.
	for what, doc := range map[string]string{
		"sessions":  `query($i: [ICCID!]!) { resellerSimCards(iccids: $i) { simCards { usageSessions(first: 5) { edges { node { countryCode networkName } } } } } }`,
		"countries": `query($i: [ICCID!]!) { resellerSimCards(iccids: $i) { simCards { usage(from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z") { byCountry { countryCode } } } } }`,
		"label":     `query($i: [ICCID!]!) { resellerSimCards(iccids: $i) { simCards { label } } }`,
		"ledger":    `query($i: [ICCID!]!) { resellerSimCards(iccids: $i) { simCards { balanceEntries(first: 5) { edges { node { reference } } } } } }`,
		"paged":     `{ reseller { simCards { edges { node { usageSessions(first: 5) { edges { node { countryCode } } } } } } } }`,
	} {
		res := p.do(doc, map[string]any{"i": []string{sim.ICCID}})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "GRAPHQL_VALIDATION_FAILED" || (len(res.Data) > 0 && string(res.Data) != "null") {
			t.Errorf("the partner asked for the SIM's %s: %s %+v, want a validation error", what, res.Data, res.Errors)
		}
	}
	for _, id := range []string{sim.ID, sim.UsageSessions.Edges[0].Node.ID} {
		if res := p.do(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}); len(res.Errors) > 0 || string(res.Data) != `{"node":null}` {
			t.Errorf("the partner's node(%s) answered %s %+v, want null", id, res.Data, res.Errors)
		}
	}

	// The customer takes the SIM out of the account.
	var removed struct {
		SimCardRemove struct {
			RemovedID  *string
			UserErrors []userError
		}
	}
	owner.query(`mutation($id: ID!) { simCardRemove(id: $id) { removedId userErrors { field message code } } }`, map[string]any{"id": sim.ID}, &removed)
	noUserErrors(t, "simCardRemove", removed.SimCardRemove.UserErrors)

	after := balances()
	if after.LastUsageAt != nil {
		t.Errorf("after the customer removed the SIM the partner still sees its last use at %s", after.LastUsageAt)
	}
	if after.Status != seen.Status || after.Balance != seen.Balance {
		t.Errorf("after the removal the partner sees %+v, want the SIM's state and balance as before (%+v)", after, seen)
	}
}
