package graph_test

import (
	"net/http"
	"testing"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
)

func TestComplexityLimit(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	a := newAccount(t, api, "limits@x.example", 1, 1, 1)

	if res := api.Do(apitest.Request{Query: documents.Get("dashboard.graphql"), Variables: dashboardVars(), Token: a.token}); len(res.Errors) > 0 {
		t.Fatalf("the dashboard contract was refused: %+v", res.Errors)
	}
	abusive := `{ me {
		orders(first: 100) { edges { node { items { product { id sku name } } } } }
		simCards { usageSessions(first: 100) { edges { node { id bytesUp } } } }
	} }`
	res := api.Do(apitest.Request{Query: abusive, Token: a.token})
	if res.Status == http.StatusInternalServerError || len(res.Errors) != 1 || res.Errors[0].Code() != "COMPLEXITY_LIMIT" {
		t.Errorf("a query fanning out over every SIM and order answered %d %+v, want a COMPLEXITY_LIMIT error", res.Status, res.Errors)
	}
	if string(res.Data) != "" && string(res.Data) != "null" {
		t.Errorf("the refused query ran: %s", res.Data)
	}
}
