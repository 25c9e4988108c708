// Package apperr is the one error type of the domain: a code a client can act
// on, a message a person can read, and the underlying cause for the log.
package apperr

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error: GraphQL's extensions.code. This is the complete
// list of the codes a client can see, each described in the schema
// (schema/schema.graphqls); it is append-only, because clients switch on it.
type Code string

// The codes.
const (
	NotFound        Code = "NOT_FOUND"
	Invalid         Code = "BAD_USER_INPUT"
	Conflict        Code = "CONFLICT"
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	RateLimited     Code = "RATE_LIMITED"
	LimitExceeded   Code = "LIMIT_EXCEEDED"
	Unavailable     Code = "UNAVAILABLE"
	Internal        Code = "INTERNAL"
	BadRequest      Code = "BAD_REQUEST"      // the request itself is unacceptable (size, shape)
	DepthLimit      Code = "DEPTH_LIMIT"      // the operation nests too deep
	ComplexityLimit Code = "COMPLEXITY_LIMIT" // the operation costs too much
	// PersistedQueryNotFound asks an automatic-persisted-query client to
	// send the document's text with its hash.
	PersistedQueryNotFound Code = "PERSISTED_QUERY_NOT_FOUND"
	// ParseFailed and ValidationFailed are gqlgen's own codes (its errcode
	// package), for a document that does not parse or does not validate.
	ParseFailed      Code = "GRAPHQL_PARSE_FAILED"
	ValidationFailed Code = "GRAPHQL_VALIDATION_FAILED"
)

// Codes lists every Code, in the order they were added.
var Codes = []Code{
	NotFound, Invalid, Conflict, Unauthenticated, Forbidden, RateLimited, LimitExceeded,
	Unavailable, Internal, BadRequest, DepthLimit, ComplexityLimit, PersistedQueryNotFound,
	ParseFailed, ValidationFailed,
}

// Error is a domain error.
type Error struct {
	Code    Code
	Message string // safe to show to the client
	Err     error  // cause, for the log only
}

func (e *Error) Error() string {
	// A message made from its cause says it already: printing the cause again
	// gave operators "--url: bad URL: bad URL".
	if e.Err != nil && !strings.HasSuffix(e.Message, e.Err.Error()) {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// New makes an error with a code and a message for the client.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap makes an error with a code and a client message around a cause.
func Wrap(err error, code Code, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// CodeOf returns the code of the first *Error in err's chain, Internal for
// any other non-nil error, and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the client message of err's *Error, or "internal error".
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message
	}
	return "internal error"
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// FieldCode classifies a user error (GraphQL's UserErrorCode). Append-only.
type FieldCode string

// The user error codes.
const (
	FieldInvalid            FieldCode = "INVALID"
	FieldRequired           FieldCode = "REQUIRED"
	FieldTooShort           FieldCode = "TOO_SHORT"
	FieldTooLong            FieldCode = "TOO_LONG"
	FieldNotFound           FieldCode = "NOT_FOUND"
	FieldTaken              FieldCode = "TAKEN"
	FieldTooManyAttempts    FieldCode = "TOO_MANY_ATTEMPTS"
	FieldInvalidCredentials FieldCode = "INVALID_CREDENTIALS"
	FieldTermsNotAccepted   FieldCode = "TERMS_NOT_ACCEPTED"
	FieldWeakPassword       FieldCode = "WEAK_PASSWORD"
	// FieldSIMNotFoundOrCodeInvalid is the one answer for a missing SIM, a
	// wrong activation code and someone else's SIM.
	FieldSIMNotFoundOrCodeInvalid FieldCode = "SIM_NOT_FOUND_OR_CODE_INVALID"
)

// FieldError is a problem with a mutation's input that the person can fix
// (GraphQL's UserError): the input field at fault, what is wrong, a code.
type FieldError struct {
	Field   []string
	Message string
	Code    FieldCode
}

// OnField makes a FieldError on input.<name>.
func OnField(name string, code FieldCode, format string, args ...any) FieldError {
	return FieldError{Field: []string{"input", name}, Message: fmt.Sprintf(format, args...), Code: code}
}
