package journey

import (
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
)

// A service that reads from a streaming standby (TEZ_DATABASE_REPLICA_URLS),
// as its customers meet it: a newcomer signs up and adds an address, and
// sees it in the very next dashboard; the dashboards are then served by
// the standby (its per-target read count, on /metrics); the standby goes
// down and the customer notices nothing, while /readyz tells the operator.
func TestDashboardsFromAStandby(t *testing.T) {
	t.Parallel()
	api, standby := apitest.NewWithStandby(t)
	s := shopOn(t, api)
	api.AwaitReadyz("replica1: in rotation")

	dana := s.signUp("dana@standby.example", "a long new passphrase", "Dana S")
	home := dana.addressMutation("addressCreate", "input", "AddressInput!", almaty)
	noUserErrors(t, "addressCreate", home.UserErrors)
	dashboard := func() []address {
		t.Helper()
		var out struct{ Me struct{ Addresses []address } }
		dana.query(documents.Get("dashboard.graphql"), map[string]any{"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}, &out)
		return out.Me.Addresses
	}
	if got := dashboard(); len(got) != 1 || got[0].City != "Almaty" {
		t.Fatalf("the dashboard right after adding the address shows %+v", got)
	}

	fromStandby := `tez_db_reads_total{target="replica1"}`
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		before := api.Metric(fromStandby)
		if got := dashboard(); len(got) != 1 {
			t.Fatalf("a dashboard shows %+v", got)
		}
		if api.Metric(fromStandby) > before {
			break // served by the standby, the address included
		}
		if time.Now().After(deadline) {
			t.Fatal("in a minute no dashboard was read from the standby")
		}
	}

	if err := standby.Stop(); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if got := dashboard(); len(got) != 1 || got[0].City != "Almaty" {
			t.Fatalf("with the standby down the dashboard shows %+v", got)
		}
	}
	api.AwaitReadyz("replica1: out of rotation (unreachable)")
}
