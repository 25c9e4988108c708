package orders

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/teztelecom/tez/internal/account"
	"github.com/teztelecom/tez/internal/address"
	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/reqctx"
	"github.com/teztelecom/tez/internal/secret"
	"github.com/teztelecom/tez/internal/store"
)

// Line is one product to buy.
type Line struct {
	SKU      string
	Quantity int
	// ICCID is the SIM a top-up voucher credits; empty for other products.
	ICCID string
}

// CheckoutInput is an order as the customer asks for it.
type CheckoutInput struct {
	Lines []Line
	// Email is the guest's email; a signed-in customer's orders go to the
	// account's email.
	Email string
	// ShippingAddressID picks an address of the customer's book (0 names
	// none); nil when not given.
	ShippingAddressID *int64
	// ShippingAddress is an address typed at checkout.
	ShippingAddress *address.Input
	Note            string
}

// Placed is a new order; AccessToken opens a guest's order (shown once).
type Placed struct {
	Order       store.Order
	AccessToken string
}

// Checkout places an order in PENDING_PAYMENT with the prices, totals and
// shipping address taken on the server. Every problem comes back as a user
// error naming its field; nothing is written unless all is well.
func (s *Service) Checkout(ctx context.Context, buyer Buyer, in CheckoutInput) (*Placed, []apperr.FieldError, error) {
	if buyer.UserID == 0 {
		d, err := s.limiter.Take(ctx, "checkout:guest:"+reqctx.ClientFrom(ctx).IP, GuestCheckouts)
		if err != nil {
			return nil, nil, err
		}
		if !d.Allowed {
			return nil, []apperr.FieldError{apperr.OnField("input", apperr.FieldTooManyAttempts,
				"Too many orders from your address: sign in to order, or try again in %d minutes.", int(math.Ceil(d.RetryAfter.Minutes())))}, nil
		}
	}
	draft, problems, err := s.draft(ctx, buyer, in.Lines)
	if err != nil {
		return nil, nil, err
	}
	email, p, err := s.buyerEmail(buyer, in.Email)
	if err != nil {
		return nil, nil, err
	}
	problems = append(problems, p...)
	var ship *shipTo
	if draft.ships {
		ship, p, err = s.shippingAddress(ctx, buyer, in)
		if err != nil {
			return nil, nil, err
		}
		problems = append(problems, p...)
	}
	note := strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(note) > MaxNoteLen {
		problems = append(problems, apperr.OnField("note", apperr.FieldTooLong, "Use at most %d characters.", MaxNoteLen))
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	placed, err := s.place(ctx, buyer, email, draft, ship, note)
	if err != nil {
		return nil, nil, err
	}
	return placed, nil, nil
}

// draft is an order's lines priced at today's prices.
type draft struct {
	items    []store.NewOrderItem
	currency string
	subtotal int64
	ships    bool
	bad      []bool // per input line: refused (see the problems)
}

// draft checks and prices the lines. Unknown or retired products,
// quantities out of range, mixed currencies and vouchers for a SIM that
// cannot take one are user errors on their line.
func (s *Service) draft(ctx context.Context, buyer Buyer, lines []Line) (draft, []apperr.FieldError, error) {
	switch {
	case len(lines) == 0:
		return draft{}, []apperr.FieldError{apperr.OnField("lines", apperr.FieldRequired, "Add at least one product.")}, nil
	case len(lines) > MaxLines:
		return draft{}, []apperr.FieldError{apperr.OnField("lines", apperr.FieldTooLong,
			"An order has at most %d lines: place a second order for the rest.", MaxLines)}, nil
	}
	skus := make([]string, len(lines))
	var iccids []string
	for i := range lines {
		lines[i].SKU = strings.ToUpper(strings.TrimSpace(lines[i].SKU))
		skus[i] = lines[i].SKU
		if lines[i].ICCID != "" {
			iccids = append(iccids, lines[i].ICCID)
		}
	}
	products, err := s.store.ActiveProductsBySKU(ctx, s.store.DB(), skus)
	if err != nil {
		return draft{}, nil, err
	}
	var sims map[string]store.SimCard
	if len(iccids) > 0 {
		if sims, err = s.store.SimCardsForTopup(ctx, s.store.DB(), iccids); err != nil {
			return draft{}, nil, err
		}
	}
	d := draft{bad: make([]bool, len(lines))}
	var problems []apperr.FieldError
	for i, l := range lines {
		p, ok := products[l.SKU]
		e := checkLine(i, l, p, ok, sims, d.currency)
		if e != nil {
			problems = append(problems, *e)
			d.bad[i] = true
			continue
		}
		d.currency = p.Currency
		d.subtotal += p.PriceMinor * int64(l.Quantity)
		d.ships = d.ships || Ships(p.Kind)
		item := store.NewOrderItem{ProductID: p.ID, SKU: p.SKU, Name: p.Name, Quantity: l.Quantity,
			UnitPriceMinor: p.PriceMinor, VoucherMinor: p.VoucherMinor}
		if l.ICCID != "" {
			item.ICCID = &l.ICCID
		}
		d.items = append(d.items, item)
	}
	return d, problems, nil
}

func checkLine(i int, l Line, p store.Product, onSale bool, sims map[string]store.SimCard, currency string) *apperr.FieldError {
	fail := func(field string, code apperr.FieldCode, format string, args ...any) *apperr.FieldError {
		return &apperr.FieldError{Field: lineField(i, field), Code: code, Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case l.SKU == "":
		return fail("sku", apperr.FieldRequired, "Choose a product.")
	case !onSale:
		return fail("sku", apperr.FieldNotFound, "%s is not on sale.", l.SKU)
	case l.Quantity < 1 || l.Quantity > MaxQuantity:
		return fail("quantity", apperr.FieldInvalid, "Order between 1 and %d of a product.", MaxQuantity)
	case currency != "" && p.Currency != currency:
		return fail("sku", apperr.FieldInvalid, "%s is priced in %s and the rest of the order in %s: one order is paid in one currency.",
			l.SKU, p.Currency, currency)
	case p.Kind != store.ProductTopupVoucher && l.ICCID != "":
		return fail("iccid", apperr.FieldInvalid, "Only top-up vouchers take an ICCID.")
	case p.Kind != store.ProductTopupVoucher:
		return nil
	case l.ICCID == "":
		return fail("iccid", apperr.FieldRequired, "A top-up voucher needs the ICCID of the SIM card to credit.")
	}
	// One answer for every SIM this voucher cannot top up, whether it does
	// not exist, is blocked or keeps its balance in another currency: the
	// line must not tell anyone which ICCIDs are live SIMs, or in what
	// currency.
	if sim, ok := sims[l.ICCID]; !ok || !CanTopUp(sim.Status) || sim.Currency != p.Currency {
		return fail("iccid", apperr.FieldNotFound,
			"This voucher cannot top up this ICCID: check the number on the SIM's holder, and that the voucher is in the currency of the SIM's balance.")
	}
	return nil
}

// buyerEmail is the order's email: the account's for a signed-in customer
// (a different one given is an error), the given one for a guest.
func (s *Service) buyerEmail(buyer Buyer, given string) (string, []apperr.FieldError, error) {
	if buyer.UserID == 0 {
		email, e := account.NormalizeEmail("email", given)
		if e != nil {
			return "", []apperr.FieldError{*e}, nil
		}
		return email, nil, nil
	}
	if given = strings.TrimSpace(given); given != "" && !strings.EqualFold(given, buyer.Email) {
		return "", []apperr.FieldError{apperr.OnField("email", apperr.FieldInvalid,
			"You are signed in as %s: orders go to your account's email. Leave this empty, or change your email in My account.", buyer.Email)}, nil
	}
	return buyer.Email, nil, nil
}

// shipTo is the address an order ships to: its snapshot, and the address
// book entry it came from (0 when typed at checkout).
type shipTo struct {
	snapshot  store.ShippingAddress
	addressID int64
}

// shippingAddress picks where the order ships: an address of the book, one
// typed at checkout, or else the customer's default address.
func (s *Service) shippingAddress(ctx context.Context, buyer Buyer, in CheckoutInput) (*shipTo, []apperr.FieldError, error) {
	switch {
	case in.ShippingAddressID != nil && in.ShippingAddress != nil:
		return nil, []apperr.FieldError{apperr.OnField("shippingAddressId", apperr.FieldInvalid,
			"Give either an address of your address book or a new address, not both.")}, nil
	case in.ShippingAddress != nil:
		typed, problems := address.Validate(*in.ShippingAddress)
		for i := range problems {
			problems[i].Field = append([]string{"input", "shippingAddress"}, problems[i].Field[1:]...)
		}
		return &shipTo{snapshot: snapshotOf(typed)}, problems, nil
	case in.ShippingAddressID != nil:
		var found map[int64]store.Address
		if buyer.UserID != 0 {
			var err error
			if found, err = s.store.AddressesByID(ctx, s.store.DB(), buyer.UserID, []int64{*in.ShippingAddressID}); err != nil {
				return nil, nil, err
			}
		}
		a, ok := found[*in.ShippingAddressID]
		if !ok {
			return nil, []apperr.FieldError{apperr.OnField("shippingAddressId", apperr.FieldNotFound, "No such address in your address book.")}, nil
		}
		return &shipTo{snapshot: snapshotOfBook(a), addressID: a.ID}, nil, nil
	case buyer.UserID != 0:
		book, err := s.store.AddressesByUserID(ctx, s.store.DB(), []int64{buyer.UserID})
		if err != nil {
			return nil, nil, err
		}
		if b := book[buyer.UserID]; len(b) > 0 && b[0].IsDefault {
			return &shipTo{snapshot: snapshotOfBook(b[0]), addressID: b[0].ID}, nil, nil
		}
	}
	return nil, []apperr.FieldError{apperr.OnField("shippingAddress", apperr.FieldRequired,
		"SIM cards and accessories are shipped: give a shipping address.")}, nil
}

func snapshotOf(a address.Input) store.ShippingAddress {
	s := store.ShippingAddress{RecipientName: a.RecipientName, Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region,
		PostalCode: a.PostalCode, CountryCode: a.CountryCode}
	if a.Phone != "" {
		s.Phone = &a.Phone
	}
	return s
}

func snapshotOfBook(a store.Address) store.ShippingAddress {
	return store.ShippingAddress{RecipientName: a.RecipientName, Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region,
		PostalCode: a.PostalCode, CountryCode: a.CountryCode, Phone: a.Phone}
}

// place writes the order. A guest gets the access token that opens it.
func (s *Service) place(ctx context.Context, buyer Buyer, email string, d draft, ship *shipTo, note string) (*Placed, error) {
	subtotal := money.New(d.subtotal, d.currency)
	o := store.NewOrder{Email: email, Currency: d.currency, SubtotalMinor: d.subtotal,
		ShippingMinor: ShippingFee(subtotal, d.ships).Amount, Note: note, Items: d.items}
	if ship != nil {
		js, err := json.Marshal(ship.snapshot)
		if err != nil {
			return nil, fmt.Errorf("shipping address snapshot: %w", err)
		}
		o.ShippingJSON = new(string(js))
	}
	var placed Placed
	if buyer.UserID != 0 {
		o.UserID = &buyer.UserID
	} else {
		placed.AccessToken, o.GuestTokenHash = secret.NewToken(GuestTokenPrefix)
	}
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		if buyer.UserID == 0 {
			// A guest order with a verified account's email is in that
			// account's My orders at once (with an unverified one's, it joins
			// on verification). The guest holds only this order's token.
			id, verified, err := s.store.VerifiedAccountID(ctx, tx, email)
			if err != nil {
				return err
			}
			if verified {
				o.UserID = &id
			}
		}
		var err error
		if placed.Order, err = s.store.InsertOrder(ctx, tx, o); err != nil {
			return err
		}
		if err := s.sendConfirmation(ctx, tx, placed.Order, d.items, placed.AccessToken); err != nil {
			return err
		}
		if ship != nil && ship.addressID != 0 {
			return s.store.TouchAddress(ctx, tx, buyer.UserID, ship.addressID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("place order: %w", err)
	}
	return &placed, nil
}
