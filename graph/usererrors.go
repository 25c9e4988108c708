package graph

import "github.com/teztelecom/tez/internal/apperr"

// userErrors is a payload's userErrors: never null, an empty list when the
// service found nothing wrong.
func userErrors(problems []apperr.FieldError) []apperr.FieldError {
	if problems == nil {
		return []apperr.FieldError{}
	}
	return problems
}
