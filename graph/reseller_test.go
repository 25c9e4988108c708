package graph_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/iccid"
)

type balances struct {
	ResellerSimCards struct {
		SimCards []struct {
			ICCID   string
			Balance struct{ Amount string }
		}
		NotFound []string
	}
}

func TestResellerBalances(t *testing.T) {
	t.Parallel()
	api := apitest.New(t, withSQLCount)
	aID, aKey := api.Reseller("Alpha", 1000, 1000, 0)
	bID, bKey := api.Reseller("Beta", 1000, 1000, 0)
	sim := func(n int, reseller int64) string {
		id := iccid.WithCheckDigit(fmt.Sprintf("899970300000%06d", n))
		api.MustExec(`INSERT INTO sim_cards (iccid, status, reseller_id, balance) VALUES ($1, 'IN_STOCK', $2, $3)`, id, reseller, 100*n)
		return id
	}
	var alpha []string
	for n := range 600 {
		alpha = append(alpha, sim(n+1, aID))
	}
	beta := sim(1000, bID)
	missing := iccid.WithCheckDigit("899970300000999999")

	ask := func(key string, iccids []string) (balances, apitest.Response) {
		t.Helper()
		res := api.Do(apitest.Request{Query: documents.Get("reseller-balances.graphql"), Variables: map[string]any{"iccids": iccids}, Header: map[string]string{"X-API-Key": key}})
		var b balances
		if len(res.Errors) == 0 {
			api.Decode(res, &b)
		}
		return b, res
	}

	t.Run("each sees only its own; foreign and missing answer alike", func(t *testing.T) {
		got, _ := ask(aKey, []string{alpha[0], beta, missing, alpha[0], alpha[1]})
		if len(got.ResellerSimCards.SimCards) != 2 || got.ResellerSimCards.SimCards[0].ICCID != alpha[0] || got.ResellerSimCards.SimCards[1].Balance.Amount != "2.00" {
			t.Errorf("alpha's SIMs = %+v, want %s and %s once each with balances", got.ResellerSimCards.SimCards, alpha[0], alpha[1])
		}
		if fmt.Sprint(got.ResellerSimCards.NotFound) != fmt.Sprint([]string{beta, missing}) {
			t.Errorf("notFound = %v, want [beta's, missing]", got.ResellerSimCards.NotFound)
		}
		got, _ = ask(bKey, []string{alpha[0], missing})
		if len(got.ResellerSimCards.SimCards) != 0 || fmt.Sprint(got.ResellerSimCards.NotFound) != fmt.Sprint([]string{alpha[0], missing}) {
			t.Errorf("beta asking alpha's and a missing SIM got %+v, want both in notFound", got.ResellerSimCards)
		}
	})

	t.Run("one statement for the balances whatever the list's length", func(t *testing.T) {
		_, one := ask(aKey, alpha[:1])
		_, many := ask(aKey, alpha[:500])
		n1, _ := strconv.Atoi(one.Header.Get("X-SQL-Statements"))
		n500, _ := strconv.Atoi(many.Header.Get("X-SQL-Statements"))
		if n1 == 0 || n1 != n500 {
			t.Errorf("statements: %d for 1 ICCID, %d for 500; want the same", n1, n500)
		}
	})

	t.Run("more than 500 is refused", func(t *testing.T) {
		_, res := ask(aKey, alpha[:501])
		if len(res.Errors) != 1 || res.Errors[0].Code() != "LIMIT_EXCEEDED" {
			t.Errorf("501 ICCIDs answered %+v, want LIMIT_EXCEEDED", res.Errors)
		}
	})

	t.Run("a customer cannot call reseller fields", func(t *testing.T) {
		_, token := api.Customer("shopper@x.example")
		res := api.Do(apitest.Request{Query: documents.Get("reseller-balances.graphql"), Variables: map[string]any{"iccids": alpha[:1]}, Token: token})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "FORBIDDEN" {
			t.Errorf("customer token answered %+v, want FORBIDDEN", res.Errors)
		}
	})

	t.Run("all its SIMs, paged, in a constant number of statements", func(t *testing.T) {
		q := `query($after: String) { reseller { name simCards(first: 100, after: $after) {
			edges { cursor node { iccid balance { amount } lastUsageAt } }
			pageInfo { hasNextPage endCursor } } } }`
		seen := 0
		var after any
		counts := map[int]bool{}
		for {
			res := api.Do(apitest.Request{Query: q, Variables: map[string]any{"after": after}, Header: map[string]string{"X-API-Key": aKey}})
			if len(res.Errors) > 0 {
				t.Fatal(res.Errors)
			}
			var page struct {
				Reseller struct {
					Name     string
					SimCards struct {
						Edges    []struct{ Cursor string }
						PageInfo struct {
							HasNextPage bool
							EndCursor   string
						}
					}
				}
			}
			api.Decode(res, &page)
			n, _ := strconv.Atoi(res.Header.Get("X-SQL-Statements"))
			if len(page.Reseller.SimCards.Edges) == 100 {
				counts[n] = true
			}
			seen += len(page.Reseller.SimCards.Edges)
			if !page.Reseller.SimCards.PageInfo.HasNextPage {
				break
			}
			after = page.Reseller.SimCards.PageInfo.EndCursor
		}
		if seen != 600 || len(counts) != 1 {
			t.Errorf("paged %d SIMs with statement counts %v per full page; want 600 and one constant count", seen, counts)
		}
	})
}
