package store

import (
	"context"
	"time"

	"github.com/lib/pq"

	"github.com/teztelecom/tez/internal/relay"
)

// Reseller is a partner that sells SIM cards.
type Reseller struct {
	ID            int64     `db:"id"`
	Name          string    `db:"name"`
	RatePerSecond int       `db:"rate_per_second"`
	Burst         int       `db:"burst"`
	CreatedAt     time.Time `db:"created_at"`
}

// APIKey is a reseller's key as stored: the secret only as a hash.
type APIKey struct {
	ID         int64      `db:"id"`
	ResellerID int64      `db:"reseller_id"`
	Prefix     string     `db:"prefix"`
	SecretHash []byte     `db:"secret_hash"`
	CreatedAt  time.Time  `db:"created_at"`
	ExpiresAt  *time.Time `db:"expires_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
}

const insertReseller = `
INSERT INTO resellers (name, rate_per_second, burst) VALUES ($1, $2, $3)
RETURNING id, name, rate_per_second, burst, created_at`

// CreateReseller adds a reseller; a taken name is a Conflict.
func (s *Store) CreateReseller(ctx context.Context, q Querier, name string, rate, burst int) (Reseller, error) {
	var r Reseller
	err := q.GetContext(ctx, &r, insertReseller, name, rate, burst)
	return r, mapError(err, "reseller "+name)
}

const resellerByRef = `
SELECT id, name, rate_per_second, burst, created_at FROM resellers
WHERE id::text = $1 OR name = $1
ORDER BY id::text = $1 DESC LIMIT 1`

// ResellerByRef finds a reseller by id or by name, as operators type it.
func (s *Store) ResellerByRef(ctx context.Context, q Querier, ref string) (Reseller, error) {
	var r Reseller
	err := q.GetContext(ctx, &r, resellerByRef, ref)
	return r, mapError(err, "reseller "+ref)
}

const insertAPIKey = `
INSERT INTO reseller_api_keys (reseller_id, prefix, secret_hash, expires_at) VALUES ($1, $2, $3, $4)
RETURNING id, reseller_id, prefix, secret_hash, created_at, expires_at, revoked_at, last_used_at`

// CreateAPIKey stores a new key.
func (s *Store) CreateAPIKey(ctx context.Context, q Querier, resellerID int64, prefix string, secretHash []byte, expiresAt *time.Time) (APIKey, error) {
	var k APIKey
	err := q.GetContext(ctx, &k, insertAPIKey, resellerID, prefix, secretHash, expiresAt)
	return k, mapError(err, "api key")
}

const apiKeysOfReseller = `
SELECT id, reseller_id, prefix, secret_hash, created_at, expires_at, revoked_at, last_used_at
FROM reseller_api_keys WHERE reseller_id = $1 ORDER BY id`

// APIKeysOfReseller lists a reseller's keys, revoked ones included.
func (s *Store) APIKeysOfReseller(ctx context.Context, q Querier, resellerID int64) ([]APIKey, error) {
	var keys []APIKey
	err := q.SelectContext(ctx, &keys, apiKeysOfReseller, resellerID)
	return keys, mapError(err, "api keys")
}

const revokeAPIKey = `
UPDATE reseller_api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE prefix = $1 RETURNING id`

// RevokeAPIKey revokes the key with the given prefix (again: no-op).
func (s *Store) RevokeAPIKey(ctx context.Context, q Querier, prefix string) error {
	var id int64
	return mapError(q.GetContext(ctx, &id, revokeAPIKey, prefix), "api key "+prefix)
}

// LiveAPIKey is a usable key with its reseller's rate limit.
type LiveAPIKey struct {
	APIKey
	RatePerSecond int `db:"rate_per_second"`
	Burst         int `db:"burst"`
	// ReadFence is where a replica must have replayed to serve the key's
	// reads (RecordReadFence).
	ReadFence LSN `db:"read_fence"`
}

// One indexed lookup on the unique prefix.
const liveAPIKeyByPrefix = `
SELECT k.id, k.reseller_id, k.prefix, k.secret_hash, k.created_at, k.expires_at, k.revoked_at, k.last_used_at,
       k.read_fence, r.rate_per_second, r.burst
FROM reseller_api_keys k JOIN resellers r ON r.id = k.reseller_id
WHERE k.prefix = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`

// LiveAPIKeyByPrefix finds a key that is neither revoked nor expired.
func (s *Store) LiveAPIKeyByPrefix(ctx context.Context, q Querier, prefix string) (LiveAPIKey, error) {
	var k LiveAPIKey
	err := q.GetContext(ctx, &k, liveAPIKeyByPrefix, prefix)
	return k, mapError(err, "api key")
}

// TouchAPIKey records use of a key, at most once a minute.
func (s *Store) TouchAPIKey(ctx context.Context, q Querier, id int64) error {
	return touchOncePerMinute(ctx, q, "reseller_api_keys", id)
}

// SIMAssignment is what assigning one ICCID to a reseller found.
type SIMAssignment struct {
	ICCID      string `db:"iccid"`
	Exists     bool   `db:"found"`
	Assigned   bool   `db:"assigned"`    // assigned now by this call
	ResellerID *int64 `db:"reseller_id"` // the holder before this call
}

// Assigns what is free in one statement and reports every ICCID asked for:
// unknown, newly assigned, or already held (by this or another reseller).
const assignSIMs = `
WITH asked AS (SELECT DISTINCT unnest($2::text[]) AS iccid),
before AS (
    SELECT a.iccid, s.iccid IS NOT NULL AS found, s.reseller_id
    FROM asked a LEFT JOIN sim_cards s ON s.iccid = a.iccid
),
assigned AS (
    UPDATE sim_cards s SET reseller_id = $1, updated_at = now()
    FROM before b
    WHERE s.iccid = b.iccid AND b.found AND b.reseller_id IS NULL
    RETURNING s.iccid
)
SELECT b.iccid, b.found, (x.iccid IS NOT NULL) AS assigned, b.reseller_id
FROM before b LEFT JOIN assigned x ON x.iccid = b.iccid`

// AssignSIMs gives the free SIMs among iccids to a reseller.
func (s *Store) AssignSIMs(ctx context.Context, q Querier, resellerID int64, iccids []string) (map[string]SIMAssignment, error) {
	out, err := selectKeyed(ctx, q, func(r SIMAssignment) string { return r.ICCID }, assignSIMs, resellerID, pq.Array(iccids))
	return out, mapError(err, "assign sims")
}

// ResellerSIM is a SIM card as its reseller sees it. It holds nothing of
// the customer's: no owner, label or history, only when the SIM last used
// data while its current customer held it.
type ResellerSIM struct {
	ICCID        string     `db:"iccid"`
	MSISDN       *string    `db:"msisdn"`
	Status       SIMStatus  `db:"status"`
	BalanceMinor int64      `db:"balance"`
	Currency     string     `db:"currency"`
	LastUsageAt  *time.Time `db:"last_usage_at"`
	BalanceAsOf  time.Time  `db:"balance_as_of"` // as SimCard's
}

// ResellerSIMCursor is a reseller's SIM card's cursor in ICCID order.
func ResellerSIMCursor(s ResellerSIM) string { return relay.EncodeCursor(s.ICCID) }

// resellerSIMCols read only what a partner may see, each beside its scan
// target (a positional read, see queryRows: a balances request reads 500
// rows). The last usage is the current customer's (null when no customer
// holds the SIM: the comparison with a null owned_since is null), as the
// customer sees it.
var resellerSIMCols = columns[ResellerSIM]{
	{"iccid", func(sc *ResellerSIM) any { return &sc.ICCID }},
	{"msisdn", func(sc *ResellerSIM) any { return &sc.MSISDN }},
	{"status", func(sc *ResellerSIM) any { return &sc.Status }},
	{"balance", func(sc *ResellerSIM) any { return &sc.BalanceMinor }},
	{"currency", func(sc *ResellerSIM) any { return &sc.Currency }},
	{"CASE WHEN last_usage_at >= owned_since THEN last_usage_at END AS last_usage_at", func(sc *ResellerSIM) any { return &sc.LastUsageAt }},
	{balanceAsOfColumn, func(sc *ResellerSIM) any { return &sc.BalanceAsOf }},
}

var resellerSIMColumns = resellerSIMCols.list()

var resellerSIMsByICCID = `SELECT ` + resellerSIMColumns + ` FROM sim_cards WHERE iccid = ANY($1) AND reseller_id = $2`

// ResellerSIMsByICCID reads the reseller's SIMs among iccids in one
// statement; others' and unknown ones are absent.
func (s *Store) ResellerSIMsByICCID(ctx context.Context, q Querier, resellerID int64, iccids []string) (map[string]ResellerSIM, error) {
	rows, err := queryRows(ctx, q, resellerSIMCols.targets, resellerSIMsByICCID, pq.Array(iccids), resellerID)
	if err != nil {
		return nil, mapError(err, "reseller sim cards")
	}
	out := make(map[string]ResellerSIM, len(rows))
	for _, sc := range rows {
		out[sc.ICCID] = sc
	}
	return out, nil
}

// No cursor is the empty string, before every ICCID: the index's condition,
// so a fleet's later pages do not read its earlier ones (see ordersPage).
var resellerSIMsPage = `
SELECT ` + resellerSIMColumns + ` FROM sim_cards
WHERE reseller_id = $1 AND ($2::text IS NULL OR status::text = $2) AND iccid > coalesce($3::text, '')
ORDER BY iccid LIMIT $4`

// ResellerSIMsPage returns a page of the reseller's SIMs in ICCID order,
// fetched with one row more than the page (see relay.Cut).
func (s *Store) ResellerSIMsPage(ctx context.Context, q Querier, resellerID int64, status *SIMStatus, page relay.Page) ([]ResellerSIM, error) {
	var after *string
	if page.After != nil {
		after = &page.After[0]
	}
	rows, err := queryRows(ctx, q, resellerSIMCols.targets, resellerSIMsPage, resellerID, status, after, page.Fetch())
	return rows, mapError(err, "reseller sim cards")
}

const resellerByID = `SELECT id, name, rate_per_second, burst, created_at FROM resellers WHERE id = $1`

// ResellerByID loads a reseller.
func (s *Store) ResellerByID(ctx context.Context, q Querier, id int64) (Reseller, error) {
	var r Reseller
	err := q.GetContext(ctx, &r, resellerByID, id)
	return r, mapError(err, "reseller")
}
