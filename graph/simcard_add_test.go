package graph_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/iccid"
	"github.com/teztelecom/tez/internal/secret"
)

type simPayload struct {
	SimCard *struct {
		ID, ICCID string
		Balance   struct{ Amount string }
	}
	UserErrors []struct{ Code string }
}

func addSIM(t *testing.T, api *apitest.API, token, id, code string) simPayload {
	t.Helper()
	var out struct{ SimCardAdd simPayload }
	api.Query(apitest.Request{Query: `mutation($iccid: ICCID!, $code: String) { simCardAdd(input: { iccid: $iccid, activationCode: $code }) {
		simCard { id iccid balance { amount } } userErrors { code } } }`,
		Variables: map[string]any{"iccid": id, "code": code}, Token: token}, &out)
	return out.SimCardAdd
}

func stockSIM(t *testing.T, api *apitest.API, n int, code string) string {
	t.Helper()
	id := iccid.WithCheckDigit(fmt.Sprintf("89997040000%07d", n))
	api.MustExec(`INSERT INTO sim_cards (iccid, status, activation_code_hash, balance) VALUES ($1, 'IN_STOCK', $2, 0)`, id, secret.ActivationCodeHash(code))
	return id
}

func codeOf(p simPayload) string {
	if len(p.UserErrors) == 0 {
		return ""
	}
	return p.UserErrors[0].Code
}

func TestSimCardAdd(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	aliceID, alice := api.Customer("alice@x.example")
	_, bob := api.Customer("bob@x.example")

	sim := stockSIM(t, api, 1, "AB12CD34")
	t.Run("with the printed code", func(t *testing.T) {
		if got := addSIM(t, api, alice, sim, "ab12 cd34"); got.SimCard == nil || got.SimCard.ICCID != sim || got.SimCard.Balance.Amount != "0.00" {
			t.Fatalf("add with code = %+v", got)
		}
		if got := addSIM(t, api, alice, sim, ""); got.SimCard == nil || codeOf(got) != "" {
			t.Errorf("adding one's own SIM again = %+v, want it answered as added", got)
		}
		var n int
		api.DB.Get(&n, `SELECT count(*) FROM sim_cards WHERE user_id = $1 AND owned_since > now() - interval '1 minute'`, aliceID)
		if n != 1 {
			t.Errorf("%d SIMs owned since just now, want 1", n)
		}
	})

	t.Run("missing, wrong code and someone else's answer alike", func(t *testing.T) {
		missing := addSIM(t, api, bob, iccid.WithCheckDigit("899970400009999999"), "AB12CD34")
		other := stockSIM(t, api, 2, "ZZ99ZZ99")
		wrongCode := addSIM(t, api, bob, other, "AB12CD34")
		someoneElses := addSIM(t, api, bob, sim, "AB12CD34")
		for name, p := range map[string]simPayload{"missing": missing, "wrong code": wrongCode, "someone else's": someoneElses} {
			if p.SimCard != nil || codeOf(p) != "SIM_NOT_FOUND_OR_CODE_INVALID" {
				t.Errorf("%s: %+v, want SIM_NOT_FOUND_OR_CODE_INVALID", name, p)
			}
		}
	})

	t.Run("bought by this account: no code needed", func(t *testing.T) {
		bought := stockSIM(t, api, 3, "QQ11QQ11")
		var order int64
		api.DB.Get(&order, `INSERT INTO orders (user_id, email, subtotal, total, currency) VALUES ($1, 'alice@x.example', 1, 1, 'USD') RETURNING id`, aliceID)
		api.MustExec(`UPDATE sim_cards SET sold_order_id = $2 WHERE iccid = $1`, bought, order)
		if got := addSIM(t, api, bob, bought, ""); got.SimCard != nil {
			t.Fatal("someone else added a SIM bought by alice without its code")
		}
		if got := addSIM(t, api, alice, bought, ""); got.SimCard == nil {
			t.Fatalf("alice adding the SIM she bought = %+v", got)
		}
	})

	t.Run("sold to this verified email: no code needed", func(t *testing.T) {
		guest := stockSIM(t, api, 4, "GG44GG44")
		api.MustExec(`UPDATE sim_cards SET sold_to_email = 'ALICE@x.example' WHERE iccid = $1`, guest)
		if got := addSIM(t, api, bob, guest, ""); got.SimCard != nil {
			t.Fatal("bob added a SIM sold to alice's email without its code")
		}
		if got := addSIM(t, api, alice, guest, ""); got.SimCard == nil {
			t.Fatalf("alice adding the SIM sold to her email = %+v", got)
		}
	})

	t.Run("removed, it needs its code again", func(t *testing.T) {
		var added simPayload = addSIM(t, api, alice, sim, "")
		var out struct{ SimCardRemove struct{ RemovedID *string } }
		api.Query(apitest.Request{Query: `mutation($id: ID!) { simCardRemove(id: $id) { removedId } }`, Variables: map[string]any{"id": added.SimCard.ID}, Token: alice}, &out)
		if out.SimCardRemove.RemovedID == nil {
			t.Fatal("not removed")
		}
		if got := addSIM(t, api, alice, sim, ""); codeOf(got) != "SIM_NOT_FOUND_OR_CODE_INVALID" {
			t.Errorf("re-adding without the code = %+v", got)
		}
		if got := addSIM(t, api, alice, sim, "AB12CD34"); got.SimCard == nil {
			t.Errorf("re-adding with the code = %+v", got)
		}
	})

	t.Run("another customer's SIM in update and remove answers like a missing one", func(t *testing.T) {
		mine := addSIM(t, api, alice, sim, "")
		for _, q := range []string{
			`mutation($id: ID!) { simCardUpdate(input: { id: $id, label: "mine now" }) { simCard { id } userErrors { field code } } }`,
			`mutation($id: ID!) { simCardRemove(id: $id) { removedId userErrors { field code } } }`,
		} {
			foreign := api.Do(apitest.Request{Query: q, Variables: map[string]any{"id": mine.SimCard.ID}, Token: bob})
			missing := api.Do(apitest.Request{Query: q, Variables: map[string]any{"id": "U2ltQ2FyZDo4OTk5"}, Token: bob})
			if string(foreign.Data) != string(missing.Data) {
				t.Errorf("foreign %s, missing %s; want the same", foreign.Data, missing.Data)
			}
		}
		var label struct{ SimCardUpdate simPayload }
		api.Query(apitest.Request{Query: `mutation($id: ID!) { simCardUpdate(input: { id: $id, label: "12345678901234567890123456789012345678901" }) { userErrors { code } } }`,
			Variables: map[string]any{"id": mine.SimCard.ID}, Token: alice}, &label)
		if codeOf(label.SimCardUpdate) != "TOO_LONG" {
			t.Errorf("a 41-character label: %+v", label.SimCardUpdate)
		}
		// A label is an alert email's subject: a line break in it must not get that far.
		label.SimCardUpdate = simPayload{}
		api.Query(apitest.Request{Query: `mutation($id: ID!, $l: String!) { simCardUpdate(input: { id: $id, label: $l }) { userErrors { code } } }`,
			Variables: map[string]any{"id": mine.SimCard.ID, "l": "Tablet\r\nBcc: x@evil.example"}, Token: alice}, &label)
		if codeOf(label.SimCardUpdate) != "INVALID" {
			t.Errorf("a label with a line break: %+v", label.SimCardUpdate)
		}
	})

	t.Run("a mistyped ICCID is caught before any work", func(t *testing.T) {
		res := api.Do(apitest.Request{Query: `mutation { simCardAdd(input: { iccid: "8999704000000000011" }) { userErrors { code } } }`, Token: bob})
		if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" {
			t.Errorf("mistyped ICCID answered %+v", res.Errors)
		}
	})
}

