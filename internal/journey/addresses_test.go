package journey

import (
	"reflect"
	"testing"
)

type address struct {
	ID, RecipientName, Line1, City, PostalCode, CountryCode string
	IsDefault                                               bool
}

const addressFields = `id recipientName line1 city postalCode countryCode isDefault`

type addressPayload struct {
	Address    *address
	UserErrors []userError
}

func (c *customer) myAddresses() []address {
	c.shop.t.Helper()
	var out struct{ Me struct{ Addresses []address } }
	c.query(`{ me { addresses { `+addressFields+` } } }`, nil, &out)
	return out.Me.Addresses
}

// addressMutation runs field (addressCreate, addressUpdate or
// addressSetDefault) with one argument: arg of type typ, valued v.
func (c *customer) addressMutation(field, arg, typ string, v any) addressPayload {
	c.shop.t.Helper()
	var out map[string]addressPayload
	c.query(`mutation($v: `+typ+`) { `+field+`(`+arg+`: $v) { address { `+addressFields+` } userErrors { field message code } } }`,
		map[string]any{"v": v}, &out)
	return out[field]
}

var almaty = map[string]any{"recipientName": "Dana S", "line1": "Abay Avenue 10", "city": "Almaty", "postalCode": "050000", "countryCode": "KZ"}

// My addresses: the first address is the default and checkout ships to
// it; a second can become the default; a typo in a postal code is a
// message on its field; an address is edited and deleted; another
// customer can touch none of them.
func TestMyAddresses(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	dana := s.signUp("dana@journey.example", "a long new passphrase", "Dana S")

	home := dana.addressMutation("addressCreate", "input", "AddressInput!", almaty)
	noUserErrors(t, "addressCreate", home.UserErrors)
	if !home.Address.IsDefault {
		t.Errorf("the first address is not the default: %+v", home.Address)
	}
	bad := map[string]any{}
	for k, v := range berlin {
		bad[k] = v
	}
	bad["postalCode"] = "1O119"
	refused := dana.addressMutation("addressCreate", "input", "AddressInput!", bad)
	if refused.Address != nil || len(refused.UserErrors) != 1 || refused.UserErrors[0].Field[len(refused.UserErrors[0].Field)-1] != "postalCode" {
		t.Fatalf("a German postal code with a letter O: %+v", refused)
	}
	work := dana.addressMutation("addressCreate", "input", "AddressInput!", berlin)
	noUserErrors(t, "addressCreate", work.UserErrors)
	if work.Address.IsDefault || len(dana.myAddresses()) != 2 {
		t.Fatalf("the second address: %+v; My addresses %+v", work.Address, dana.myAddresses())
	}

	// Checkout without an address ships to the default.
	first, _ := dana.checkout(map[string]any{"lines": []any{map[string]any{"sku": "ACC-HOLDER-CASE", "quantity": 1}}})
	var shipped struct {
		Me struct {
			Order struct{ ShippingAddress struct{ City string } }
		}
	}
	dana.query(`query($n: String!) { me { order(number: $n) { shippingAddress { city } } } }`, map[string]any{"n": first.Number}, &shipped)
	if shipped.Me.Order.ShippingAddress.City != "Almaty" {
		t.Errorf("checkout shipped to %q, want the default Almaty", shipped.Me.Order.ShippingAddress.City)
	}

	moved := dana.addressMutation("addressSetDefault", "id", "ID!", work.Address.ID)
	noUserErrors(t, "addressSetDefault", moved.UserErrors)
	for _, a := range dana.myAddresses() {
		if a.IsDefault != (a.ID == work.Address.ID) {
			t.Errorf("after choosing Berlin as the default: %+v", a)
		}
	}
	edit := map[string]any{"id": home.Address.ID}
	for k, v := range almaty {
		edit[k] = v
	}
	edit["line1"] = "Dostyk Avenue 5"
	edited := dana.addressMutation("addressUpdate", "input", "AddressUpdateInput!", edit)
	noUserErrors(t, "addressUpdate", edited.UserErrors)
	if edited.Address.Line1 != "Dostyk Avenue 5" {
		t.Errorf("edited: %+v", edited.Address)
	}
	// The order keeps the address as it was at checkout.
	var kept struct {
		Me struct {
			Order struct{ ShippingAddress struct{ Line1 string } }
		}
	}
	dana.query(`query($n: String!) { me { order(number: $n) { shippingAddress { line1 } } } }`, map[string]any{"n": first.Number}, &kept)
	if kept.Me.Order.ShippingAddress.Line1 != "Abay Avenue 10" {
		t.Errorf("editing the address changed the order's: %q", kept.Me.Order.ShippingAddress.Line1)
	}

	// Another customer cannot edit or delete Dana's addresses: the answer
	// is the one for a missing address.
	eve := s.signUp("eve@journey.example", "another long passphrase", "")
	var stolen struct {
		AddressDelete struct {
			DeletedID  *string
			UserErrors []userError
		}
	}
	eve.query(`mutation($id: ID!) { addressDelete(id: $id) { deletedId userErrors { field message code } } }`, map[string]any{"id": home.Address.ID}, &stolen)
	var missing struct {
		AddressDelete struct {
			DeletedID  *string
			UserErrors []userError
		}
	}
	dana.query(`mutation($id: ID!) { addressDelete(id: $id) { deletedId userErrors { field message code } } }`, map[string]any{"id": home.Address.ID}, &missing)
	if stolen.AddressDelete.DeletedID != nil || len(stolen.AddressDelete.UserErrors) == 0 {
		t.Fatalf("another customer deleted Dana's address: %+v", stolen)
	}
	if missing.AddressDelete.DeletedID == nil {
		t.Fatalf("Dana could not delete her own address: %+v", missing)
	}
	var gone struct {
		AddressDelete struct{ UserErrors []userError }
	}
	dana.query(`mutation($id: ID!) { addressDelete(id: $id) { userErrors { field message code } } }`, map[string]any{"id": home.Address.ID}, &gone)
	if len(gone.AddressDelete.UserErrors) != 1 || !reflect.DeepEqual(gone.AddressDelete.UserErrors, stolen.AddressDelete.UserErrors) {
		t.Errorf("a missing address answers %+v, someone else's %+v: they must be alike", gone.AddressDelete.UserErrors, stolen.AddressDelete.UserErrors)
	}
	if got := dana.myAddresses(); len(got) != 1 || got[0].City != "Berlin" || !got[0].IsDefault {
		t.Errorf("My addresses after deleting Almaty: %+v", got)
	}
}
