package model

import "github.com/teztelecom/tez/internal/money"

// The GraphQL types here are converted from the domain's (internal/store)
// by one New function per type, each next to its type: a type shows what
// the schema shows, plus the keys its resolvers read, and never a field the
// client must not see (a password hash, an owner's id).

// one converts an optional domain value; nil stays nil.
func one[D, M any](d *D, conv func(*D) M) *M {
	if d == nil {
		return nil
	}
	m := conv(d)
	return &m
}

// all converts a list of domain values, in order.
func all[D, M any](ds []D, conv func(*D) M) []M {
	out := make([]M, len(ds))
	for i := range ds {
		out[i] = conv(&ds[i])
	}
	return out
}

// optionalMoney is an amount that may be absent, in currency.
func optionalMoney(minor *int64, currency string) *money.Money {
	if minor == nil {
		return nil
	}
	m := money.New(*minor, currency)
	return &m
}

// nonEmpty is s, or nil when empty: the schema's null for "not given".
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
