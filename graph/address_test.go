package graph_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
)

type addressPayload struct {
	Address *struct {
		ID, City, PostalCode, CountryCode string
		Phone                             *string
		IsDefault                         bool
	}
	UserErrors []struct {
		Field []string
		Code  string
	}
}

const addressFields = `address { id city postalCode countryCode phone isDefault } userErrors { field code }`

func createAddress(t *testing.T, api *apitest.API, token, city string) addressPayload {
	t.Helper()
	var out struct{ AddressCreate addressPayload }
	api.Query(apitest.Request{Query: `mutation($city: String!) { addressCreate(input: {
		recipientName: "Aigerim", line1: "Abay 10", city: $city, postalCode: "050000", countryCode: "kz", phone: "+7 701 123 45 67"
	}) { ` + addressFields + ` } }`, Variables: map[string]any{"city": city}, Token: token}, &out)
	return out.AddressCreate
}

func defaults(t *testing.T, api *apitest.API, token string) []string {
	t.Helper()
	var d struct {
		Me struct {
			Addresses []struct {
				City      string
				IsDefault bool
			}
		}
	}
	api.Query(apitest.Request{Query: `{ me { addresses { city isDefault } } }`, Token: token}, &d)
	var out []string
	for _, a := range d.Me.Addresses {
		if a.IsDefault {
			out = append(out, a.City)
		}
	}
	return out
}

func TestAddressBook(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, token := api.Customer("book@x.example")
	_, other := api.Customer("other@x.example")

	first := createAddress(t, api, token, "Almaty")
	if first.Address == nil || !first.Address.IsDefault || first.Address.CountryCode != "KZ" || *first.Address.Phone != "+77011234567" {
		t.Fatalf("first address = %+v, want the default, normalised", first)
	}
	second := createAddress(t, api, token, "Astana")
	if second.Address == nil || second.Address.IsDefault {
		t.Fatalf("second address = %+v, want not the default", second)
	}

	t.Run("every problem names its field", func(t *testing.T) {
		var out struct{ AddressCreate addressPayload }
		api.Query(apitest.Request{Query: `mutation { addressCreate(input: {
			recipientName: "", line1: "x", city: "Berlin", postalCode: "1234", countryCode: "DE", phone: "12"
		}) { ` + addressFields + ` } }`, Token: token}, &out)
		fields := map[string]string{}
		for _, e := range out.AddressCreate.UserErrors {
			fields[e.Field[1]] = e.Code
		}
		if out.AddressCreate.Address != nil || fields["recipientName"] != "REQUIRED" || fields["postalCode"] != "INVALID" || fields["phone"] != "INVALID" {
			t.Errorf("bad address answered %+v", out.AddressCreate)
		}
	})

	t.Run("set default switches in one step", func(t *testing.T) {
		var out struct{ AddressSetDefault addressPayload }
		api.Query(apitest.Request{Query: `mutation($id: ID!) { addressSetDefault(id: $id) { ` + addressFields + ` } }`,
			Variables: map[string]any{"id": second.Address.ID}, Token: token}, &out)
		if got := defaults(t, api, token); fmt.Sprint(got) != "[Astana]" {
			t.Errorf("defaults = %v, want [Astana]", got)
		}
	})

	t.Run("another customer's address answers like a missing one", func(t *testing.T) {
		for name, q := range map[string]string{
			"setDefault": `mutation($id: ID!) { addressSetDefault(id: $id) { userErrors { field code } } }`,
			"delete":     `mutation($id: ID!) { addressDelete(id: $id) { userErrors { field code } } }`,
			"update": `mutation($id: ID!) { addressUpdate(input: { id: $id, recipientName: "X", line1: "Y", city: "Z",
				postalCode: "050000", countryCode: "KZ" }) { userErrors { field code } } }`,
		} {
			foreign := api.Do(apitest.Request{Query: q, Variables: map[string]any{"id": second.Address.ID}, Token: other})
			missing := api.Do(apitest.Request{Query: q, Variables: map[string]any{"id": "QWRkcmVzczo5OTk5OTk"}, Token: other})
			if string(foreign.Data) != string(missing.Data) || len(foreign.Errors) > 0 {
				t.Errorf("%s: foreign answered %s, missing %s; want the same", name, foreign.Data, missing.Data)
			}
		}
		if got := defaults(t, api, token); fmt.Sprint(got) != "[Astana]" {
			t.Errorf("after the other customer's attempts: defaults = %v", got)
		}
	})

	t.Run("past orders keep the checkout copy", func(t *testing.T) {
		var userID int64
		api.DB.Get(&userID, `SELECT id FROM users WHERE email = 'book@x.example'`)
		api.MustExec(`INSERT INTO orders (user_id, email, subtotal, total, currency, shipping_address)
			VALUES ($1, 'book@x.example', 1, 1, 'USD', '{"city":"Astana","line1":"Abay 10"}')`, userID)
		var out struct{ AddressUpdate addressPayload }
		api.Query(apitest.Request{Query: `mutation($id: ID!) { addressUpdate(input: { id: $id, recipientName: "A", line1: "New street 1",
			city: "Shymkent", postalCode: "160000", countryCode: "KZ" }) { ` + addressFields + ` } }`,
			Variables: map[string]any{"id": second.Address.ID}, Token: token}, &out)
		if out.AddressUpdate.Address == nil || out.AddressUpdate.Address.City != "Shymkent" {
			t.Fatalf("update = %+v", out.AddressUpdate)
		}
		var city string
		api.DB.Get(&city, `SELECT shipping_address->>'city' FROM orders WHERE user_id = $1`, userID)
		if city != "Astana" {
			t.Errorf("the order's address changed to %q", city)
		}
	})

	t.Run("deleting the default promotes another", func(t *testing.T) {
		var out struct{ AddressDelete struct{ DeletedID *string } }
		api.Query(apitest.Request{Query: `mutation($id: ID!) { addressDelete(id: $id) { deletedId } }`,
			Variables: map[string]any{"id": second.Address.ID}, Token: token}, &out)
		if out.AddressDelete.DeletedID == nil {
			t.Fatal("not deleted")
		}
		if got := defaults(t, api, token); fmt.Sprint(got) != "[Almaty]" {
			t.Errorf("defaults = %v, want [Almaty]", got)
		}
	})
}

func TestConcurrentSetDefaultLeavesOneDefault(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, token := api.Customer("race@x.example")
	var ids []string
	for _, city := range []string{"Almaty", "Astana", "Shymkent", "Aktau"} {
		ids = append(ids, createAddress(t, api, token, city).Address.ID)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := api.Do(apitest.Request{Query: `mutation($id: ID!) { addressSetDefault(id: $id) { userErrors { code } } }`,
				Variables: map[string]any{"id": ids[i%len(ids)]}, Token: token})
			if len(res.Errors) > 0 {
				t.Errorf("concurrent set default: %+v", res.Errors)
			}
		}()
	}
	wg.Wait()
	if got := defaults(t, api, token); len(got) != 1 {
		t.Errorf("defaults after the race = %v, want exactly one", got)
	}
}
