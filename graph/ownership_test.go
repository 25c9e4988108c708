package graph_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/relay"
)

// ids collects the global IDs of everything an account's dashboard shows.
func ids(t *testing.T, api *apitest.API, a account) map[string]string {
	t.Helper()
	var d struct {
		Me struct {
			Addresses []struct{ ID string }
			SimCards  []struct {
				ID            string
				UsageSessions struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
			Orders struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	api.Query(apitest.Request{Query: `{ me { addresses { id } simCards { id usageSessions(first: 1) { edges { node { id } } } } orders(first: 1) { edges { node { id } } } } }`, Token: a.token}, &d)
	return map[string]string{
		"Address":      d.Me.Addresses[0].ID,
		"SimCard":      d.Me.SimCards[0].ID,
		"UsageSession": d.Me.SimCards[0].UsageSessions.Edges[0].Node.ID,
		"Order":        d.Me.Orders.Edges[0].Node.ID,
	}
}

func TestAnotherCustomersDataAnswersLikeMissing(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	alice := newAccount(t, api, "alice@x.example", 1, 1, 1)
	bob := newAccount(t, api, "bob@x.example", 1, 1, 1)
	aliceIDs, bobIDs := ids(t, api, alice), ids(t, api, bob)

	for typ, bobID := range bobIDs {
		t.Run(typ, func(t *testing.T) {
			// Alice sees her own …
			var own struct{ Node *struct{ ID string } }
			api.Query(apitest.Request{Query: `query($id: ID!) { node(id: $id) { id } }`, Variables: map[string]any{"id": aliceIDs[typ]}, Token: alice.token}, &own)
			if own.Node == nil || own.Node.ID != aliceIDs[typ] {
				t.Fatalf("alice's own %s = %+v", typ, own.Node)
			}
			// … and Bob's answers exactly like an ID that names nothing.
			missing := api.Do(apitest.Request{Query: `query($id: ID!) { node(id: $id) { id } }`, Variables: map[string]any{"id": garble(t, bobID)}, Token: alice.token})
			foreign := api.Do(apitest.Request{Query: `query($id: ID!) { node(id: $id) { id } }`, Variables: map[string]any{"id": bobID}, Token: alice.token})
			if string(foreign.Data) != `{"node":null}` || len(foreign.Errors) != 0 || string(missing.Data) != string(foreign.Data) {
				t.Errorf("bob's %s for alice = %s %v; a missing one = %s %v; want both null, no errors", typ, foreign.Data, foreign.Errors, missing.Data, missing.Errors)
			}
			var many struct{ Nodes []*struct{ ID string } }
			api.Query(apitest.Request{Query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, Variables: map[string]any{"ids": []string{aliceIDs[typ], bobID}}, Token: alice.token}, &many)
			if len(many.Nodes) != 2 || many.Nodes[0] == nil || many.Nodes[1] != nil {
				t.Errorf("nodes([alice's, bob's]) = %+v, want [alice's, null]", many.Nodes)
			}
		})
	}

	t.Run("simCard and order by their printed identifiers", func(t *testing.T) {
		var got struct {
			Me struct {
				Mine, Theirs        *struct{ ICCID string }
				MyOrder, TheirOrder *struct{ Number string }
			}
		}
		api.Query(apitest.Request{
			Query: `query($mine: ICCID!, $theirs: ICCID!, $myOrder: String!, $theirOrder: String!) { me {
				mine: simCard(iccid: $mine) { iccid } theirs: simCard(iccid: $theirs) { iccid }
				myOrder: order(number: $myOrder) { number } theirOrder: order(number: $theirOrder) { number } } }`,
			Variables: map[string]any{"mine": alice.iccids[0], "theirs": bob.iccids[0], "myOrder": alice.orders[0], "theirOrder": bob.orders[0]},
			Token:     alice.token,
		}, &got)
		if got.Me.Mine == nil || got.Me.Theirs != nil || got.Me.MyOrder == nil || got.Me.TheirOrder != nil {
			t.Errorf("alice looking up her and bob's SIM and order got %+v, want hers only", got.Me)
		}
	})

	t.Run("anonymous callers see nothing", func(t *testing.T) {
		res := api.Do(apitest.Request{Query: `query($id: ID!) { node(id: $id) { id } }`, Variables: map[string]any{"id": aliceIDs["SimCard"]}})
		if string(res.Data) != `{"node":null}` {
			t.Errorf("anonymous node = %s, want null", res.Data)
		}
	})
}

// garble makes an ID of the same type that names nothing.
func garble(t *testing.T, id string) string {
	t.Helper()
	typ, _, err := relay.ParseGlobalID(id)
	if err != nil {
		t.Fatal(err)
	}
	switch typ {
	case "SimCard":
		return relay.GlobalID(typ, "8999709999999999991")
	case "UsageSession":
		return relay.GlobalID(typ, "2020-01-01T00:00:00Z|999999999")
	}
	return relay.GlobalID(typ, "999999999")
}

func TestUsageArguments(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "ranges@x.example", 1, 0, 0)
	q := `query($iccid: ICCID!, $from: DateTime!, $to: DateTime!) { me { simCard(iccid: $iccid) { usage(from: $from, to: $to) { sessionCount } } } }`
	now := time.Now().UTC()
	for name, vars := range map[string]map[string]any{
		"inverted": {"from": now.Format(time.RFC3339), "to": now.AddDate(0, 0, -1).Format(time.RFC3339)},
		"empty":    {"from": now.Format(time.RFC3339), "to": now.Format(time.RFC3339)},
	} {
		vars["iccid"] = a.iccids[0]
		res := api.Do(apitest.Request{Query: q, Variables: vars, Token: a.token})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" {
			t.Errorf("%s range answered %+v, want one BAD_USER_INPUT", name, res.Errors)
		}
	}
	res := api.Do(apitest.Request{Query: q, Variables: map[string]any{"iccid": "8999702000000000001", "from": "x", "to": "y"}, Token: a.token})
	if len(res.Errors) == 0 {
		t.Error("a mistyped ICCID and malformed dates were accepted")
	}
}

func TestHistoryPaginatesBothWays(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "pages@x.example", 1, 7, 0)
	q := `query($iccid: ICCID!, $first: Int, $after: String, $last: Int, $before: String) { me { simCard(iccid: $iccid) {
		usageSessions(first: $first, after: $after, last: $last, before: $before) {
			totalCount edges { cursor node { id startedAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`
	type page struct {
		Me struct {
			SimCard struct {
				UsageSessions struct {
					TotalCount int
					Edges      []struct {
						Node struct{ ID, StartedAt string }
					}
					PageInfo struct {
						HasNextPage, HasPreviousPage bool
						StartCursor, EndCursor       string
					}
				}
			}
		}
	}
	get := func(vars map[string]any) page {
		vars["iccid"] = a.iccids[0]
		var p page
		api.Query(apitest.Request{Query: q, Variables: vars, Token: a.token}, &p)
		return p
	}
	var forward []string
	vars := map[string]any{"first": 2}
	for {
		p := get(vars).Me.SimCard.UsageSessions
		if p.TotalCount != 5 {
			t.Fatalf("totalCount = %d, want 5 (the session before ownership is not counted)", p.TotalCount)
		}
		for _, e := range p.Edges {
			forward = append(forward, e.Node.StartedAt)
		}
		if !p.PageInfo.HasNextPage {
			break
		}
		vars = map[string]any{"first": 2, "after": p.PageInfo.EndCursor}
	}
	if len(forward) != 5 || forward[0] < forward[4] {
		t.Fatalf("forward pages = %v, want 5 sessions newest first", forward)
	}
	var backward []string
	vars = map[string]any{"last": 2}
	for {
		p := get(vars).Me.SimCard.UsageSessions
		var chunk []string
		for _, e := range p.Edges {
			chunk = append(chunk, e.Node.StartedAt)
		}
		backward = append(chunk, backward...)
		if !p.PageInfo.HasPreviousPage {
			break
		}
		vars = map[string]any{"last": 2, "before": p.PageInfo.StartCursor}
	}
	if fmt.Sprint(backward) != fmt.Sprint(forward) {
		t.Errorf("backward pages = %v, want the same order as forward %v", backward, forward)
	}

	t.Run("orders too", func(t *testing.T) {
		oq := `query($after: String) { me { orders(first: 3, after: $after) { totalCount edges { node { number } } pageInfo { hasNextPage endCursor } } } }`
		var numbers []string
		var after any
		for {
			var p struct {
				Me struct {
					Orders struct {
						TotalCount int
						Edges      []struct{ Node struct{ Number string } }
						PageInfo   struct {
							HasNextPage bool
							EndCursor   string
						}
					}
				}
			}
			api.Query(apitest.Request{Query: oq, Variables: map[string]any{"after": after}, Token: a.token}, &p)
			for _, e := range p.Me.Orders.Edges {
				numbers = append(numbers, e.Node.Number)
			}
			if !p.Me.Orders.PageInfo.HasNextPage {
				break
			}
			after = p.Me.Orders.PageInfo.EndCursor
		}
		if fmt.Sprint(numbers) != fmt.Sprint(a.orders) {
			t.Errorf("orders paged %v, want %v (newest first)", numbers, a.orders)
		}
	})
}
