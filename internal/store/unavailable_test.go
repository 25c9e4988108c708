package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/lib/pq"
)

// What PostgreSQL and the socket say while the database restarts or fails
// over is "unavailable"; what a statement does wrong is not.
func TestIsUnavailable(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pq.Error{Code: "57P01"}, true},  // admin_shutdown: terminating connection
		{&pq.Error{Code: "57P03"}, true},  // cannot_connect_now: starting up
		{&pq.Error{Code: "08006"}, true},  // connection_failure
		{&pq.Error{Code: "23505"}, false}, // unique_violation: the statement's fault
		{&pq.Error{Code: "42P01"}, false}, // undefined_table: a bug
		{fmt.Errorf("find products: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), true},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{driver.ErrBadConn, true},
		{sql.ErrNoRows, false},
		{errors.New("something else"), false},
	} {
		if got := IsUnavailable(c.err); got != c.want {
			t.Errorf("IsUnavailable(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