func TestSimCardAddThrottlingAndRace(t *testing.T) {
	t.Parallel()
	api := apitest.New(t)
	_, guesser := api.Customer("guesser@x.example")
	target := stockSIM(t, api, 10, "RIGHT123")
	var last simPayload
	for i := range 11 {
		last = addSIM(t, api, guesser, target, fmt.Sprintf("WRONG%03d", i))
	}
	if codeOf(last) != "TOO_MANY_ATTEMPTS" {
		t.Errorf("the 11th guess answered %+v, want TOO_MANY_ATTEMPTS", last)
	}
	if got := addSIM(t, api, guesser, target, "RIGHT123"); got.SimCard != nil {
		t.Error("the right code went through while throttled")
	}

	// Another server and database: the guesser above has blocked this
	// client address (the tests' 127.0.0.1) for everyone, as it should.
	api = apitest.New(t)
	race := stockSIM(t, api, 11, "RACE1234")
	_, a := api.Customer("a@x.example")
	_, b := api.Customer("b@x.example")
	results := make([]simPayload, 2)
	var wg sync.WaitGroup
	for i, token := range []string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = addSIM(t, api, token, race, "RACE1234")
		}()
	}
	wg.Wait()
	won := 0
	for _, r := range results {
		if r.SimCard != nil {
			won++
		} else if codeOf(r) != "SIM_NOT_FOUND_OR_CODE_INVALID" {
			t.Errorf("the loser got %+v, want the uniform answer", r)
		}
	}
	if won != 1 {
		t.Errorf("%d customers won the same SIM, want exactly 1", won)
	}
}
