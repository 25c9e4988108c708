package graph_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
)

// resellerFields is every field a reseller key reaches from its own roots
// (Query.resellerSimCards and Query.reseller), each proved by
// TestResellerSeesOnlyWhatItMayOfASIM. A field becomes reachable when it is
// added to one of these types or when a field's type brings a new one:
// TestResellerSchemaReachesNoCustomerData then fails until the field is
// proved here, or kept away from partners.
var resellerFields = []string{
	"Query.resellerSimCards", "Query.reseller",
	"ResellerSimCards.simCards", "ResellerSimCards.notFound",
	"ResellerSimCard.iccid", "ResellerSimCard.msisdn", "ResellerSimCard.status", "ResellerSimCard.balance", "ResellerSimCard.lastUsageAt",
	"Money.amount", "Money.currencyCode",
	"Reseller.name", "Reseller.simCards",
	"ResellerSimCardConnection.edges", "ResellerSimCardConnection.pageInfo",
	"ResellerSimCardEdge.cursor", "ResellerSimCardEdge.node",
	"PageInfo.hasNextPage", "PageInfo.hasPreviousPage", "PageInfo.startCursor", "PageInfo.endCursor",
	"ResellerSimCard.balanceAsOf", "ResellerSimCard.projectedRunOutAt",
	"Reseller.simCardChanges", "ResellerSimCardChangeConnection.edges", "ResellerSimCardChangeConnection.pageInfo",
	"ResellerSimCardChangeConnection.cursor", "ResellerSimCardChangeEdge.cursor", "ResellerSimCardChangeEdge.node",
}

type introspectedType struct {
	Name, Kind string
	Fields     []struct {
		Name string
		Type typeRef
	}
	PossibleTypes []struct{ Name string }
}

type typeRef struct {
	Name   *string
	OfType *typeRef
}

func (r typeRef) named() string {
	for ; r.Name == nil && r.OfType != nil; r = *r.OfType {
	}
	if r.Name == nil {
		return ""
	}
	return *r.Name
}

// The schema, walked by introspection from the reseller's roots through
// every field's type (and an interface's or union's possible types),
// reaches exactly the fields proved, and none of the customer's types.
func TestResellerSchemaReachesNoCustomerData(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	var schema struct {
		Schema struct{ Types []introspectedType } `json:"__schema"`
	}
	api.Query(apitest.Request{Query: `{ __schema { types { name kind
		fields(includeDeprecated: true) { name type { name ofType { name ofType { name ofType { name } } } } }
		possibleTypes { name } } } }`}, &schema)
	types := map[string]introspectedType{}
	for _, ty := range schema.Schema.Types {
		types[ty.Name] = ty
	}

	reached := map[string]bool{}
	seen := map[string]bool{}
	var visit func(typeName string)
	visit = func(typeName string) {
		if seen[typeName] {
			return
		}
		seen[typeName] = true
		ty := types[typeName]
		for _, f := range ty.Fields {
			reached[typeName+"."+f.Name] = true
			visit(f.Type.named())
		}
		for _, p := range ty.PossibleTypes {
			visit(p.Name)
		}
	}
	seen["Query"] = true
	for _, f := range types["Query"].Fields {
		if f.Name == "resellerSimCards" || f.Name == "reseller" {
			reached["Query."+f.Name] = true
			visit(f.Type.named())
		}
	}

	for field := range reached {
		if !slices.Contains(resellerFields, field) {
			t.Errorf("a reseller reaches %s, which no test proves: prove it in TestResellerSeesOnlyWhatItMayOfASIM and list it in resellerFields, or keep it away from partners", field)
		}
	}
	for _, field := range resellerFields {
		if !reached[field] {
			t.Errorf("%s is listed as reachable by resellers but is not: drop it from resellerFields", field)
		}
	}
	for _, customerType := range []string{"SimCard", "UsageSession", "UsageSummary", "CountryUsage", "BalanceEntry", "User", "Order", "Address", "Node"} {
		if seen[customerType] {
			t.Errorf("the customer's type %s is reachable from the reseller's roots", customerType)
		}
	}
}

// resellerSIM is every field of a ResellerSimCard.
type resellerSIM struct {
	ICCID, Status string
	MSISDN        *string
	Balance       struct{ Amount, CurrencyCode string }
	LastUsageAt   *time.Time
	BalanceAsOf   time.Time
	// ProjectedRunOutAt is null here: the SIM spends nothing.
	ProjectedRunOutAt *time.Time
}

const resellerSIMFields = `iccid msisdn status balance { amount currencyCode } lastUsageAt balanceAsOf projectedRunOutAt`

