package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lib/pq"
)

// LegacyAccount is one account of the old account system, checked by the
// import (internal/legacy). Its data waits for the verified owner of Email.
type LegacyAccount struct {
	Email string
	// Profile is nil when the file names only SIM cards (the CSV format).
	Profile *LegacyProfile
	SIMs    []LegacySIM
	Orders  []LegacyOrder
}

// LegacyProfile is the old account's owner and address book.
type LegacyProfile struct {
	FullName  string
	Phone     string // E.164; "" when none
	Addresses []LegacyAddress
}

// LegacyAddress is an address of the old account, as addresses stores it.
type LegacyAddress struct {
	RecipientName string  `json:"recipient_name"`
	Line1         string  `json:"line1"`
	Line2         string  `json:"line2"`
	City          string  `json:"city"`
	Region        string  `json:"region"`
	PostalCode    string  `json:"postal_code"`
	CountryCode   string  `json:"country_code"`
	Phone         *string `json:"phone"`
	IsDefault     bool    `json:"is_default"`
}

// LegacySIM is a SIM card the old account held, since OwnedSince (nil:
// unknown, the history starts at the claim).
type LegacySIM struct {
	ICCID, Label string
	OwnedSince   *time.Time
}

// LegacyOrder is an order of the old account, totals in minor units of
// Currency.
type LegacyOrder struct {
	Number        string
	Status        OrderStatus
	Currency      string
	SubtotalMinor int64
	ShippingMinor int64
	PlacedAt      time.Time
	PaidAt        *time.Time
	Shipping      *ShippingAddress
	Items         []LegacyItem
}

// LegacyItem is a line of an old order; its product is the one with the
// SKU here, if any.
type LegacyItem struct {
	SKU, Name      string
	Quantity       int
	UnitPriceMinor int64
	ICCID          string // the SIM a voucher credited; "" for other lines
}

// LegacyCounts says how much of the old accounts a step wrote.
type LegacyCounts struct {
	Accounts, SIMs, Orders, Items, Addresses int64
}

// Add sums counts.
func (c *LegacyCounts) Add(o LegacyCounts) {
	c.Accounts += o.Accounts
	c.SIMs += o.SIMs
	c.Orders += o.Orders
	c.Items += o.Items
	c.Addresses += o.Addresses
}

// legacyLock is the advisory lock an import holds for each batch and a
// claim shares: a claim waits for the batch being written, so it sees all
// of it, and a batch sees the emails verified before it.
const legacyLock = `SELECT pg_advisory_xact_lock(7170001)` // shared by WaitForLegacyImport

// LockLegacyImport makes tx the only import writing; claims wait for it.
func (s *Store) LockLegacyImport(ctx context.Context, q Querier) error {
	_, err := q.ExecContext(ctx, legacyLock)
	return mapError(err, "lock legacy import")
}

// WaitForLegacyImport makes tx wait for the import batch being written
// and holds the next one off until tx ends. A transaction that claims (an
// email verification) takes it before its first row lock, so that it never
// holds a row an import batch waits for while it waits for the batch.
func (s *Store) WaitForLegacyImport(ctx context.Context, q Querier) error {
	_, err := q.ExecContext(ctx, `SELECT pg_advisory_xact_lock_shared(7170001)`)
	return mapError(err, "wait for legacy import")
}

// LegacySIMFacts is what the import needs to know of a SIM card here.
type LegacySIMFacts struct {
	ICCID       string    `db:"iccid"`
	Status      SIMStatus `db:"status"`
	OwnerEmail  *string   `db:"owner_email"`   // the email of the account holding it
	SoldToEmail *string   `db:"sold_to_email"` // sold here to this email, not yet claimed
	// Waiting lists the emails of old accounts whose claim of the SIM is
	// pending; Delivered those whose claim was made.
	Waiting   pq.StringArray `db:"waiting"`
	Delivered pq.StringArray `db:"delivered"`
}

const legacySIMFacts = `
SELECT s.iccid, s.status, u.email AS owner_email, s.sold_to_email,
       coalesce(array_agg(l.email::text) FILTER (WHERE l.id IS NOT NULL AND l.claimed_at IS NULL), '{}') AS waiting,
       coalesce(array_agg(l.email::text) FILTER (WHERE l.claimed_at IS NOT NULL), '{}') AS delivered
FROM sim_cards s
LEFT JOIN users u ON u.id = s.user_id
LEFT JOIN legacy_sim_owners l ON l.iccid = s.iccid
WHERE s.iccid = ANY($1::text[])
GROUP BY s.iccid, u.email`

