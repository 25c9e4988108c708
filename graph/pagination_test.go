package graph_test

import (
	"slices"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
)

// connPage is a connection page as Relay reads it.
type connPage struct {
	Edges []struct {
		Cursor string
		Node   struct{ ID string }
	}
	PageInfo struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
}

func (p connPage) ids() []string {
	var out []string
	for _, e := range p.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

const connFields = `edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`

// Relay's pagination query sends the variables of both directions, each
// count at its fragment's default when not the one paging: loadPrevious
// sends the forward count too, and loadNext a defaulted backward count.
// Both walks through the real handler must see every item once, in order.
func TestRelayPaginatesBothWays(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "relay@x.example", 1, 5, 0)
	const vars = `($iccid: ICCID!, $first: Int, $after: String, $last: Int, $before: String)`
	const args = `(first: $first, after: $after, last: $last, before: $before)`
	tests := []struct {
		name, query string
	}{
		{
			name:  "usage sessions",
			query: `query History` + vars + ` { me { simCard(iccid: $iccid) { conn: usageSessions` + args + ` { ` + connFields + ` } } } }`,
		},
		{
			name:  "orders",
			query: `query Orders` + vars + ` { me { simCard(iccid: $iccid) { id } conn: orders` + args + ` { ` + connFields + ` } } }`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fetch := func(v map[string]any) connPage {
				t.Helper()
				v["iccid"] = a.iccids[0]
				res := api.Do(apitest.Request{Query: tt.query, Variables: v, Token: a.token})
				if len(res.Errors) > 0 {
					t.Fatalf("variables %v: errors %+v", v, res.Errors)
				}
				var d struct {
					Me struct {
						Conn    *connPage
						SimCard struct{ Conn *connPage }
					}
				}
				api.Decode(res, &d)
				if d.Me.Conn != nil {
					return *d.Me.Conn
				}
				return *d.Me.SimCard.Conn
			}
			walkBothWays(t, fetch, 5)
		})
	}
}

// walkBothWays pages forward two at a time through all total items, as
// loadNext does, then back from the last page, as loadPrevious does.
func walkBothWays(t *testing.T, fetch func(vars map[string]any) connPage, total int) {
	t.Helper()
	const pageSize, defaultedOther = 2, 10
	p := fetch(map[string]any{"first": pageSize})
	forward := p.ids()
	for p.PageInfo.HasNextPage && len(forward) <= total {
		p = fetch(map[string]any{"first": pageSize, "after": *p.PageInfo.EndCursor, "last": defaultedOther, "before": nil})
		if !p.PageInfo.HasPreviousPage {
			t.Errorf("a page after a cursor says there is no previous page")
		}
		forward = append(forward, p.ids()...)
	}
	if len(forward) != total || len(unique(forward)) != total {
		t.Fatalf("forward walk saw %v, want %d distinct items", forward, total)
	}
	lastPage := p.ids()

	var backward []string
	for p.PageInfo.HasPreviousPage && len(backward) <= total {
		p = fetch(map[string]any{"first": defaultedOther, "after": nil, "last": pageSize, "before": *p.PageInfo.StartCursor})
		if !p.PageInfo.HasNextPage {
			t.Errorf("a page before a cursor says there is no next page")
		}
		if len(p.Edges) != pageSize {
			t.Errorf("loadPrevious answered %d items, want %d", len(p.Edges), pageSize)
		}
		backward = append(p.ids(), backward...)
	}
	if want := forward[:total-len(lastPage)]; !slices.Equal(backward, want) {
		t.Errorf("backward walk saw %v, want %v", backward, want)
	}
}

func unique(ids []string) []string {
	s := slices.Clone(ids)
	slices.Sort(s)
	return slices.Compact(s)
}

// Both counts without the cursor that says the direction stay refused,
// with a message that says what to send.
func TestBothCountsWithoutDirectionRefused(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "both-counts@x.example", 0, 1, 0)
	res := api.Do(apitest.Request{Query: `{ me { orders(first: 2, last: 2) { edges { cursor } } } }`, Token: a.token})
	if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" {
		t.Fatalf("errors %+v, want one BAD_USER_INPUT", res.Errors)
	}
}
