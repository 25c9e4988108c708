package store

import (
	"context"
	"database/sql"
	"strconv"
)

// eraseParams says which of the account's id and email a step takes.
type eraseParams int

const (
	byID         eraseParams = iota // $1 the id
	byEmail                         // $1 the email
	byIDAndEmail                    // $1 the id, $2 the email
)

// Erasing an account, in the order the statements run (docs/privacy.md
// says why each part is kept or erased).
var eraseAccount = []struct {
	what   string
	params eraseParams
	query  string
}{
	// The row lock first: a sign-in or an email change racing the deletion
	// waits for it; an email changed meanwhile finds no row.
	{"lock account", byIDAndEmail, `SELECT id FROM users WHERE id = $1 AND email = $2 FOR UPDATE`},
	// Released SIMs need their code again, and whoever adds one next sees
	// history only from then (owned_since).
	{"release sim cards", byIDAndEmail, `
UPDATE sim_cards SET user_id = NULL, owned_since = NULL, label = '', code_required = true,
       sold_to_email = CASE WHEN sold_to_email = $2 THEN NULL ELSE sold_to_email END, updated_at = now(), ` + noAlerts + `
WHERE user_id = $1`},
	// Payments keep amounts, states and the provider's references; the
	// provider's event bodies may carry the payer's name and address.
	{"erase payment events", byID, `
UPDATE payment_events e SET payload = jsonb_build_object('id', e.payload->'id', 'type', e.payload->'type', 'erased', true)
FROM payments p JOIN orders o ON o.id = p.order_id
WHERE e.payment_id = p.id AND o.user_id = $1`},
	// Orders stay for accounting: amounts and lines, not who or where. An
	// erased order belongs to no one and no email, so nothing claims it.
	{"erase orders", byID, `
UPDATE orders SET user_id = NULL, email = '', shipping_address = NULL, note = '', guest_token_hash = NULL, guest_link_hashes = '{}',
       erased_at = now(), updated_at = now()
WHERE user_id = $1`},
	{"erase addresses", byID, `DELETE FROM addresses WHERE user_id = $1`},
	// What the old account system brought stays marked claimed, emptied:
	// importing the same file again brings none of it back.
	{"erase legacy profile", byID, `
UPDATE legacy_accounts SET full_name = '', phone = NULL, addresses = '[]', claimed_by = NULL
WHERE claimed_by = $1`},
	{"erase legacy labels", byEmail, `UPDATE legacy_sim_owners SET label = '' WHERE email = $1 AND claimed_at IS NOT NULL`},
	// Mail not yet sent is dropped; mail sent keeps its address and time
	// only, so that it still counts toward the address's cap (registering
	// and deleting again and again must not flood someone's mailbox).
	{"drop unsent mail", byEmail, `DELETE FROM email_outbox WHERE to_address = $1 AND sent_at IS NULL`},
	{"erase sent mail", byEmail, `UPDATE email_outbox SET subject = '', text_body = '', html_body = '' WHERE to_address = $1`},
	// Sessions and email links go with the row (ON DELETE CASCADE); the
	// email is free for a new account.
	{"delete account", byID, `DELETE FROM users WHERE id = $1`},
}

// EraseAccount deletes the account id with the email within tx, keeping
// only what accounting and the network need, detached from the person (see
// eraseAccount). An account whose email is no longer email is NotFound.
func (s *Store) EraseAccount(ctx context.Context, q Querier, id int64, email string) error {
	for i, step := range eraseAccount {
		args := map[eraseParams][]any{byID: {id}, byEmail: {email}, byIDAndEmail: {id, email}}[step.params]
		res, err := q.ExecContext(ctx, step.query, args...)
		if err != nil {
			return mapError(err, step.what+" "+strconv.FormatInt(id, 10))
		}
		if n, _ := res.RowsAffected(); i == 0 && n == 0 {
			return mapError(sql.ErrNoRows, "account")
		}
	}
	return nil
}
