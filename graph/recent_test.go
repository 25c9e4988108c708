package graph_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
)

// recentUsageSessions answers a SIM's newest sessions since it joined the
// account, at most 20, with as many statements for 50 SIMs as for one.
func TestRecentUsageSessions(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	one := newAccount(t, api, "recent-one@x.example", 1, 0, 0)
	many := newAccount(t, api, "recent-many@x.example", 50, 0, 0)
	type sims struct {
		Me struct {
			SimCards []struct {
				Recent  []struct{ ID, NetworkName string }
				Two     []struct{ ID string }
				History struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
		}
	}
	const query = `{ me { simCards { recent: recentUsageSessions { id networkName } two: recentUsageSessions(limit: 2) { id }
		history: usageSessions(first: 5) { edges { node { id } } } } } }`
	run := func(a account) (sims, int) {
		t.Helper()
		res := api.Do(apitest.Request{Query: query, Token: a.token})
		if len(res.Errors) > 0 {
			t.Fatalf("errors %+v", res.Errors)
		}
		var d sims
		api.Decode(res, &d)
		n, err := strconv.Atoi(res.Header.Get("X-SQL-Statements"))
		if err != nil {
			t.Fatal(err)
		}
		return d, n
	}
	d1, n1 := run(one)
	d50, n50 := run(many)
	if n1 != n50 {
		t.Errorf("statements: %d for 1 SIM, %d for 50; want the same", n1, n50)
	}
	for _, d := range []sims{d1, d50} {
		for i, s := range d.Me.SimCards {
			var history []string
			for _, e := range s.History.Edges {
				history = append(history, e.Node.ID)
			}
			var recent, two []string
			for _, r := range s.Recent {
				recent = append(recent, r.ID)
				if r.NetworkName == "Secret" {
					t.Errorf("SIM %d shows a session from before its owner had it", i)
				}
			}
			for _, r := range s.Two {
				two = append(two, r.ID)
			}
			// 5 sessions since the SIM joined, newest first: the default is 3.
			if len(history) != 5 || fmt.Sprint(recent) != fmt.Sprint(history[:3]) || fmt.Sprint(two) != fmt.Sprint(history[:2]) {
				t.Fatalf("SIM %d: recent %v, two %v; want the newest 3 and 2 of %v", i, recent, two, history)
			}
		}
	}

	t.Run("a limit out of range is refused", func(t *testing.T) {
		for _, limit := range []string{"-1", "21", "null", "2147483647"} {
			res := api.Do(apitest.Request{Query: `{ me { simCards { recentUsageSessions(limit: ` + limit + `) { id } } } }`, Token: one.token})
			if len(res.Errors) == 0 || res.Errors[0].Code() != "BAD_USER_INPUT" || res.Errors[0].Message == "" {
				t.Errorf("limit %s: errors %+v, want BAD_USER_INPUT", limit, res.Errors)
			}
		}
		res := api.Do(apitest.Request{Query: `{ me { simCards { recentUsageSessions(limit: 99999999999) { id } } } }`, Token: one.token})
		if len(res.Errors) == 0 {
			t.Errorf("a limit beyond Int answered %s", res.Data)
		}
	})

	t.Run("a limit of 0 answers none", func(t *testing.T) {
		var d struct {
			Me struct {
				SimCards []struct{ RecentUsageSessions []struct{ ID string } }
			}
		}
		api.Query(apitest.Request{Query: `{ me { simCards { recentUsageSessions(limit: 0) { id } } } }`, Token: one.token}, &d)
		if got := d.Me.SimCards[0].RecentUsageSessions; got == nil || len(got) != 0 {
			t.Errorf("limit 0 answered %v, want an empty list", got)
		}
	})

	t.Run("another customer's SIM shows nothing", func(t *testing.T) {
		res := api.Do(apitest.Request{Query: `query($iccid: ICCID!) { me { simCard(iccid: $iccid) { recentUsageSessions { id } } } }`,
			Variables: map[string]any{"iccid": many.iccids[0]}, Token: one.token})
		if len(res.Errors) > 0 || string(res.Data) != `{"me":{"simCard":null}}` {
			t.Errorf("foreign SIM answered %s %+v, want simCard null", res.Data, res.Errors)
		}
	})
}