// LegacySIMFactsByICCID answers the facts of the SIM cards among iccids
// that are here; unknown ones are absent.
func (s *Store) LegacySIMFactsByICCID(ctx context.Context, q Querier, iccids []string) (map[string]LegacySIMFacts, error) {
	out, err := selectKeyed(ctx, q, func(r LegacySIMFacts) string { return r.ICCID }, legacySIMFacts, pq.Array(iccids))
	return out, mapError(err, "legacy sim facts")
}

// OrderNumberFacts says who has an order number already.
type OrderNumberFacts struct {
	Number   string `db:"number"`
	Email    string `db:"email"`
	Imported bool   `db:"imported"`
	Erased   bool   `db:"erased"` // its account was deleted (EraseAccount)
}

// OrderNumbersTaken answers the orders among numbers that exist.
func (s *Store) OrderNumbersTaken(ctx context.Context, q Querier, numbers []string) (map[string]OrderNumberFacts, error) {
	out, err := selectKeyed(ctx, q, func(r OrderNumberFacts) string { return r.Number }, `SELECT number, email, imported_at IS NOT NULL AS imported, erased_at IS NOT NULL AS erased
		FROM orders WHERE number = ANY($1::text[])`,
		pq.Array(numbers))
	return out, mapError(err, "order numbers")
}

// Importing again changes nothing; a file that corrects an account changes
// it while it waits for its owner.
const upsertLegacyAccounts = `
INSERT INTO legacy_accounts AS l (email, full_name, phone, addresses)
SELECT a.email, a.full_name, nullif(a.phone, ''), a.addresses::jsonb
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS a(email, full_name, phone, addresses)
ON CONFLICT (email) DO UPDATE SET full_name = EXCLUDED.full_name, phone = EXCLUDED.phone, addresses = EXCLUDED.addresses
WHERE l.claimed_at IS NULL
  AND (l.full_name, l.phone, l.addresses) IS DISTINCT FROM (EXCLUDED.full_name, EXCLUDED.phone, EXCLUDED.addresses)`

const upsertLegacySIMOwners = `
INSERT INTO legacy_sim_owners AS l (email, iccid, label, owned_since)
SELECT a.email, a.iccid, a.label, nullif(a.owned_since, '')::timestamptz
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS a(email, iccid, label, owned_since)
ON CONFLICT (email, iccid) DO UPDATE SET label = EXCLUDED.label, owned_since = EXCLUDED.owned_since
WHERE l.claimed_at IS NULL AND (l.label, l.owned_since) IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.owned_since)`

// An order imported before stays as it was (its number is taken). The
// lines go in the same statement, for the orders it inserted only; a line
// whose SKU is not in the catalogue has no product. Lines of a fulfilled
// order count as delivered.
const insertLegacyOrders = `
WITH new AS (
    INSERT INTO orders (number, email, status, subtotal, shipping_fee, total, currency, shipping_address,
                        created_at, updated_at, paid_at, imported_at)
    SELECT o.number, o.email, o.status::order_status, o.subtotal, o.shipping, o.subtotal + o.shipping, o.currency,
           nullif(o.shipping_address, '')::jsonb, o.placed_at, now(), nullif(o.paid_at, '')::timestamptz, now()
    FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::timestamptz[], $9::text[])
         AS o(number, email, status, subtotal, shipping, currency, shipping_address, placed_at, paid_at)
    ON CONFLICT (number) DO NOTHING
    RETURNING id, number, status, currency),
lines AS (
    INSERT INTO order_items (order_id, line_no, product_id, sku, name, quantity, unit_price, line_total, currency, iccid, fulfilled_quantity)
    SELECT new.id, l.line_no, p.id, l.sku, l.name, l.quantity, l.unit_price, l.unit_price * l.quantity, new.currency,
           nullif(l.iccid, ''), CASE WHEN new.status = 'FULFILLED' THEN l.quantity ELSE 0 END
    FROM unnest($10::text[], $11::int[], $12::text[], $13::text[], $14::int[], $15::bigint[], $16::text[])
         AS l(number, line_no, sku, name, quantity, unit_price, iccid)
    JOIN new ON new.number = l.number
    LEFT JOIN products p ON p.sku = l.sku
    RETURNING 1)
SELECT (SELECT count(*) FROM new), (SELECT count(*) FROM lines)`

