package journey

import (
	"fmt"
	"sync"
	"testing"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/seed"
)

type resellerBalances struct {
	ResellerSimCards struct {
		SimCards []struct {
			ICCID, Status string
			Balance       money
		}
		NotFound []string
	}
}

// A partner reads the balances of the SIMs it sold with its API key (the
// contract document reseller-balances.graphql), sees what their owners
// see, follows a top-up the owner pays, and learns nothing of SIMs it
// does not hold.
func TestResellerReadsBalances(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	owner := s.demoCustomer()
	numbers := owner.myNumbers()
	if len(numbers) < 2 {
		t.Fatalf("the demo customer's My numbers: %+v", numbers)
	}
	sold, other := numbers[0], numbers[1]
	stock := seed.DemoStock()[0].ICCID

	p := s.partner("Almaty Travel")
	p.assign(sold.ICCID, stock)

	read := func() resellerBalances {
		var out resellerBalances
		p.query(documents.Get("reseller-balances.graphql"), map[string]any{"iccids": []string{sold.ICCID, other.ICCID, stock}}, &out)
		return out
	}
	got := read().ResellerSimCards
	if len(got.SimCards) != 2 || got.SimCards[0].ICCID != sold.ICCID || got.SimCards[1].ICCID != stock {
		t.Fatalf("the partner's SIMs = %+v, want %s and %s", got.SimCards, sold.ICCID, stock)
	}
	if got.SimCards[0].Balance != sold.Balance || got.SimCards[0].Status != sold.Status {
		t.Errorf("the partner sees %+v, the owner %+v", got.SimCards[0], sold)
	}
	if got.SimCards[1].Status != "IN_STOCK" || got.SimCards[1].Balance.Amount != "0.00" {
		t.Errorf("a SIM on the shelf: %+v", got.SimCards[1])
	}
	if len(got.NotFound) != 1 || got.NotFound[0] != other.ICCID {
		t.Errorf("notFound = %v, want only %s (sold by no one to this partner)", got.NotFound, other.ICCID)
	}

	// The owner's own words for the SIM stay in the account: a partner
	// cannot even ask for them (more in reseller_privacy_test.go).
	if res := p.do(`query($i: [ICCID!]!) { resellerSimCards(iccids: $i) { simCards { label } } }`, map[string]any{"i": []string{sold.ICCID}}); len(res.Errors) != 1 || res.Errors[0].Code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("the partner asked for the owner's label: %s %+v", res.Data, res.Errors)
	}

	// The owner tops the SIM up by 10 USD and pays; the partner sees it.
	voucher := owner.buyVoucher("TOPUP-10", sold.ICCID)
	owner.pay(voucher.ID, "", "Approve").mustSay("Payment approved")
	after := read().ResellerSimCards.SimCards[0]
	if want := plus(t, sold.Balance, "10.00"); after.Balance != want {
		t.Errorf("after a 10 USD top-up the partner sees %v, want %v", after.Balance, want)
	}
}

// A partner whose whole burst arrives at once gets every answer: the
// requests queue on its rate-limit bucket, and none of them loses tokens
// for the time it queued (they did, by rate × wait, so that a fast
// partner's parallel requests were refused with its burst unspent).
func TestResellerBurstInParallelIsAnswered(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	const burst = 24
	_, key := s.api.Reseller("Parallel Partner", 1_000_000, burst, 0)
	p := &partner{shop: s, Name: "Parallel Partner", Key: key}
	stock := seed.DemoStock()[0].ICCID
	p.assign(stock)

	var wg sync.WaitGroup
	codes := make([]string, burst)
	for i := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := p.do(documents.Get("reseller-balances.graphql"), map[string]any{"iccids": []string{stock}})
			codes[i] = fmt.Sprint(res.Status)
			for _, e := range res.Errors {
				codes[i] += " " + e.Code()
			}
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != "200" {
			t.Errorf("request %d of a burst of %d: %s, want 200 without errors", i+1, burst, c)
		}
	}
}
