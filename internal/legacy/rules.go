package legacy

import (
	"context"
	"fmt"
	"strings"

	"github.com/teztelecom/tez/internal/store"
)

// seen remembers the good lines of the file so far: an account, a SIM card
// or an order number on two lines is reported on the second.
type seen struct {
	accounts map[string]int // email (lower case) → line
	sims     map[string]simLine
	orders   map[string]int // number → line
}

type simLine struct {
	email string // lower case
	line  int
}

func newSeen() *seen {
	return &seen{accounts: map[string]int{}, sims: map[string]simLine{}, orders: map[string]int{}}
}

// check answers why the line repeats an earlier one, and remembers it when
// it does not.
func (s *seen) check(line int, a store.LegacyAccount) []string {
	email := strings.ToLower(a.Email)
	var p problems
	if first, dup := s.accounts[email]; dup && a.Profile != nil {
		p.add("email", "the account %s is on line %d already", a.Email, first)
	}
	for _, sim := range a.SIMs {
		switch first, dup := s.sims[sim.ICCID]; {
		case dup && first.email == email:
			p.add("iccid", "repeats line %d", first.line)
		case dup:
			p.add("iccid", "SIM card %s is on line %d already, for another email", sim.ICCID, first.line)
		}
	}
	for _, o := range a.Orders {
		if first, dup := s.orders[o.Number]; dup {
			p.add("number", "order %s is on line %d already", o.Number, first)
		}
	}
	if len(p) > 0 {
		return p
	}
	if a.Profile != nil {
		s.accounts[email] = line
	}
	for _, sim := range a.SIMs {
		s.sims[sim.ICCID] = simLine{email, line}
	}
	for _, o := range a.Orders {
		s.orders[o.Number] = line
	}
	return nil
}

// checkHere holds the batch against what is here: every SIM card must be
// here and not held, sold or promised to anyone else (never a silent
// takeover), a voucher line's SIM must be here, and an order number must be
// free or this account's own imported order (or an imported one erased
// with its account), which stays as it was (left out of the batch).
func checkHere(ctx context.Context, st *store.Store, tx store.Querier, recs []record) ([]record, []BadLine, error) {
	var iccids, numbers []string
	for _, r := range recs {
		for _, s := range r.acct.SIMs {
			iccids = append(iccids, s.ICCID)
		}
		for _, o := range r.acct.Orders {
			numbers = append(numbers, o.Number)
			for _, it := range o.Items {
				if it.ICCID != "" {
					iccids = append(iccids, it.ICCID)
				}
			}
		}
	}
	facts, err := st.LegacySIMFactsByICCID(ctx, tx, iccids)
	if err != nil {
		return nil, nil, err
	}
	taken, err := st.OrderNumbersTaken(ctx, tx, numbers)
	if err != nil {
		return nil, nil, err
	}
	var good []record
	var bad []BadLine
	for _, r := range recs {
		var p problems
		email := r.acct.Email
		for i, s := range r.acct.SIMs {
			checkSIMHere(&p, simWhere(r.acct, i), email, s.ICCID, facts)
		}
		var orders []store.LegacyOrder
		for i, o := range r.acct.Orders {
			where := fmt.Sprintf("orders[%d]", i)
			for j, it := range o.Items {
				if _, ok := facts[it.ICCID]; it.ICCID != "" && !ok {
					p.add(fmt.Sprintf("%s.items[%d].iccid", where, j), "no SIM card %s here", it.ICCID)
				}
			}
			// An old order imported before stays as it was, also when its
			// account was deleted since (the order erased).
			t, isTaken := taken[o.Number]
			switch {
			case !isTaken:
				orders = append(orders, o)
			case !t.Imported || (!t.Erased && !strings.EqualFold(t.Email, email)):
				p.add(where+".number", "%s is the number of another order here", o.Number)
			}
		}
		if len(p) > 0 {
			bad = append(bad, BadLine{r.line, strings.Join(p, "; ")})
			continue
		}
		r.acct.Orders = orders
		good = append(good, r)
	}
	return good, bad, nil
}

// simWhere names the i-th SIM card of an account in a report.
func simWhere(a store.LegacyAccount, i int) string {
	if a.Profile == nil { // a CSV row
		return "iccid"
	}
	return fmt.Sprintf("simCards[%d]", i)
}

// checkSIMHere reports a SIM card the old account of email cannot claim. A
// SIM this email's old account brought over already is fine as it is.
func checkSIMHere(p *problems, where, email, id string, facts map[string]store.LegacySIMFacts) {
	f, ok := facts[id]
	if !ok {
		p.add(where, "no SIM card %s here", id)
		return
	}
	if hasEmail(f.Delivered, email) {
		return
	}
	switch {
	case f.OwnerEmail != nil && !strings.EqualFold(*f.OwnerEmail, email):
		p.add(where, "SIM card %s is held by another account here; it stays there", id)
	case f.OwnerEmail == nil && f.Status == store.SIMInStock:
		p.add(where, "SIM card %s is in stock here, never sold to anyone", id)
	case f.SoldToEmail != nil && !strings.EqualFold(*f.SoldToEmail, email):
		p.add(where, "SIM card %s was sold here to another email", id)
	case len(f.Waiting) > 0 && !hasEmail(f.Waiting, email):
		p.add(where, "SIM card %s waits for another old account, imported before", id)
	}
}

func hasEmail(emails []string, email string) bool {
	for _, e := range emails {
		if strings.EqualFold(e, email) {
			return true
		}
	}
	return false
}
