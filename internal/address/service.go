package address

import (
	"context"

	"github.com/teztelecom/tez/internal/apperr"
	"github.com/teztelecom/tez/internal/store"
)

// Service manages customers' address books. Every write locks the
// customer's book first, so concurrent requests cannot make two defaults
// (the partial unique index would refuse it anyway) or exceed the cap.
type Service struct {
	store *store.Store
}

// NewService makes the service.
func NewService(st *store.Store) *Service { return &Service{store: st} }

// notFound is the one answer for a missing address and someone else's;
// field is where the ID was given.
func notFound(field ...string) apperr.FieldError {
	return apperr.FieldError{Field: field, Code: apperr.FieldNotFound, Message: "No such address in your address book."}
}

func toWrite(in Input) store.AddressWrite {
	return store.AddressWrite{RecipientName: in.RecipientName, Line1: in.Line1, Line2: in.Line2, City: in.City, Region: in.Region,
		PostalCode: in.PostalCode, CountryCode: in.CountryCode, Phone: in.Phone, DeliveryNote: in.DeliveryNote}
}

// Create adds an address; the first one becomes the default.
func (s *Service) Create(ctx context.Context, userID int64, in Input) (*store.Address, []apperr.FieldError, error) {
	in, problems := Validate(in)
	if len(problems) > 0 {
		return nil, problems, nil
	}
	var out store.Address
	var full bool
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		n, err := s.store.LockAddressBook(ctx, tx, userID)
		if err != nil || n >= MaxPerCustomer {
			full = err == nil
			return err
		}
		out, err = s.store.InsertAddress(ctx, tx, userID, toWrite(in), n == 0)
		return err
	})
	if full {
		return nil, []apperr.FieldError{{Field: []string{"input"}, Code: apperr.FieldInvalid,
			Message: "You have 20 addresses, the most an account keeps: delete one first."}}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return &out, nil, nil
}

// Patch is an address change: a nil field stays as it is, any other
// replaces it ("" clears an optional field and is refused for a required one).
type Patch struct {
	RecipientName, Line1, Line2, City, Region, PostalCode, CountryCode, Phone, DeliveryNote *string
}

// apply is a with the patch's fields in place.
func (p Patch) apply(a store.Address) Input {
	in := Input{RecipientName: a.RecipientName, Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region,
		PostalCode: a.PostalCode, CountryCode: a.CountryCode, DeliveryNote: a.DeliveryNote}
	if a.Phone != nil {
		in.Phone = *a.Phone
	}
	for _, f := range []struct {
		patch *string
		field *string
	}{
		{p.RecipientName, &in.RecipientName}, {p.Line1, &in.Line1}, {p.Line2, &in.Line2}, {p.City, &in.City},
		{p.Region, &in.Region}, {p.PostalCode, &in.PostalCode}, {p.CountryCode, &in.CountryCode},
		{p.Phone, &in.Phone}, {p.DeliveryNote, &in.DeliveryNote},
	} {
		if f.patch != nil {
			*f.field = *f.patch
		}
	}
	return in
}

// Update changes the fields of an address that the patch sets; the
// address as it then is must be valid as a whole. Past orders keep the
// copy taken at checkout.
func (s *Service) Update(ctx context.Context, userID, id int64, p Patch) (*store.Address, []apperr.FieldError, error) {
	var out store.Address
	var problems []apperr.FieldError
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		if _, err := s.store.LockAddressBook(ctx, tx, userID); err != nil {
			return err
		}
		cur, err := s.store.AddressOfOwner(ctx, tx, userID, id)
		if err != nil {
			return err
		}
		in, bad := Validate(p.apply(cur))
		if len(bad) > 0 {
			problems = bad
			return nil // nothing written
		}
		out, err = s.store.UpdateAddress(ctx, tx, userID, id, toWrite(in))
		return err
	})
	if len(problems) > 0 {
		return nil, problems, nil
	}
	return result(out, err, "input", "id")
}

// Delete removes an address; when it was the default, the most recently
// used other one becomes the default.
func (s *Service) Delete(ctx context.Context, userID, id int64) ([]apperr.FieldError, error) {
	err := s.store.InTx(ctx, func(tx store.Querier) error {
		if _, err := s.store.LockAddressBook(ctx, tx, userID); err != nil {
			return err
		}
		wasDefault, err := s.store.DeleteAddress(ctx, tx, userID, id)
		if err != nil || !wasDefault {
			return err
		}
		return s.store.PromoteDefaultAddress(ctx, tx, userID)
	})
	if apperr.Is(err, apperr.NotFound) {
		return []apperr.FieldError{notFound("id")}, nil
	}
	return nil, err
}

// SetDefault makes an address the default, in one transaction, and answers
// the previous default too (nil when there was none or it is the same).
func (s *Service) SetDefault(ctx context.Context, userID, id int64) (now, previous *store.Address, problems []apperr.FieldError, err error) {
	var out store.Address
	err = s.store.InTx(ctx, func(tx store.Querier) error {
		if _, err := s.store.LockAddressBook(ctx, tx, userID); err != nil {
			return err
		}
		var err error
		out, previous, err = s.store.SetDefaultAddress(ctx, tx, userID, id)
		return err
	})
	now, problems, err = result(out, err, "id")
	if now == nil {
		previous = nil
	}
	return now, previous, problems, err
}

func result(a store.Address, err error, field ...string) (*store.Address, []apperr.FieldError, error) {
	if apperr.Is(err, apperr.NotFound) {
		return nil, []apperr.FieldError{notFound(field...)}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return &a, nil, nil
}