// Every field a reseller reaches, through both roots, for a SIM it sold
// that a customer uses; then the customer removes the SIM, and the
// reseller sees its state and balance but nothing of its past.
func TestResellerSeesOnlyWhatItMayOfASIM(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	resellerID, key := api.Reseller("Steppe Travel", 1000, 1000, 0)
	a := newAccount(t, api, "traveller@x.example", 2, 0, 0)
	sold, other := a.iccids[0], a.iccids[1]
	lastUse := time.Now().Add(-5 * 24 * time.Hour).UTC().Truncate(time.Second)
	api.MustExec(`UPDATE sim_cards SET reseller_id = $1, msisdn = '+77010000001', last_usage_at = $3 WHERE iccid = $2`, resellerID, sold, lastUse)
	reseller := map[string]string{"X-API-Key": key}

	read := func() (byList, byPage resellerSIM) {
		t.Helper()
		var list struct {
			ResellerSimCards struct {
				SimCards []resellerSIM
				NotFound []string
			}
		}
		api.Query(apitest.Request{Query: `query($i: [ICCID!]!) { resellerSimCards(iccids: $i) { simCards { ` + resellerSIMFields + ` } notFound } }`,
			Variables: map[string]any{"i": []string{sold, other}}, Header: reseller}, &list)
		if got := list.ResellerSimCards; len(got.SimCards) != 1 || got.SimCards[0].ICCID != sold || fmt.Sprint(got.NotFound) != fmt.Sprint([]string{other}) {
			t.Fatalf("resellerSimCards = %+v, want %s and notFound [%s]", got, sold, other)
		}
		var page struct {
			Reseller struct {
				Name     string
				SimCards struct {
					Edges []struct {
						Cursor string
						Node   resellerSIM
					}
					PageInfo struct {
						HasNextPage, HasPreviousPage bool
						StartCursor, EndCursor       *string
					}
				}
			}
		}
		api.Query(apitest.Request{Query: `{ reseller { name simCards(first: 5) { edges { cursor node { ` + resellerSIMFields + ` } }
			pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`, Header: reseller}, &page)
		r := page.Reseller
		if r.Name != "Steppe Travel" || len(r.SimCards.Edges) != 1 || r.SimCards.PageInfo.HasNextPage || r.SimCards.PageInfo.HasPreviousPage ||
			r.SimCards.PageInfo.EndCursor == nil || *r.SimCards.PageInfo.EndCursor != r.SimCards.Edges[0].Cursor ||
			r.SimCards.PageInfo.StartCursor == nil || *r.SimCards.PageInfo.StartCursor != r.SimCards.Edges[0].Cursor {
			t.Fatalf("reseller = %+v, want its name and one SIM on one page", r)
		}
		var next struct {
			Reseller struct {
				SimCards struct{ Edges []struct{ Cursor string } }
			}
		}
		api.Query(apitest.Request{Query: `query($a: String) { reseller { simCards(after: $a) { edges { cursor } } } }`,
			Variables: map[string]any{"a": r.SimCards.Edges[0].Cursor}, Header: reseller}, &next)
		if len(next.Reseller.SimCards.Edges) != 0 {
			t.Errorf("the page after the last SIM: %+v, want none", next.Reseller.SimCards.Edges)
		}
		// The change feed from its start has the SIM (its assignment was a
		// change), with the same fields.
		var feed struct {
			Reseller struct {
				SimCardChanges struct {
					Edges []struct {
						Cursor string
						Node   resellerSIM
					}
					PageInfo struct {
						HasNextPage, HasPreviousPage bool
						StartCursor, EndCursor       *string
					}
					Cursor string
				}
			}
		}
		// A change shows once every older transaction of the database
		// server has ended: another test's may hold it back for a moment.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			api.Query(apitest.Request{Query: `{ reseller { simCardChanges { edges { cursor node { ` + resellerSIMFields + ` } }
				pageInfo { hasNextPage hasPreviousPage startCursor endCursor } cursor } } }`, Header: reseller}, &feed)
			if len(feed.Reseller.SimCardChanges.Edges) > 0 || time.Now().After(deadline) {
				break
			}
		}
		f := feed.Reseller.SimCardChanges
		if len(f.Edges) != 1 || f.PageInfo.HasNextPage || f.PageInfo.EndCursor == nil || *f.PageInfo.EndCursor != f.Cursor ||
			f.Edges[0].Cursor != f.Cursor || !reflect.DeepEqual(f.Edges[0].Node, list.ResellerSimCards.SimCards[0]) {
			t.Fatalf("simCardChanges = %+v, want the one SIM as resellerSimCards shows it", f)
		}
		return list.ResellerSimCards.SimCards[0], r.SimCards.Edges[0].Node
	}

	byList, byPage := read()
	if !reflect.DeepEqual(byList, byPage) {
		t.Errorf("the two roots disagree: %+v and %+v", byList, byPage)
	}
	if byList.Status != "ACTIVE" || byList.MSISDN == nil || *byList.MSISDN != "+77010000001" || byList.Balance.Amount != "10.00" ||
		byList.Balance.CurrencyCode != "USD" || byList.LastUsageAt == nil || !byList.LastUsageAt.Equal(lastUse) ||
		byList.BalanceAsOf.IsZero() || byList.ProjectedRunOutAt != nil {
		t.Errorf("while the customer uses it the reseller sees %+v, want ACTIVE, its number, 10.00 USD, last used %s", byList, lastUse)
	}

	// The customer takes the SIM out of the account.
	var sim struct {
		Me struct{ SimCard struct{ ID string } }
	}
	api.Query(apitest.Request{Query: `query($i: ICCID!) { me { simCard(iccid: $i) { id } } }`, Variables: map[string]any{"i": sold}, Token: a.token}, &sim)
	var removed struct {
		SimCardRemove struct{ UserErrors []struct{ Message string } }
	}
	api.Query(apitest.Request{Query: `mutation($id: ID!) { simCardRemove(id: $id) { userErrors { message } } }`, Variables: map[string]any{"id": sim.Me.SimCard.ID}, Token: a.token}, &removed)
	if len(removed.SimCardRemove.UserErrors) > 0 {
		t.Fatalf("simCardRemove: %+v", removed.SimCardRemove.UserErrors)
	}

	byList, byPage = read()
	if !reflect.DeepEqual(byList, byPage) {
		t.Errorf("after the removal the two roots disagree: %+v and %+v", byList, byPage)
	}
	if byList.LastUsageAt != nil || byList.Balance.Amount != "10.00" || byList.Status != "ACTIVE" {
		t.Errorf("after the customer removed it the reseller sees %+v, want its state and balance but no last usage", byList)
	}
}

// With a reseller key, node and nodes answer null for every customer
// object, its own SIMs' included: the SIM card, its sessions, the
// customer, their orders and addresses.
func TestResellerNodeAnswersNothing(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	resellerID, key := api.Reseller("Node Prober", 1000, 1000, 0)
	a := newAccount(t, api, "prober-target@x.example", 1, 1, 1)
	api.MustExec(`UPDATE sim_cards SET reseller_id = $1 WHERE iccid = $2`, resellerID, a.iccids[0])
	var own struct {
		Me struct {
			ID        string
			Addresses []struct{ ID string }
			Orders    struct {
				Edges []struct{ Node struct{ ID string } }
			}
			SimCards []struct {
				ID            string
				UsageSessions struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
		}
	}
	api.Query(apitest.Request{Query: `{ me { id addresses { id } orders(first: 1) { edges { node { id } } }
		simCards { id usageSessions(first: 1) { edges { node { id } } } } } }`, Token: a.token}, &own)
	me := own.Me
	ids := []string{me.ID, me.Addresses[0].ID, me.Orders.Edges[0].Node.ID, me.SimCards[0].ID, me.SimCards[0].UsageSessions.Edges[0].Node.ID}

	for _, id := range ids {
		res := api.Do(apitest.Request{Query: `query($id: ID!) { node(id: $id) { id __typename } }`, Variables: map[string]any{"id": id}, Header: map[string]string{"X-API-Key": key}})
		if len(res.Errors) > 0 || string(res.Data) != `{"node":null}` {
			t.Errorf("node(%s) with a reseller key answered %s %+v, want null", id, res.Data, res.Errors)
		}
	}
	res := api.Do(apitest.Request{Query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, Variables: map[string]any{"ids": ids}, Header: map[string]string{"X-API-Key": key}})
	want, _ := json.Marshal(map[string]any{"nodes": make([]any, len(ids))})
	if len(res.Errors) > 0 || string(res.Data) != string(want) {
		t.Errorf("nodes with a reseller key answered %s %+v, want %s", res.Data, res.Errors, want)
	}
	// The customer, for comparison, reads them all.
	res = api.Do(apitest.Request{Query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, Variables: map[string]any{"ids": ids}, Token: a.token})
	if strings.Contains(string(res.Data), "null") || len(res.Errors) > 0 {
		t.Errorf("the owner's nodes answered %s %+v, want every object", res.Data, res.Errors)
	}
}
