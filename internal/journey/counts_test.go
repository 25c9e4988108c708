package journey

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
)

// A frontend that asks the dashboard for more newest sessions than the
// field gives, or a history page of a negative size, gets one answer it can
// show: BAD_USER_INPUT at the argument, before anything runs. It used to be
// one error per SIM card and `me: null`, a blank dashboard.
func TestDashboardWithCountOutOfRange(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	now := time.Now().UTC()
	vars := map[string]any{"from": now.AddDate(0, 0, -30).Format(time.RFC3339), "to": now.Format(time.RFC3339)}
	dashboard := documents.Get("dashboard.graphql")
	for _, c := range []struct {
		from, to, path, value string
	}{
		{"recentUsageSessions(limit: 3)", "recentUsageSessions(limit: 50)", "me simCards recentUsageSessions limit", "50"},
		{"recentUsageSessions(limit: 3)", "usageSessions(first: -1) { totalCount } recentUsageSessions(limit: 3)", "me simCards usageSessions first", "-1"},
		{"orders(first: 5)", "orders(first: 500)", "me orders first", "500"},
		{"orders(first: 5)", "orders(last: -3)", "me orders last", "-3"},
	} {
		doc := strings.Replace(dashboard, c.from, c.to, 1)
		if doc == dashboard {
			t.Fatalf("the dashboard no longer asks %s", c.from)
		}
		res := demo.do(doc, vars)
		if len(res.Errors) != 1 {
			t.Errorf("%s: %d errors %+v, want one", c.to, len(res.Errors), res.Errors)
			continue
		}
		e := res.Errors[0]
		if e.Code() != "BAD_USER_INPUT" || fmt.Sprint(e.Path) != "["+c.path+"]" || !strings.Contains(e.Message, c.value) {
			t.Errorf("%s: %q code %s at %v, want BAD_USER_INPUT at [%s] naming %s", c.to, e.Message, e.Code(), e.Path, c.path, c.value)
		}
		if string(res.Data) != "" && string(res.Data) != "null" {
			t.Errorf("%s: data %s, want nothing run", c.to, res.Data)
		}
	}
	// In range, the same dashboard answers in full.
	var dash struct{ Me *struct{ Email string } }
	demo.query(strings.Replace(dashboard, "recentUsageSessions(limit: 3)", "recentUsageSessions(limit: 20)", 1), vars, &dash)
	if dash.Me == nil || dash.Me.Email == "" {
		t.Errorf("the dashboard with limit 20 answered %+v", dash.Me)
	}
}

// A range picked backwards (or empty) is refused the same way, once, at
// the argument: not an error per SIM card and a blank dashboard.
func TestDashboardWithRangeBackwards(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	for _, r := range [][2]string{
		{"2026-12-01T00:00:00Z", "2026-11-01T00:00:00Z"},
		{"2026-11-01T06:00:00+06:00", "2026-11-01T00:00:00Z"}, // the same instant
	} {
		res := demo.do(documents.Get("dashboard.graphql"), map[string]any{"from": r[0], "to": r[1]})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" ||
			fmt.Sprint(res.Errors[0].Path) != "[me simCards usage from]" || !strings.Contains(res.Errors[0].Message, "before") {
			t.Errorf("dashboard from %s to %s: %+v, want one BAD_USER_INPUT at [me simCards usage from]", r[0], r[1], res.Errors)
		}
		if string(res.Data) != "" && string(res.Data) != "null" {
			t.Errorf("data %s, want nothing run", res.Data)
		}
	}
	// My history with one end only is a range too, and runs.
	var h struct {
		Me struct{ SimCards []struct{ ICCID string } }
	}
	demo.query(`{ me { simCards { iccid usageSessions(from: "2026-11-01T00:00:00Z", first: 1) { totalCount } } } }`, nil, &h)
	if len(h.Me.SimCards) == 0 {
		t.Errorf("My history from a day on shows no SIM cards")
	}
}

// A garbled cursor (a bookmark cut short, a cursor of another API) answers
// once at the argument too, and a cursor this API gave out still pages.
func TestHistoryWithGarbledCursor(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	for _, arg := range []string{"after", "before"} {
		res := demo.do(`query($c: String) { me { email simCards { usageSessions(`+arg+`: $c, first: 2) { totalCount } } } }`,
			map[string]any{"c": "garbled!"})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" ||
			fmt.Sprint(res.Errors[0].Path) != "[me simCards usageSessions "+arg+"]" || !strings.Contains(res.Errors[0].Message, "garbled!") {
			t.Errorf("%s a garbled cursor: %+v, want one BAD_USER_INPUT at its argument", arg, res.Errors)
		}
		if string(res.Data) != "" && string(res.Data) != "null" {
			t.Errorf("%s a garbled cursor: data %s, want nothing run", arg, res.Data)
		}
	}
	var first struct {
		Me struct {
			Orders struct{ PageInfo struct{ EndCursor string } }
		}
	}
	demo.query(`{ me { orders(first: 1) { pageInfo { endCursor } } } }`, nil, &first)
	var next struct {
		Me struct {
			Orders struct {
				Edges []struct{ Node struct{ Number string } }
			}
		}
	}
	demo.query(`query($c: String) { me { orders(first: 1, after: $c) { edges { node { number } } } } }`,
		map[string]any{"c": first.Me.Orders.PageInfo.EndCursor}, &next)
	if len(next.Me.Orders.Edges) != 1 {
		t.Errorf("the second page of My orders: %+v", next.Me.Orders.Edges)
	}
}
