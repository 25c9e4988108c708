package graph_test

import (
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
)

func TestMe(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, alice := api.Customer("alice@x.example")
	_, bob := api.Customer("bob@x.example")

	type me struct {
		Me *struct{ ID, Email string }
	}
	t.Run("anonymous gets null", func(t *testing.T) {
		var got me
		api.Query(apitest.Request{Query: `{ me { id email } }`}, &got)
		if got.Me != nil {
			t.Errorf("me = %+v, want null", got.Me)
		}
	})
	t.Run("a revoked or unknown token is anonymous", func(t *testing.T) {
		var got me
		api.Query(apitest.Request{Query: `{ me { id } }`, Token: "no-such-token"}, &got)
		if got.Me != nil {
			t.Errorf("me = %+v, want null", got.Me)
		}
	})

	var a, b me
	api.Query(apitest.Request{Query: `{ me { id email } }`, Token: alice}, &a)
	api.Query(apitest.Request{Query: `{ me { id email } }`, Token: bob}, &b)
	if a.Me == nil || a.Me.Email != "alice@x.example" || b.Me == nil || b.Me.Email != "bob@x.example" {
		t.Fatalf("me = %+v and %+v, want alice and bob", a.Me, b.Me)
	}

	t.Run("another customer's user ID answers like a missing one", func(t *testing.T) {
		var got struct{ Node *struct{ ID string } }
		api.Query(apitest.Request{Query: `query($id: ID!) { node(id: $id) { id } }`, Variables: map[string]any{"id": b.Me.ID}, Token: alice}, &got)
		if got.Node != nil {
			t.Errorf("alice reads bob's user node: %+v", got.Node)
		}
		api.Query(apitest.Request{Query: `query($id: ID!) { node(id: $id) { id } }`, Variables: map[string]any{"id": a.Me.ID}, Token: alice}, &got)
		if got.Node == nil || got.Node.ID != a.Me.ID {
			t.Errorf("alice's own node = %+v, want her account", got.Node)
		}
	})
}