// StoreLegacyAccounts writes checked accounts inside tx (after
// LockLegacyImport), one statement per table: profiles, SIM owners, and
// orders with their lines. Emails are unique among the accounts with a
// profile, (email, ICCID) pairs and order numbers among all. It answers
// what was new or changed.
func (s *Store) StoreLegacyAccounts(ctx context.Context, q Querier, accounts []LegacyAccount) (LegacyCounts, error) {
	var c LegacyCounts
	var p struct{ emails, names, phones, addresses []string }
	var sims struct{ emails, iccids, labels, since []string }
	var ord struct {
		numbers, emails, statuses, currencies, shipping, paid []string
		subtotals, fees                                       []int64
		placed                                                []string
	}
	var items struct {
		numbers, skus, names, iccids []string
		lineNos, quantities          []int64
		prices                       []int64
	}
	for _, a := range accounts {
		if a.Profile != nil {
			addrs, err := json.Marshal(orEmpty(a.Profile.Addresses))
			if err != nil {
				return c, err
			}
			p.emails = append(p.emails, a.Email)
			p.names = append(p.names, a.Profile.FullName)
			p.phones = append(p.phones, a.Profile.Phone)
			p.addresses = append(p.addresses, string(addrs))
		}
		for _, sim := range a.SIMs {
			sims.emails = append(sims.emails, a.Email)
			sims.iccids = append(sims.iccids, sim.ICCID)
			sims.labels = append(sims.labels, sim.Label)
			sims.since = append(sims.since, timeText(sim.OwnedSince))
		}
		for _, o := range a.Orders {
			ship := ""
			if o.Shipping != nil {
				b, err := json.Marshal(o.Shipping)
				if err != nil {
					return c, err
				}
				ship = string(b)
			}
			ord.numbers = append(ord.numbers, o.Number)
			ord.emails = append(ord.emails, a.Email)
			ord.statuses = append(ord.statuses, string(o.Status))
			ord.subtotals = append(ord.subtotals, o.SubtotalMinor)
			ord.fees = append(ord.fees, o.ShippingMinor)
			ord.currencies = append(ord.currencies, o.Currency)
			ord.shipping = append(ord.shipping, ship)
			ord.placed = append(ord.placed, timeText(&o.PlacedAt))
			ord.paid = append(ord.paid, timeText(o.PaidAt))
			for i, it := range o.Items {
				items.numbers = append(items.numbers, o.Number)
				items.lineNos = append(items.lineNos, int64(i+1))
				items.skus = append(items.skus, it.SKU)
				items.names = append(items.names, it.Name)
				items.quantities = append(items.quantities, int64(it.Quantity))
				items.prices = append(items.prices, it.UnitPriceMinor)
				items.iccids = append(items.iccids, it.ICCID)
			}
		}
	}
	if len(p.emails) > 0 {
		res, err := q.ExecContext(ctx, upsertLegacyAccounts, pq.Array(p.emails), pq.Array(p.names), pq.Array(p.phones), pq.Array(p.addresses))
		if err != nil {
			return c, mapError(err, "store legacy accounts")
		}
		c.Accounts, _ = res.RowsAffected()
	}
	if len(sims.emails) > 0 {
		res, err := q.ExecContext(ctx, upsertLegacySIMOwners, pq.Array(sims.emails), pq.Array(sims.iccids), pq.Array(sims.labels), pq.Array(sims.since))
		if err != nil {
			return c, mapError(err, "store legacy sim owners")
		}
		c.SIMs, _ = res.RowsAffected()
	}
	if len(ord.numbers) > 0 {
		err := q.QueryRowxContext(ctx, insertLegacyOrders,
			pq.Array(ord.numbers), pq.Array(ord.emails), pq.Array(ord.statuses), pq.Array(ord.subtotals), pq.Array(ord.fees),
			pq.Array(ord.currencies), pq.Array(ord.shipping), pq.Array(ord.placed), pq.Array(ord.paid),
			pq.Array(items.numbers), pq.Array(items.lineNos), pq.Array(items.skus), pq.Array(items.names),
			pq.Array(items.quantities), pq.Array(items.prices), pq.Array(items.iccids)).Scan(&c.Orders, &c.Items)
		if err != nil {
			return c, mapError(err, "store legacy orders")
		}
	}
	return c, nil
}

