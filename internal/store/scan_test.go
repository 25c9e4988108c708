package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/testdb"
)

// The dashboard's statements scan by column position, not by name (see
// queryRows): a field out of order between two columns of the same type
// would go unnoticed by the type system. Every column holds a value of its
// own here, and what the positional reads return must equal what sqlx
// reads by name.
func TestPositionalReadsMatchTheColumns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.New(t)
	st := store.New(db)
	var userID, resellerID int64
	db.QueryRowx(`INSERT INTO users (email, password_hash, terms_accepted_at, terms_version) VALUES ('scan@x.example', 'h', now(), 'v') RETURNING id`).Scan(&userID)
	db.QueryRowx(`INSERT INTO resellers (name) VALUES ('scan-reseller') RETURNING id`).Scan(&resellerID)
	const iccid = "8999700000000000018"
	db.MustExec(`INSERT INTO sim_cards (iccid, msisdn, status, user_id, owned_since, reseller_id, label, balance, currency, last_usage_at)
		VALUES ($1, '+77010000002', 'ACTIVE', $2, now() - interval '40 days', $3, 'Travel', 4321, 'EUR', now() - interval '1 day')`, iccid, userID, resellerID)
	db.MustExec(`INSERT INTO usage_sessions (cdr_id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency)
		VALUES ('scan-1', $1, now() - interval '2 days', now() - interval '2 days' + interval '7 minutes', 111, 2222, 'GE', 'Magti', 33, 'EUR')`, iccid)

	got, err := st.SimCardsByUserID(ctx, []int64{userID})
	if err != nil {
		t.Fatal(err)
	}
	var want []store.SimCard
	if err := db.Select(&want, `SELECT iccid, msisdn, status, user_id, owned_since, reseller_id, label, balance, currency, last_usage_at FROM sim_cards WHERE user_id = $1`, userID); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got[userID], want) {
		t.Errorf("SimCardsByUserID = %+v, by name %+v", got[userID], want)
	}

	r := store.UsageRange{ICCID: iccid, From: time.Now().AddDate(0, 0, -30), To: time.Now()}
	sessions, err := st.NewestSessions(ctx, store.Scope{UserID: userID}, []store.NewestKey{{UsageRange: r, Limit: 5}})
	if err != nil {
		t.Fatal(err)
	}
	var wantSessions []store.UsageSession
	if err := db.Select(&wantSessions, `SELECT id, iccid, started_at, ended_at, bytes_up, bytes_down, country_code, network_name, cost, currency
		FROM usage_sessions WHERE iccid = $1`, iccid); err != nil {
		t.Fatal(err)
	}
	if k := (store.NewestKey{UsageRange: r, Limit: 5}); !reflect.DeepEqual(sessions[k], wantSessions) {
		t.Errorf("NewestSessions = %+v, by name %+v", sessions[k], wantSessions)
	}

	totals, err := st.UsageByCountry(ctx, store.Scope{UserID: userID}, []store.UsageRange{r})
	if err != nil {
		t.Fatal(err)
	}
	wantTotals := []store.CountryUsage{{CountryCode: "GE", BytesUp: 111, BytesDown: 2222, Sessions: 1, CostMinor: 33}}
	if !reflect.DeepEqual(totals[r], wantTotals) {
		t.Errorf("UsageByCountry = %+v, want %+v", totals[r], wantTotals)
	}
}
