package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/apitest"
)

// simUsageFields is what a list of SIMs shows of their usage, read along
// with the list when simCards asks it, and by the loaders for simCard.
const simUsageFields = `iccid
	usage(from: $from, to: $to) { sessionCount totalBytes cost { amount } byCountry { countryCode totalBytes cost { amount } } }
	older: usage(from: $older, to: $from) { sessionCount byCountry { countryCode } }
	recentUsageSessions(limit: 2) { id startedAt countryCode networkName }
	usageSessions(first: 2) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } }`

type simUsageView struct {
	ICCID string
	Usage struct {
		SessionCount int
		TotalBytes   json.Number
		Cost         struct{ Amount string }
		ByCountry    []struct {
			CountryCode string
			TotalBytes  json.Number
			Cost        struct{ Amount string }
		}
	}
	Older struct {
		SessionCount int
		ByCountry    []struct{ CountryCode string }
	}
	RecentUsageSessions []struct{ ID, StartedAt, CountryCode, NetworkName string }
	UsageSessions       struct {
		TotalCount int
		Edges      []struct{ Node struct{ ID string } }
		PageInfo   struct {
			HasNextPage bool
			EndCursor   string
		}
	}
}

// A list of SIMs reads what it shows of their usage in its own statement:
// each SIM shows what it shows when asked alone (simCard, through the
// loaders), a second range of another alias included, and the list costs
// the same statements for one SIM as for twenty.
func TestSimCardsShowTheirUsageAsEachSIMAlone(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	now := time.Now().UTC()
	vars := map[string]any{
		"from":  now.AddDate(0, 0, -12).Format(time.RFC3339),
		"to":    now.Add(time.Hour).Format(time.RFC3339),
		"older": now.AddDate(0, 0, -90).Format(time.RFC3339),
	}
	const args = `$from: DateTime!, $to: DateTime!, $older: DateTime!`
	list := func(a account) ([]simUsageView, int) {
		t.Helper()
		var d struct {
			Me struct{ SimCards []simUsageView }
		}
		n := countedQuery(t, api, apitest.Request{Query: `query(` + args + `) { me { simCards { ` + simUsageFields + ` } } }`, Variables: vars, Token: a.token}, &d)
		return d.Me.SimCards, n
	}
	one, twenty := newAccount(t, api, "fold-one@x.example", 1, 0, 0), newAccount(t, api, "fold-twenty@x.example", 20, 0, 0)
	_, nOne := list(one)
	sims, nTwenty := list(twenty)
	if nOne != nTwenty {
		t.Errorf("statements: %d for 1 SIM, %d for 20; want the same", nOne, nTwenty)
	}
	if len(sims) != 20 {
		t.Fatalf("%d SIMs listed, want 20", len(sims))
	}
	for i, s := range sims {
		var d struct {
			Me struct{ SimCard simUsageView }
		}
		countedQuery(t, api, apitest.Request{Query: `query(` + args + `, $iccid: ICCID!) { me { simCard(iccid: $iccid) { ` + simUsageFields + ` } } }`,
			Variables: map[string]any{"from": vars["from"], "to": vars["to"], "older": vars["older"], "iccid": s.ICCID}, Token: twenty.token}, &d)
		if got, want := fmt.Sprintf("%+v", s), fmt.Sprintf("%+v", d.Me.SimCard); got != want {
			t.Errorf("SIM %d in the list:\n%s\nalone:\n%s", i, got, want)
		}
	}
	// What the comparison stands on (newAccount: sessions 5, 10, ... 25 days
	// ago, and one from before the customer had the SIM).
	s := sims[0]
	if s.Usage.SessionCount != 2 || len(s.Usage.ByCountry) != 2 || s.Older.SessionCount != 3 || len(s.RecentUsageSessions) != 2 ||
		s.UsageSessions.TotalCount != 5 || len(s.UsageSessions.Edges) != 2 || !s.UsageSessions.PageInfo.HasNextPage {
		t.Errorf("first SIM = %+v; want 2 sessions in range in two countries, 3 older, 2 recent, a first page of 2 of 5", s)
	}
}

// The list reads its SIMs' usage only with the arguments their fields'
// resolvers accept: a bad argument is still answered by the field, with
// its own coded error, and the list shows the rest.
func TestSimCardsUsageRefusesWhatTheFieldsRefuse(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "fold-bad@x.example", 2, 0, 0)
	for _, c := range []struct {
		name, field string
		vars        map[string]any
		want        string // in the message
	}{
		{"not a date", `usage(from: $a, to: $b) { sessionCount }`, map[string]any{"a": "yesterday", "b": "2026-12-01T00:00:00Z"}, "is not a date and time"},
		{"an empty range", `usage(from: $a, to: $b) { sessionCount }`, map[string]any{"a": "2026-12-01T00:00:00Z", "b": "2026-11-01T00:00:00Z"}, "the date range is empty"},
		{"too many recent sessions", `recentUsageSessions(limit: 21) { id }`, nil, "limit must be between 0 and 20"},
		{"a garbled cursor", `usageSessions(first: 2, after: "%%%") { edges { node { id } } }`, nil, "cursor"},
		{"a negative page", `usageSessions(first: -1) { edges { node { id } } }`, nil, "first"},
	} {
		t.Run(c.name, func(t *testing.T) {
			decl := ""
			if c.vars != nil {
				decl = "($a: DateTime!, $b: DateTime!)"
			}
			res := api.Do(apitest.Request{Query: `query` + decl + ` { me { simCards { iccid ` + c.field + ` } } }`, Variables: c.vars, Token: a.token})
			if len(res.Errors) == 0 {
				t.Fatalf("no error; data %s", res.Data)
			}
			for _, e := range res.Errors {
				if e.Code() == "INTERNAL" || e.Code() == "" || !strings.Contains(e.Message, c.want) {
					t.Errorf("error %q (%s), want a coded error saying %q", e.Message, e.Code(), c.want)
				}
			}
		})
	}
}
