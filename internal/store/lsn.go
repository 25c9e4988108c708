package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
)

// LSN is a position in PostgreSQL's write-ahead log (pg_lsn), as a
// number: positions compare as numbers do. 0 is none.
type LSN uint64

// unsettledFence is the read fence a session is born with (the column's
// default): the position of the transaction that makes a session is not
// known inside it, so until its first request settles the fence
// (SettleReadFence), the session reads the primary.
const unsettledFence = LSN(1<<64 - 1)

// ParseLSN reads PostgreSQL's text form of a position, "16/B374D848".
func ParseLSN(s string) (LSN, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok || hi == "" || lo == "" || len(hi) > 8 || len(lo) > 8 {
		return 0, fmt.Errorf("WAL position %q: want two hex numbers as in 16/B374D848", s)
	}
	h, err := strconv.ParseUint(hi, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("WAL position %q: %w", s, err)
	}
	l, err := strconv.ParseUint(lo, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("WAL position %q: %w", s, err)
	}
	return LSN(h<<32 | l), nil
}

// String is PostgreSQL's text form.
func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint64(l)>>32, uint64(l)&0xFFFFFFFF) }

// Scan reads a pg_lsn column; NULL is 0 (no fence).
func (l *LSN) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*l = 0
		return nil
	case []byte:
		return l.parse(string(v))
	case string:
		return l.parse(v)
	}
	return fmt.Errorf("scan WAL position from %T", src)
}

func (l *LSN) parse(s string) error {
	v, err := ParseLSN(s)
	*l = v
	return err
}

// Value writes the position as pg_lsn text.
func (l LSN) Value() (driver.Value, error) { return l.String(), nil }

// The insert position, not pg_current_wal_lsn(): with
// synchronous_commit=off a commit returns before its record is written,
// and the write position can be short of it. The statement's own update
// lies past the fence, so a replica idle after it still passes the fence.
const fenceSession = `UPDATE auth_sessions SET read_fence = pg_current_wal_insert_lsn() WHERE id = $1 RETURNING read_fence`

const fenceAPIKey = `UPDATE reseller_api_keys SET read_fence = pg_current_wal_insert_lsn() WHERE id = $1 RETURNING read_fence`

// RecordReadFence moves the read fence of the request's caller (set by
// WithReadFence) to the primary's WAL position now, after its writes
// committed: its reads use the primary until a replica has replayed past
// it. Nothing happens without replicas or without a caller to fence.
func (s *Store) RecordReadFence(ctx context.Context) error {
	rt, ok := ctx.Value(routeKey{}).(*route)
	if !ok || !s.db.Replicated() {
		return nil
	}
	_, err := s.fence(ctx, rt)
	return err
}

// SettleReadFence gives a session born unsettled (unsettledFence) its
// first real fence: the session's row is visible, so the transaction that
// made it (and the account, at sign-up) lies before the WAL position now.
// Other fences come back as they are.
func (s *Store) SettleReadFence(ctx context.Context, sessionID int64, fence LSN) (LSN, error) {
	if fence != unsettledFence || !s.db.Replicated() {
		return fence, nil
	}
	return s.fence(ctx, &route{session: sessionID})
}

func (s *Store) fence(ctx context.Context, rt *route) (LSN, error) {
	query, id, what := fenceSession, rt.session, "session"
	if rt.apiKey != 0 {
		query, id, what = fenceAPIKey, rt.apiKey, "api key"
	}
	if id == 0 {
		return 0, nil
	}
	var at LSN
	err := s.db.DB.QueryRowContext(ctx, query, id).Scan(&at)
	return at, mapError(err, "read fence of "+what)
}
