package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// feedPage is one page of Reseller.simCardChanges as a partner reads it.
type feedPage struct {
	Edges []struct {
		Cursor string
		Node   struct {
			ICCID, Status string
			Balance       struct{ Amount string }
		}
	}
	PageInfo struct{ HasNextPage bool }
	Cursor   string
}

// seen lists the page's SIMs with their balance, as "iccid=amount".
func (p feedPage) seen() []string {
	var out []string
	for _, e := range p.Edges {
		out = append(out, e.Node.ICCID+"="+e.Node.Balance.Amount)
	}
	return out
}

const feedDoc = `query($after: String, $first: Int) { reseller { simCardChanges(after: $after, first: $first) {
	edges { cursor node { iccid status balance { amount } } } pageInfo { hasNextPage } cursor } } }`

func readFeed(t *testing.T, api *apitest.API, key string, after string, first int) (feedPage, apitest.Response) {
	t.Helper()
	vars := map[string]any{"first": first}
	if after != "" {
		vars["after"] = after
	}
	res := api.Do(apitest.Request{Query: feedDoc, Variables: vars, Header: map[string]string{"X-API-Key": key}})
	if len(res.Errors) > 0 {
		t.Fatalf("simCardChanges: %+v", res.Errors)
	}
	var out struct {
		Reseller struct{ SimCardChanges feedPage }
	}
	decode(t, res.Data, &out)
	return out.Reseller.SimCardChanges, res
}

