package store

import (
	"context"
	"fmt"
)

// ExportSection is one part of the customer's data export: a name, the
// tables it reads, and a statement giving one JSON object per row (columns
// as stored, secrets such as hashes left out), $1 the user's id.
type ExportSection struct {
	Name   string
	Tables []string
	// One says the section is a single object (or null), not a list.
	One   bool
	query string
}

// exportSections are what GET /export/account.json writes, in order. Every
// table holding customer data must be read by one of them, or be named in
// NotExported: a test reads the catalogue for tables with a user reference
// and fails on any that is neither.
var exportSections = []ExportSection{
	{Name: "profile", Tables: []string{"users"}, One: true,
		query: `SELECT to_jsonb(u) - 'password_hash' FROM users u WHERE u.id = $1`},
	{Name: "addresses", Tables: []string{"addresses"},
		query: `SELECT to_jsonb(a) FROM addresses a WHERE a.user_id = $1 ORDER BY a.id`},
	{Name: "simCards", Tables: []string{"sim_cards", "balance_entries"},
		query: `
SELECT to_jsonb(s) - 'activation_code_hash' || jsonb_build_object('ledger',
       (SELECT coalesce(jsonb_agg(to_jsonb(b) ORDER BY b.created_at, b.id), '[]') FROM balance_entries b
        WHERE b.iccid = s.iccid AND b.created_at >= s.owned_since))
FROM sim_cards s WHERE s.user_id = $1 ORDER BY s.iccid`},
	// History since each SIM joined the account, as My history shows it.
	{Name: "usageSessions", Tables: []string{"usage_sessions"},
		query: `
SELECT to_jsonb(u) FROM sim_cards s JOIN usage_sessions u ON u.iccid = s.iccid AND u.started_at >= s.owned_since
WHERE s.user_id = $1 ORDER BY u.iccid, u.started_at, u.id`},
	{Name: "orders", Tables: []string{"orders", "order_items", "payments", "payment_events", "shipments", "refunds"},
		query: `
SELECT to_jsonb(o) - 'guest_token_hash' - 'guest_link_hashes' || jsonb_build_object(
       'items', (SELECT coalesce(jsonb_agg(to_jsonb(i) ORDER BY i.line_no), '[]') FROM order_items i WHERE i.order_id = o.id),
       'shipments', (SELECT coalesce(jsonb_agg(to_jsonb(sh) ORDER BY sh.id), '[]') FROM shipments sh WHERE sh.order_id = o.id),
       'refunds', (SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.id), '[]') FROM refunds r WHERE r.order_id = o.id),
       'payments', (SELECT coalesce(jsonb_agg(to_jsonb(p) || jsonb_build_object('events',
                        (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.id), '[]') FROM payment_events e WHERE e.payment_id = p.id))
                    ORDER BY p.id), '[]') FROM payments p WHERE p.order_id = o.id))
FROM orders o WHERE o.user_id = $1 ORDER BY o.created_at, o.id`},
	{Name: "sessions", Tables: []string{"auth_sessions"},
		query: `SELECT to_jsonb(s) - 'token_hash' FROM auth_sessions s WHERE s.user_id = $1 ORDER BY s.id`},
	{Name: "emailLinks", Tables: []string{"email_tokens"},
		query: `SELECT to_jsonb(t) - 'token_hash' FROM email_tokens t WHERE t.user_id = $1 ORDER BY t.id`},
	// The emails sent to the account's address: subject and time.
	{Name: "emails", Tables: []string{"email_outbox"},
		query: `
SELECT jsonb_build_object('to', m.to_address, 'subject', m.subject, 'createdAt', m.created_at, 'sentAt', m.sent_at)
FROM email_outbox m JOIN users u ON u.id = $1 AND m.to_address = u.email ORDER BY m.id`},
	// What the old account system brought when the email was verified.
	{Name: "oldAccount", Tables: []string{"legacy_accounts"},
		query: `SELECT to_jsonb(l) FROM legacy_accounts l WHERE l.claimed_by = $1`},
	{Name: "oldAccountSimCards", Tables: []string{"legacy_sim_owners"},
		query: `
SELECT to_jsonb(l) FROM legacy_sim_owners l JOIN users u ON u.id = $1 AND l.email = u.email
WHERE l.claimed_at IS NOT NULL ORDER BY l.id`},
}

// NotExported are tables with a user reference that the export leaves out
// on purpose, with why.
var NotExported = map[string]string{
	"sim_changes": "the partner change feed's position of a SIM (a transaction id and the reseller): nothing the customer gave or did",
}

// ExportSections lists the sections of the data export.
func ExportSections() []ExportSection { return exportSections }

// ExportAccount calls fn with each row (a JSON object) of each section of
// the user's data, section by section, read through cursors in q, which
// must be a transaction (Store.InSnapshot reads it all in one snapshot),
// so that a long history never sits in memory. fn's row is
// reused: copy what it keeps. A user that does not exist is NotFound.
func (s *Store) ExportAccount(ctx context.Context, q Querier, userID int64, fn func(section ExportSection, row []byte) error) error {
	var one int
	if err := q.GetContext(ctx, &one, `SELECT 1 FROM users WHERE id = $1`, userID); err != nil {
		return mapError(err, "user")
	}
	var row []byte
	for i, sec := range exportSections {
		cursor := fmt.Sprintf("account_export_%d", i)
		if _, err := q.ExecContext(ctx, "DECLARE "+cursor+" NO SCROLL CURSOR FOR "+sec.query, userID); err != nil {
			return mapError(err, "account export "+sec.Name)
		}
		if err := eachFetched(ctx, q, cursor, []any{&row}, func() error { return fn(sec, row) }); err != nil {
			return err
		}
	}
	return nil
}
