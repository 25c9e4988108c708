package journey

import (
	"strings"
	"testing"

	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/pgbouncertest"
)

// behindPgBouncer names the test whose journeys run behind PgBouncer.
const behindPgBouncer = "TestKeyJourneysBehindPgBouncer"

// startAPI starts the service for a journey: on its own database, or, for
// the journeys TestKeyJourneysBehindPgBouncer runs, through a real PgBouncer
// in transaction mode with TEZ_DB_PREPARED=off.
func startAPI(t *testing.T, opts ...apitest.Option) *apitest.API {
	t.Helper()
	if strings.HasPrefix(t.Name(), behindPgBouncer+"/") {
		return apitest.NewBehindPooler(t, func(t testing.TB, dsn string) string { return pgbouncertest.Start(t, dsn, 8) }, opts...)
	}
	return apitest.New(t, opts...)
}

// The service behind a pooler in transaction mode, where no session state
// lasts past a transaction: the key journeys of the announcement, unchanged,
// each on a server whose every statement goes through PgBouncer, but for
// its one LISTEN connection, which goes direct (TEZ_DATABASE_LISTEN_URL).
func TestKeyJourneysBehindPgBouncer(t *testing.T) {
	for name, journey := range map[string]func(*testing.T){
		"register, confirm, sign in at checkout": TestRegisterConfirmAndSignInAtCheckout,
		"my orders, pay on the sandbox page":     TestMyOrdersPayOnTheSandboxPage,
		"buy again":                              TestBuyAgain,
		"my addresses":                           TestMyAddresses,
		"my history by day, by network, as CSV":  TestMyHistoryByDayByNetworkAndAsCSV,
		"a live balance change (LISTEN direct)":  TestMyNumbersShowsALiveBalanceChange,
	} {
		t.Run(name, journey)
	}
}
