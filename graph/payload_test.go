package graph_test

import (
	"fmt"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
)

// payloadUser is the customer a mutation payload answers, with the lists
// a client cache keeps.
type payloadUser struct {
	ID             string
	DefaultAddress *struct{ ID string }
	Addresses      []struct {
		ID        string
		IsDefault bool
	}
	SimCards []struct{ ID, ICCID string }
	Orders   struct {
		Edges []struct{ Node struct{ ID, Status string } }
	}
}

const payloadUserFields = `user { id defaultAddress { id } addresses { id isDefault } simCards { id iccid }
	orders(first: 5) { edges { node { id status } } } }`

func (u payloadUser) defaults() []string {
	var out []string
	for _, a := range u.Addresses {
		if a.IsDefault {
			out = append(out, a.ID)
		}
	}
	return out
}

func (u payloadUser) addressIDs() []string {
	var out []string
	for _, a := range u.Addresses {
		out = append(out, a.ID)
	}
	return out
}

func (u payloadUser) orderIDs() []string {
	var out []string
	for _, e := range u.Orders.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

// A payload that changes more than its own object answers the customer
// after the change, so a normalized cache (Apollo, urql graphcache, Relay)
// is right from the answer alone, with no refetch.
func TestAddressPayloadsAnswerTheBook(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, token := api.Customer("payload-book@x.example")
	var me struct{ Me struct{ ID string } }
	api.Query(apitest.Request{Query: `{ me { id } }`, Token: token}, &me)
	meID := me.Me.ID

	type addressResult struct {
		Address         *struct{ ID string }
		PreviousDefault *struct {
			ID        string
			IsDefault bool
		}
		DeletedID  *string
		User       *payloadUser
		UserErrors []struct{ Code string }
	}
	run := func(t *testing.T, field, query string, vars map[string]any) addressResult {
		t.Helper()
		var out map[string]addressResult
		api.Query(apitest.Request{Query: query, Variables: vars, Token: token}, &out)
		got := out[field]
		if got.User == nil || got.User.ID != meID {
			t.Fatalf("%s answered user %+v, want the signed-in customer", field, got.User)
		}
		return got
	}
	const create = `mutation($city: String!) { addressCreate(input: { recipientName: "A", line1: "Abay 10", city: $city,
		postalCode: "050000", countryCode: "KZ" }) { address { id } ` + payloadUserFields + ` userErrors { code } } }`

	first := run(t, "addressCreate", create, map[string]any{"city": "Almaty"})
	if u := first.User; fmt.Sprint(u.addressIDs()) != fmt.Sprint([]string{first.Address.ID}) ||
		u.DefaultAddress == nil || u.DefaultAddress.ID != first.Address.ID {
		t.Errorf("first addressCreate: user %+v, want the one address, the default", u)
	}
	second := run(t, "addressCreate", create, map[string]any{"city": "Astana"})
	if u := second.User; len(u.Addresses) != 2 || fmt.Sprint(u.defaults()) != fmt.Sprint([]string{first.Address.ID}) {
		t.Errorf("second addressCreate: user %+v, want two addresses, the first the default", u)
	}

	const setDefault = `mutation($id: ID!) { addressSetDefault(id: $id) { address { id } previousDefault { id isDefault }
		` + payloadUserFields + ` userErrors { code } } }`
	t.Run("set default answers the previous default and exactly one default", func(t *testing.T) {
		got := run(t, "addressSetDefault", setDefault, map[string]any{"id": second.Address.ID})
		if got.PreviousDefault == nil || got.PreviousDefault.ID != first.Address.ID || got.PreviousDefault.IsDefault {
			t.Errorf("previousDefault = %+v, want the first address, isDefault false", got.PreviousDefault)
		}
		if d := got.User.defaults(); fmt.Sprint(d) != fmt.Sprint([]string{second.Address.ID}) || got.User.DefaultAddress.ID != second.Address.ID {
			t.Errorf("defaults in the answer = %v, want exactly the second address", d)
		}
		again := run(t, "addressSetDefault", setDefault, map[string]any{"id": second.Address.ID})
		if again.PreviousDefault != nil {
			t.Errorf("setting the default again: previousDefault = %+v, want null", again.PreviousDefault)
		}
	})

	t.Run("deleting the default answers the promoted one", func(t *testing.T) {
		got := run(t, "addressDelete", `mutation($id: ID!) { addressDelete(id: $id) { deletedId `+payloadUserFields+` userErrors { code } } }`,
			map[string]any{"id": second.Address.ID})
		if u := got.User; fmt.Sprint(u.addressIDs()) != fmt.Sprint([]string{first.Address.ID}) ||
			u.DefaultAddress == nil || u.DefaultAddress.ID != first.Address.ID || !u.Addresses[0].IsDefault {
			t.Errorf("after deleting the default: user %+v, want the first address alone, promoted", u)
		}
	})

	t.Run("two mutations in one document each answer the book as it then is", func(t *testing.T) {
		var out struct {
			A, B struct{ User payloadUser }
		}
		api.Query(apitest.Request{Query: `mutation {
			a: addressCreate(input: { recipientName: "A", line1: "L", city: "Aktau", postalCode: "130000", countryCode: "KZ" }) { ` + payloadUserFields + ` }
			b: addressCreate(input: { recipientName: "B", line1: "L", city: "Atyrau", postalCode: "060000", countryCode: "KZ" }) { ` + payloadUserFields + ` }
		}`, Token: token}, &out)
		if len(out.A.User.Addresses) != 2 || len(out.B.User.Addresses) != 3 {
			t.Errorf("addresses after a: %d, after b: %d; want 2 and 3", len(out.A.User.Addresses), len(out.B.User.Addresses))
		}
	})
}

// A foreign or missing ID answers the same user error and no user, and
// changes neither customer's book.
func TestPayloadsOfForeignIDsAnswerNoUser(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	ownerID, owner := api.Customer("payload-owner@x.example")
	_, intruder := api.Customer("payload-intruder@x.example")
	api.MustExec(`INSERT INTO addresses (user_id, recipient_name, line1, city, postal_code, country_code, is_default)
		VALUES ($1, 'O', 'L1', 'Almaty', '050000', 'KZ', true), ($1, 'O', 'L2', 'Astana', '010000', 'KZ', false)`, ownerID)
	var book struct{ Me payloadUser }
	api.Query(apitest.Request{Query: `{ me { addresses { id isDefault } } }`, Token: owner}, &book)
	notDefault := book.Me.Addresses[1].ID
	sim := newAccount(t, api, "payload-sims@x.example", 1, 0, 0)
	var simID string
	var d struct {
		Me struct{ SimCards []struct{ ID string } }
	}
	api.Query(apitest.Request{Query: `{ me { simCards { id } } }`, Token: sim.token}, &d)
	simID = d.Me.SimCards[0].ID

	for name, c := range map[string]struct{ query, id string }{
		"addressSetDefault": {`mutation($id: ID!) { addressSetDefault(id: $id) { address { id } previousDefault { id } user { id addresses { id } } userErrors { field code } } }`, notDefault},
		"addressDelete":     {`mutation($id: ID!) { addressDelete(id: $id) { deletedId user { id addresses { id } } userErrors { field code } } }`, notDefault},
		"simCardRemove":     {`mutation($id: ID!) { simCardRemove(id: $id) { removedId user { id simCards { id } } userErrors { field code } } }`, simID},
		"simCardUpdate":     {`mutation($id: ID!) { simCardUpdate(input: { id: $id, label: "mine" }) { simCard { id } user { id simCards { id } } userErrors { field code } } }`, simID},
	} {
		t.Run(name, func(t *testing.T) {
			foreign := api.Do(apitest.Request{Query: c.query, Variables: map[string]any{"id": c.id}, Token: intruder})
			missing := api.Do(apitest.Request{Query: c.query, Variables: map[string]any{"id": "U2ltQ2FyZDo4OTk5OTk5OTk5OTk5OTk5OTk5"}, Token: intruder})
			if len(foreign.Errors) > 0 || string(foreign.Data) != string(missing.Data) {
				t.Errorf("foreign answered %s %+v, missing %s; want the same", foreign.Data, foreign.Errors, missing.Data)
			}
			var out map[string]struct {
				User       *payloadUser
				UserErrors []struct{ Code string }
			}
			api.Decode(foreign, &out)
			if got := out[name]; got.User != nil || len(got.UserErrors) != 1 || got.UserErrors[0].Code != "NOT_FOUND" {
				t.Errorf("foreign ID answered %+v, want NOT_FOUND and no user", got)
			}
		})
	}
	var after struct{ Me payloadUser }
	api.Query(apitest.Request{Query: `{ me { addresses { id isDefault } } }`, Token: owner}, &after)
	if fmt.Sprint(after.Me.Addresses) != fmt.Sprint(book.Me.Addresses) {
		t.Errorf("the owner's book changed to %+v from %+v", after.Me.Addresses, book.Me.Addresses)
	}
	var sims struct {
		Me struct{ SimCards []struct{ ID, Label string } }
	}
	api.Query(apitest.Request{Query: `{ me { simCards { id label } } }`, Token: sim.token}, &sims)
	if len(sims.Me.SimCards) != 1 || sims.Me.SimCards[0].Label != "SIM 0" {
		t.Errorf("the owner's SIMs are now %+v", sims.Me.SimCards)
	}
}

// simCardAdd and simCardRemove answer "My numbers" as it is after them.
func TestSimCardPayloadsAnswerMyNumbers(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, token := api.Customer("payload-sims@x.example")
	sim := stockSIM(t, api, 42, "PAYLOAD1")
	var added struct {
		SimCardAdd struct {
			SimCard *struct{ ID string }
			User    *payloadUser
		}
	}
	api.Query(apitest.Request{Query: `mutation($iccid: ICCID!) { simCardAdd(input: { iccid: $iccid, activationCode: "PAYLOAD1" }) {
		simCard { id } ` + payloadUserFields + ` } }`, Variables: map[string]any{"iccid": sim}, Token: token}, &added)
	u := added.SimCardAdd.User
	if added.SimCardAdd.SimCard == nil || u == nil || len(u.SimCards) != 1 || u.SimCards[0].ICCID != sim {
		t.Fatalf("simCardAdd answered %+v, want the user with the added SIM", added.SimCardAdd)
	}
	var removed struct {
		SimCardRemove struct {
			RemovedID *string
			User      *payloadUser
		}
	}
	api.Query(apitest.Request{Query: `mutation($id: ID!) { simCardRemove(id: $id) { removedId ` + payloadUserFields + ` } }`,
		Variables: map[string]any{"id": added.SimCardAdd.SimCard.ID}, Token: token}, &removed)
	if removed.SimCardRemove.User == nil || len(removed.SimCardRemove.User.SimCards) != 0 {
		t.Errorf("simCardRemove answered %+v, want the user with no SIM", removed.SimCardRemove.User)
	}
}

// checkout, orderReorder and orderCancel answer "My orders" as it is after
// them; a guest's checkout answers no user.
func TestOrderPayloadsAnswerMyOrders(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	type orderResult struct {
		Order *struct{ ID string }
		User  *payloadUser
	}
	run := func(field, query string, vars map[string]any, token string) orderResult {
		t.Helper()
		var out map[string]orderResult
		s.api.Query(apitest.Request{Query: query, Variables: vars, Token: token}, &out)
		return out[field]
	}
	const checkout = `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } ` + payloadUserFields + ` } }`
	placed := run("checkout", checkout, map[string]any{"input": lines(line("SIM-EUROPE", 1))}, s.token)
	if placed.User == nil || len(placed.User.orderIDs()) != 1 || placed.User.orderIDs()[0] != placed.Order.ID {
		t.Fatalf("checkout answered %+v, want the user's orders starting with the new one", placed)
	}

	again := run("orderReorder", `mutation($id: ID!) { orderReorder(input: { orderId: $id }) { order { id } `+payloadUserFields+` } }`,
		map[string]any{"id": placed.Order.ID}, s.token)
	if again.User == nil || fmt.Sprint(again.User.orderIDs()) != fmt.Sprint([]string{again.Order.ID, placed.Order.ID}) {
		t.Errorf("orderReorder answered %+v, want the new order first, then the old", again.User)
	}

	cancelled := run("orderCancel", `mutation($id: ID!) { orderCancel(input: { orderId: $id }) { order { id } `+payloadUserFields+` } }`,
		map[string]any{"id": again.Order.ID}, s.token)
	if cancelled.User == nil || cancelled.User.Orders.Edges[0].Node.Status != "CANCELLED" {
		t.Errorf("orderCancel answered %+v, want the order CANCELLED in the user's list", cancelled.User)
	}

	guest := run("checkout", checkout, map[string]any{"input": map[string]any{"email": "guest-payload@x.example",
		"lines": []any{line("TOPUP-10", 1, s.sim)}}}, "")
	if guest.Order == nil || guest.User != nil {
		t.Errorf("a guest's checkout answered %+v, want the order and no user", guest)
	}
}
