package journey

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
)

// A frontend keeps a normalized cache (Apollo, urql graphcache, Relay) and
// updates it from each answer, with no refetch. This walks what such a
// client sees, through public HTTP only.

// bookAnswer is a mutation's answer with the customer's address book.
type bookAnswer struct {
	Address         *struct{ ID string }
	PreviousDefault *struct {
		ID        string
		IsDefault bool
	}
	DeletedID *string
	User      *struct {
		DefaultAddress *struct{ ID string }
		Addresses      []struct {
			ID, City, Line2 string
			Phone           *string
			IsDefault       bool
		}
	}
	UserErrors []userError
}

const bookFields = `user { defaultAddress { id } addresses { id city line2 phone isDefault } } userErrors { field message code }`

func (b bookAnswer) defaults(t *testing.T, what string) []string {
	t.Helper()
	if b.User == nil {
		t.Fatalf("%s answered no user to update the cache from: %+v", what, b.UserErrors)
	}
	var ids []string
	for _, a := range b.User.Addresses {
		if a.IsDefault {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

func (c *customer) book(doc string, vars map[string]any, field string) bookAnswer {
	c.shop.t.Helper()
	var out map[string]bookAnswer
	c.query(doc, vars, &out)
	noUserErrors(c.shop.t, field, out[field].UserErrors)
	return out[field]
}

// My addresses as a cache sees it: every answer carries the book as it now
// is, so the screen shows exactly one default after each change, and an
// edit of one field keeps the others.
func TestFrontendAddressBookFromAnswersAlone(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	aru := s.signUp("aru@journey.example", "a long new passphrase", "Aru B")

	const create = `mutation($in: AddressInput!) { addressCreate(input: $in) { address { id } ` + bookFields + ` } }`
	home := aru.book(create, map[string]any{"in": map[string]any{"recipientName": "Aru B", "line1": "Abay Avenue 10", "line2": "Apt 5",
		"city": "Almaty", "postalCode": "050000", "countryCode": "KZ", "phone": "+7 701 123 45 67"}}, "addressCreate")
	if d := home.defaults(t, "the first addressCreate"); !slices.Equal(d, []string{home.Address.ID}) {
		t.Fatalf("after the first address the answer shows defaults %v, want it alone", d)
	}
	work := aru.book(create, map[string]any{"in": berlin}, "addressCreate")
	if d := work.defaults(t, "addressCreate"); len(work.User.Addresses) != 2 || !slices.Equal(d, []string{home.Address.ID}) {
		t.Fatalf("after the second address: %d addresses, defaults %v; want 2, the first", len(work.User.Addresses), d)
	}

	// Set the work address as the default: the answer names the old one too.
	moved := aru.book(`mutation($id: ID!) { addressSetDefault(id: $id) { address { id isDefault } previousDefault { id isDefault } `+bookFields+` } }`,
		map[string]any{"id": work.Address.ID}, "addressSetDefault")
	if d := moved.defaults(t, "addressSetDefault"); !slices.Equal(d, []string{work.Address.ID}) || moved.User.DefaultAddress.ID != work.Address.ID {
		t.Errorf("after setting the default the answer shows defaults %v, want exactly the work address", d)
	}
	if p := moved.PreviousDefault; p == nil || p.ID != home.Address.ID || p.IsDefault {
		t.Errorf("previousDefault = %+v, want the home address, no longer default", p)
	}

	// Change the city of home only: line 2 and the phone stay.
	fixed := aru.book(`mutation($in: AddressUpdateInput!) { addressUpdate(input: $in) { address { id } `+bookFields+` } }`,
		map[string]any{"in": map[string]any{"id": home.Address.ID, "city": "Almaty, Medeu"}}, "addressUpdate")
	for _, a := range fixed.User.Addresses {
		if a.ID == home.Address.ID && (a.City != "Almaty, Medeu" || a.Line2 != "Apt 5" || a.Phone == nil || *a.Phone != "+77011234567") {
			t.Errorf("editing the city erased other fields: %+v", a)
		}
	}

	// Delete the default: the answer shows home promoted.
	gone := aru.book(`mutation($id: ID!) { addressDelete(id: $id) { deletedId `+bookFields+` } }`,
		map[string]any{"id": work.Address.ID}, "addressDelete")
	if d := gone.defaults(t, "addressDelete"); len(gone.User.Addresses) != 1 || !slices.Equal(d, []string{home.Address.ID}) {
		t.Errorf("after deleting the default: %+v, want home alone, the default", gone.User.Addresses)
	}
	// The cache's picture is the server's.
	var mine []string
	for _, a := range aru.myAddresses() {
		mine = append(mine, fmt.Sprint(a.ID, a.IsDefault))
	}
	if want := []string{fmt.Sprint(home.Address.ID, true)}; !slices.Equal(mine, want) {
		t.Errorf("My addresses read anew: %v, want %v", mine, want)
	}
}

// The dashboard and My history share one cache: the dashboard reads the
// newest sessions from their own field, and My history pages the
// connection both ways as Relay does, each count at its default when it is
// not the one paging.
func TestFrontendDashboardBesideHistory(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	demo := s.demoCustomer()
	now := time.Now().UTC()
	var dash struct {
		Me struct {
			SimCards []struct {
				ICCID               string
				RecentUsageSessions []struct{ ID string }
			}
		}
	}
	demo.query(documents.Get("dashboard.graphql"), map[string]any{"from": now.AddDate(0, 0, -30).Format(time.RFC3339), "to": now.Format(time.RFC3339)}, &dash)
	type page struct {
		Edges    []struct{ Node struct{ ID string } }
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
	}
	const history = `query History($iccid: ICCID!, $first: Int, $after: String, $last: Int, $before: String) {
		me { simCard(iccid: $iccid) { usageSessions(first: $first, after: $after, last: $last, before: $before) {
			edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`
	walked := 0
	for _, sim := range dash.Me.SimCards {
		fetch := func(vars map[string]any) page {
			t.Helper()
			vars["iccid"] = sim.ICCID
			var out struct {
				Me struct{ SimCard struct{ UsageSessions page } }
			}
			demo.query(history, vars, &out)
			return out.Me.SimCard.UsageSessions
		}
		ids := func(p page) []string {
			var out []string
			for _, e := range p.Edges {
				out = append(out, e.Node.ID)
			}
			return out
		}
		p := fetch(map[string]any{"first": 3, "last": nil})
		var recent []string
		for _, r := range sim.RecentUsageSessions {
			recent = append(recent, r.ID)
		}
		if !slices.Equal(recent, ids(p)) {
			t.Errorf("SIM %s: the dashboard's newest sessions %v, My history's first page %v", sim.ICCID, recent, ids(p))
		}
		if !p.PageInfo.HasNextPage {
			continue
		}
		walked++
		// loadNext (the backward count at a default of 10), then loadPrevious
		// (the forward count at its default of 3) lands on the first page again.
		next := fetch(map[string]any{"first": 3, "after": *p.PageInfo.EndCursor, "last": 10, "before": nil})
		back := fetch(map[string]any{"first": 3, "after": nil, "last": 3, "before": *next.PageInfo.StartCursor})
		if len(next.Edges) == 0 || slices.Contains(ids(p), ids(next)[0]) || !slices.Equal(ids(back), ids(p)) || back.PageInfo.HasPreviousPage {
			t.Errorf("SIM %s: first page %v, next %v, back %v (has previous: %v); want back on the first page",
				sim.ICCID, ids(p), ids(next), ids(back), back.PageInfo.HasPreviousPage)
		}
	}
	if walked == 0 {
		t.Fatal("the demo customer has no SIM with more than one page of history to walk")
	}
}

// A browser frontend on the configured origin with Apollo's and tracing
// headers passes the preflight, and a mistake in its document is shown to
// it (200 with the message), not hidden behind a status code.
func TestFrontendBrowserSeesErrors(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	origin := s.api.Cfg.CORSOrigins[0]
	status, h, _ := s.api.Raw(http.MethodOptions, "/graphql", map[string]string{
		"Origin": origin, "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "apollographql-client-name,apollographql-client-version,authorization,content-type,traceparent",
	}, "")
	if status >= 300 || h.Get("Access-Control-Allow-Origin") != origin {
		t.Errorf("preflight from %s with Apollo's headers: %d, Allow-Origin %q", origin, status, h.Get("Access-Control-Allow-Origin"))
	}
	res := s.api.Do(apitest.Request{Query: `{ me { emial } }`, Header: map[string]string{"Accept": "*/*", "Origin": origin}})
	if res.Status != http.StatusOK || len(res.Errors) == 0 || res.Errors[0].Message == "" || res.Data != nil {
		t.Errorf("a misspelt field answered %d %+v data %s; want 200 with the message and no data", res.Status, res.Errors, res.Data)
	}
}
