package apperr

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"
)

func TestCodeOf(t *testing.T) {
	notFound := New(NotFound, "order %s not found", "TEZ-1")
	tests := []struct {
		name string
		err  error
		code Code
		msg  string
	}{
		{"nil", nil, "", "internal error"},
		{"plain error is internal", sql.ErrConnDone, Internal, "internal error"},
		{"coded", notFound, NotFound, "order TEZ-1 not found"},
		{"wrapped with context", fmt.Errorf("load order: %w", notFound), NotFound, "order TEZ-1 not found"},
		{"internal code hides its message", Wrap(sql.ErrConnDone, Internal, "db detail"), Internal, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.code {
				t.Errorf("CodeOf = %q, want %q", got, tt.code)
			}
			if got := MessageOf(tt.err); got != tt.msg {
				t.Errorf("MessageOf = %q, want %q", got, tt.msg)
			}
		})
	}
}

func TestErrorSaysItsCauseOnce(t *testing.T) {
	cause := errors.New("the URL must not carry a user or password")
	tests := []struct {
		err  *Error
		want string
	}{
		{Wrap(cause, Invalid, "--url: "+cause.Error()), "BAD_USER_INPUT: --url: the URL must not carry a user or password"},
		{Wrap(cause, Invalid, cause.Error()), "BAD_USER_INPUT: the URL must not carry a user or password"},
		{Wrap(sql.ErrNoRows, NotFound, "SIM 1 not found"), "NOT_FOUND: SIM 1 not found: sql: no rows in result set"},
		{New(Conflict, "taken"), "CONFLICT: taken"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
