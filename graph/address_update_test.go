package graph_test

import (
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
)

// fullAddress is every field of an address as answered.
type fullAddress struct {
	ID, RecipientName, Line1, Line2, City, Region, PostalCode, CountryCode, DeliveryNote string
	Phone                                                                                *string
}

const fullAddressFields = `id recipientName line1 line2 city region postalCode countryCode phone deliveryNote`

// addressUpdate keeps what the client leaves out and clears what it sends
// as null, like profileUpdate: updating the city must not erase line2,
// region or phone. Each way a client sends it is walked: the whole input as
// a variable (Apollo, urql, Relay), fields as variables, literals.
func TestAddressUpdateIsPartial(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, token := api.Customer("partial@x.example")
	_, other := api.Customer("partial-other@x.example")

	create := func(t *testing.T) fullAddress {
		t.Helper()
		var out struct{ AddressCreate struct{ Address fullAddress } }
		api.Query(apitest.Request{Query: `mutation { addressCreate(input: {
			recipientName: "Aigerim", line1: "Abay 10", line2: "Apt 5", city: "Almaty", region: "Almaty Region",
			postalCode: "050000", countryCode: "KZ", phone: "+7 701 123 45 67", deliveryNote: "Ring twice"
		}) { address { ` + fullAddressFields + ` } } }`, Token: token}, &out)
		return out.AddressCreate.Address
	}
	type payload struct {
		Address    *fullAddress
		UserErrors []struct {
			Field []string
			Code  string
		}
	}
	update := func(t *testing.T, query string, vars map[string]any) payload {
		t.Helper()
		var out struct{ AddressUpdate payload }
		api.Query(apitest.Request{Query: query, Variables: vars, Token: token}, &out)
		return out.AddressUpdate
	}
	const byInput = `mutation($input: AddressUpdateInput!) { addressUpdate(input: $input) {
		address { ` + fullAddressFields + ` } userErrors { field code } } }`
	stored := func(t *testing.T, id string) fullAddress {
		t.Helper()
		var d struct{ Node fullAddress }
		api.Query(apitest.Request{Query: `query($id: ID!) { node(id: $id) { ... on Address { ` + fullAddressFields + ` } } }`,
			Variables: map[string]any{"id": id}, Token: token}, &d)
		return d.Node
	}

	t.Run("a field left out stays", func(t *testing.T) {
		a := create(t)
		for name, c := range map[string]struct {
			query string
			vars  map[string]any
		}{
			"input as a variable": {byInput, map[string]any{"input": map[string]any{"id": a.ID, "city": "Astana"}}},
			"fields as variables, one not sent": {`mutation($id: ID!, $city: String, $line2: String) {
				addressUpdate(input: { id: $id, city: $city, line2: $line2 }) { address { ` + fullAddressFields + ` } userErrors { field code } } }`,
				map[string]any{"id": a.ID, "city": "Astana"}},
			"literal": {`mutation($id: ID!) { addressUpdate(input: { id: $id, city: "Astana" }) { address { ` + fullAddressFields + ` } userErrors { field code } } }`,
				map[string]any{"id": a.ID}},
		} {
			got := update(t, c.query, c.vars)
			want := a
			want.City = "Astana"
			if got.Address == nil || !sameAddress(*got.Address, want) {
				t.Errorf("%s: answered %+v, want %+v", name, got, want)
			}
			if s := stored(t, a.ID); !sameAddress(s, want) {
				t.Errorf("%s: stored %+v, want %+v", name, s, want)
			}
			update(t, byInput, map[string]any{"input": map[string]any{"id": a.ID, "city": "Almaty"}})
		}
	})

	t.Run("an explicit null clears an optional field", func(t *testing.T) {
		a := create(t)
		got := update(t, byInput, map[string]any{"input": map[string]any{"id": a.ID, "line2": nil, "phone": nil, "deliveryNote": ""}})
		want := a
		want.Line2, want.Phone, want.DeliveryNote = "", nil, ""
		if got.Address == nil || !sameAddress(*got.Address, want) || !sameAddress(stored(t, a.ID), want) {
			t.Errorf("answered %+v, stored %+v; want %+v (region kept)", got.Address, stored(t, a.ID), want)
		}
	})

	t.Run("an explicit null on a required field is refused and changes nothing", func(t *testing.T) {
		a := create(t)
		got := update(t, byInput, map[string]any{"input": map[string]any{"id": a.ID, "city": nil, "line2": "Apt 6"}})
		if got.Address != nil || len(got.UserErrors) != 1 || got.UserErrors[0].Code != "REQUIRED" || got.UserErrors[0].Field[1] != "city" {
			t.Errorf("answered %+v, want one REQUIRED on input.city", got)
		}
		if s := stored(t, a.ID); !sameAddress(s, a) {
			t.Errorf("stored %+v after a refused update, want it unchanged", s)
		}
	})

	t.Run("the address as it then is must be valid", func(t *testing.T) {
		a := create(t)
		// The stored postal code is Kazakh: moving the address to Germany alone is refused.
		got := update(t, byInput, map[string]any{"input": map[string]any{"id": a.ID, "countryCode": "DE"}})
		if got.Address != nil || len(got.UserErrors) != 1 || got.UserErrors[0].Field[1] != "postalCode" {
			t.Errorf("answered %+v, want the postal code refused for DE", got)
		}
		got = update(t, byInput, map[string]any{"input": map[string]any{"id": a.ID, "countryCode": "DE", "postalCode": "10115", "city": "Berlin"}})
		if got.Address == nil || got.Address.CountryCode != "DE" || got.Address.Line2 != "Apt 5" {
			t.Errorf("answered %+v, want the move to Berlin with line2 kept", got)
		}
	})

	t.Run("another customer's address answers like a missing one and stays", func(t *testing.T) {
		a := create(t)
		q := apitest.Request{Query: byInput, Token: other}
		q.Variables = map[string]any{"input": map[string]any{"id": a.ID, "line2": nil}}
		foreign := api.Do(q)
		q.Variables = map[string]any{"input": map[string]any{"id": "QWRkcmVzczo5OTk5OTk", "line2": nil}}
		missing := api.Do(q)
		if string(foreign.Data) != string(missing.Data) || len(foreign.Errors) > 0 {
			t.Errorf("foreign answered %s, missing %s; want the same", foreign.Data, missing.Data)
		}
		if s := stored(t, a.ID); !sameAddress(s, a) {
			t.Errorf("the owner's address is now %+v", s)
		}
	})
}

func sameAddress(a, b fullAddress) bool {
	if (a.Phone == nil) != (b.Phone == nil) || a.Phone != nil && *a.Phone != *b.Phone {
		return false
	}
	a.Phone, b.Phone = nil, nil
	return a == b
}