// The change feed, pages read between changes: each page holds the SIMs
// changed since the cursor, oldest change first, each once with its state
// now; a transaction that commits after a younger one cannot slip in behind
// a cursor already handed out; a restarted server resumes from a cursor
// exactly; and a page is one statement.
func TestResellerChangeFeedInterleaved(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	resellerID, key := api.Reseller("Feed Partner", 1000, 1000, 0)
	_, otherKey := api.Reseller("Other Partner", 1000, 1000, 0)
	sims := make([]string, 3)
	for i := range sims {
		sims[i] = iccid.WithCheckDigit(fmt.Sprintf("8999703000000%05d", i))
		api.MustExec(`INSERT INTO sim_cards (iccid, status) VALUES ($1, 'ACTIVE')`, sims[i])
	}
	a, b, c := sims[0], sims[1], sims[2]
	// Assigned in one statement: one transaction, in ICCID order.
	api.MustExec(`UPDATE sim_cards SET reseller_id = $1 WHERE iccid = ANY($2)`, resellerID, "{"+a+","+b+","+c+"}")
	st := store.New(api.DB)
	l := ledger.New(st, ledger.Options{})
	credit := func(tx *sqlx.Tx, sim, amount string) {
		t.Helper()
		p := ledger.Posting{ICCID: sim, Amount: mustMoney(t, amount), Kind: store.EntryAdjustment, Reference: "test", Key: "feed:" + sim + ":" + amount}
		var err error
		if tx != nil {
			_, err = l.CreditTx(context.Background(), tx, p)
		} else {
			_, err = l.Credit(context.Background(), p)
		}
		if err != nil {
			t.Fatalf("credit %s %s: %v", sim, amount, err)
		}
	}
	// want polls the page after cursor until it holds what a partner
	// should see: another database's transaction on the shared test
	// cluster may hold the feed back for a moment, never reorder it.
	want := func(after string, first int, want ...string) feedPage {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			page, _ := readFeed(t, api, key, after, first)
			if fmt.Sprint(page.seen()) == fmt.Sprint(want) || time.Now().After(deadline) {
				if got := page.seen(); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("page after %q = %v, want %v", after, got, want)
				}
				return page
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	p1 := want("", 2, a+"=0.00", b+"=0.00")
	if !p1.PageInfo.HasNextPage || p1.Cursor != p1.Edges[1].Cursor {
		t.Errorf("first page: hasNextPage %v, cursor %q; want more, and the last edge's cursor", p1.PageInfo.HasNextPage, p1.Cursor)
	}
	credit(nil, a, "1.00")
	credit(nil, a, "2.00") // twice since the cursor: once, with its state now
	p2 := want(p1.Cursor, 2, c+"=0.00", a+"=3.00")
	p3 := want(p2.Cursor, 2)
	if p3.Cursor != p2.Cursor || p3.PageInfo.HasNextPage {
		t.Errorf("an empty page's cursor = %q, want the one sent, %q", p3.Cursor, p2.Cursor)
	}

	// B's transaction starts (and gets its id) first but commits last.
	slow, err := api.DB.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback()
	credit(slow, b, "5.00")
	credit(nil, c, "7.00")
	if page, _ := readFeed(t, api, key, p2.Cursor, 10); len(page.Edges) != 0 || page.Cursor != p2.Cursor {
		t.Fatalf("while an older transaction is open, the page = %v (cursor %q), want nothing yet: a cursor past C would skip B", page.seen(), page.Cursor)
	}
	if err := slow.Commit(); err != nil {
		t.Fatal(err)
	}
	p4 := want(p2.Cursor, 10, b+"=5.00", c+"=7.00")

	// Another server (a restart, a replica) resumes from a cursor exactly.
	replica := api.Replica()
	if page, _ := readFeed(t, replica, key, p2.Cursor, 1); fmt.Sprint(page.seen()) != fmt.Sprint([]string{b + "=5.00"}) || page.Cursor != p4.Edges[0].Cursor {
		t.Errorf("the replica's page after the same cursor = %v %q, want %v %q", page.seen(), page.Cursor, []string{b + "=5.00"}, p4.Edges[0].Cursor)
	}
	if page, _ := readFeed(t, replica, key, p4.Cursor, 10); len(page.Edges) != 0 {
		t.Errorf("after the last change: %v, want nothing", page.seen())
	}

	// One statement per page, whatever its size (the rest is the key check).
	_, one := readFeed(t, api, key, "", 1)
	_, all := readFeed(t, api, key, "", 100)
	n1, _ := strconv.Atoi(one.Header.Get("X-SQL-Statements"))
	n100, _ := strconv.Atoi(all.Header.Get("X-SQL-Statements"))
	var name struct{ Reseller struct{ Name string } }
	bare := api.Do(apitest.Request{Query: `{ reseller { name } }`, Header: map[string]string{"X-API-Key": key}})
	decode(t, bare.Data, &name)
	nBare, _ := strconv.Atoi(bare.Header.Get("X-SQL-Statements"))
	if n1 != nBare+1 || n100 != n1 {
		t.Errorf("statements: %d for a page of 1, %d for a page of 100, %d without the feed; want one more than without", n1, n100, nBare)
	}

	// Another partner's feed has none of these SIMs.
	if page, _ := readFeed(t, api, otherKey, "", 100); len(page.Edges) != 0 {
		t.Errorf("another reseller's feed: %v, want nothing", page.seen())
	}
}

// A garbled cursor or page size is the client's to fix: a coded error,
// never INTERNAL.
func TestResellerChangeFeedBadArguments(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, key := api.Reseller("Feed Prober", 1000, 1000, 0)
	for name, vars := range map[string]map[string]any{
		"garbage cursor":            {"after": "not-a-cursor"},
		"another connection's":      {"after": store.ResellerSIMCursor(store.ResellerSIM{ICCID: "8999703000000000017"})},
		"a cursor with a wrong xid": {"after": `WyJ4IiwiIl0`},
		"too many":                  {"first": 101},
		"negative":                  {"first": -1},
	} {
		t.Run(name, func(t *testing.T) {
			res := api.Do(apitest.Request{Query: feedDoc, Variables: vars, Header: map[string]string{"X-API-Key": key}})
			if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" {
				t.Errorf("errors %+v, want one BAD_USER_INPUT", res.Errors)
			}
		})
	}
	customer := func() string { _, tok := api.Customer("feed-customer@x.example"); return tok }()
	if res := api.Do(apitest.Request{Query: feedDoc, Token: customer}); len(res.Errors) != 1 || res.Errors[0].Code() != "FORBIDDEN" {
		t.Errorf("a customer's token: %+v, want FORBIDDEN", res.Errors)
	}
}

func mustMoney(t *testing.T, amount string) money.Money {
	t.Helper()
	m, err := money.Parse(amount, "USD")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func decode(t *testing.T, data []byte, out any) {
	t.Helper()
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}