// timeText is a time as a timestamptz literal; "" for nil (NULL).
func timeText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// The verified owners of the emails: the only accounts old data joins.
const legacyOwners = `owners AS (SELECT id, email FROM users WHERE email = ANY($1::citext[]) AND email_verified_at IS NOT NULL)`

// Each waiting SIM joins its old account's owner, with its label and the
// date the old account got it, unless someone holds it here; the rows
// whose SIM is now the owner's are marked claimed, the others wait.
const claimLegacySIMs = `
WITH ` + legacyOwners + `,
attached AS (
    UPDATE sim_cards s SET user_id = o.id, owned_since = coalesce(l.owned_since, now()), label = l.label, updated_at = now()
    FROM legacy_sim_owners l JOIN owners o ON o.email = l.email
    WHERE l.claimed_at IS NULL AND s.iccid = l.iccid AND s.user_id IS NULL
    RETURNING s.iccid, s.user_id),
claimed AS (
    UPDATE legacy_sim_owners l SET claimed_at = now()
    FROM owners o
    WHERE l.email = o.email AND l.claimed_at IS NULL
      AND (l.iccid IN (SELECT iccid FROM attached WHERE user_id = o.id)
           OR l.iccid IN (SELECT iccid FROM sim_cards WHERE user_id = o.id))
    RETURNING 1)
SELECT count(*) FROM attached`

const claimLegacyOrders = `
WITH ` + legacyOwners + `
UPDATE orders x SET user_id = o.id, updated_at = now()
FROM owners o
WHERE x.email = o.email AND x.user_id IS NULL AND x.imported_at IS NOT NULL`

// The profile fills what the account left empty; the addresses come only
// into an empty address book (a default taken meanwhile by a concurrent
// edit skips the old one rather than failing).
const claimLegacyAccounts = `
WITH ` + legacyOwners + `,
taken AS (
    UPDATE legacy_accounts l SET claimed_at = now(), claimed_by = o.id
    FROM owners o
    WHERE l.email = o.email AND l.claimed_at IS NULL
    RETURNING o.id AS user_id, l.full_name, l.phone, l.addresses),
profile AS (
    UPDATE users u SET full_name = CASE WHEN u.full_name = '' THEN t.full_name ELSE u.full_name END,
                       phone = coalesce(u.phone, t.phone), updated_at = now()
    FROM taken t
    WHERE u.id = t.user_id AND ((u.full_name = '' AND t.full_name <> '') OR (u.phone IS NULL AND t.phone IS NOT NULL))),
added AS (
    INSERT INTO addresses (user_id, recipient_name, line1, line2, city, region, postal_code, country_code, phone, is_default)
    SELECT t.user_id, a.recipient_name, a.line1, a.line2, a.city, a.region, a.postal_code, a.country_code, a.phone, a.is_default
    FROM taken t
    CROSS JOIN LATERAL jsonb_to_recordset(t.addresses) AS a(recipient_name text, line1 text, line2 text, city text, region text,
                                                           postal_code text, country_code text, phone text, is_default boolean)
    WHERE NOT EXISTS (SELECT 1 FROM addresses x WHERE x.user_id = t.user_id)
    ON CONFLICT DO NOTHING
    RETURNING 1)
SELECT (SELECT count(*) FROM taken), (SELECT count(*) FROM added)`

// ClaimLegacy brings the old accounts of emails into the accounts that own
// them verified: SIM cards (owned since the old account got them), orders,
// the profile where the account's is empty, and the addresses when the
// account has none. Emails without a verified owner attach nothing and
// wait. It answers what joined.
func (s *Store) ClaimLegacy(ctx context.Context, q Querier, emails []string) (LegacyCounts, error) {
	var c LegacyCounts
	if err := s.WaitForLegacyImport(ctx, q); err != nil {
		return c, err
	}
	arg := pq.Array(emails)
	if err := q.GetContext(ctx, &c.SIMs, claimLegacySIMs, arg); err != nil {
		return c, mapError(err, "claim legacy sim cards")
	}
	res, err := q.ExecContext(ctx, claimLegacyOrders, arg)
	if err != nil {
		return c, mapError(err, "claim legacy orders")
	}
	c.Orders, _ = res.RowsAffected()
	if err := q.QueryRowxContext(ctx, claimLegacyAccounts, arg).Scan(&c.Accounts, &c.Addresses); err != nil {
		return c, mapError(err, "claim legacy accounts")
	}
	return c, nil
}
