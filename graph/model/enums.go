package model

// The schema's enums are generated here (models_gen.go), apart from the
// domain's, and spell each value as the domain does (the database's
// enums): a converter turns one into the other by its name, and
// enums_test.go holds the two lists to each other.

// Domain converts an optional enum argument to the domain's value.
func Domain[D, M ~string](m *M) *D {
	if m == nil {
		return nil
	}
	d := D(*m)
	return &d
}
