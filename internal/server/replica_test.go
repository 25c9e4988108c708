package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/apitest"
	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/pgdev"
	"github.com/teztelecom/tez/internal/testdb"
)

// These tests run the server on a real streaming standby of its database
// (pg_basebackup -R, internal/pgdev), as TEZ_DATABASE_REPLICA_URLS names
// one, and check where reads go by what a client sees and by /metrics.

const replicaReads = `tez_db_reads_total{target="replica1"}`
const primaryReads = `tez_db_reads_total{target="primary"}`

// TestReadReplicas runs the cases on one standby, in turn: each may pause
// its replay or stop it (and undoes that), and a copy of the test cluster
// takes long on a loaded machine. The maximum lag is long: the shared
// cluster writes all the time, so a paused standby is behind at once (the
// lag's own rule has its test in internal/store).
func TestReadReplicas(t *testing.T) {
	api, standby := apitest.NewWithStandby(t, func(c *config.Config) { c.ReplicaMaxLag = time.Hour })
	for _, c := range []struct {
		name string
		run  func(*testing.T, *apitest.API, *pgdev.Standby)
	}{
		{"dashboard served by the standby", dashboardIsServedByTheStandby},
		{"a customer sees their new address at once", customerSeesTheirNewAddressAtOnce},
		{"forged read fences change nothing", forgedReadFencesChangeNothing},
		{"standby stopped, reads move to the primary", standbyStoppedReadsMoveToThePrimary},
	} {
		if !t.Run(c.name, func(t *testing.T) { c.run(t, api, standby) }) {
			return // the standby may be left paused
		}
	}
}

func dashboard(token string) apitest.Request {
	return apitest.Request{Query: documents.Get("dashboard.graphql"), Token: token,
		Variables: map[string]any{"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}}
}

type account struct {
	Me struct {
		Addresses []struct{ City string }
	}
}

// waitFor polls what until it holds, failing after a minute: the
// standby replays the whole shared cluster's WAL, which on a loaded
// machine falls seconds behind.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
	}
}

// servedByReplica waits until a read of token's reaches the replica: the
// first request of a session settles its fence on the primary, and the
// replica is used again once its next health check has it past the fence.
func servedByReplica(t *testing.T, api *apitest.API, token string) {
	t.Helper()
	waitFor(t, "a dashboard read from the standby", func() bool {
		before := api.Metric(replicaReads)
		var got account
		api.Query(dashboard(token), &got)
		return api.Metric(replicaReads) > before
	})
}

// addByHand adds an address to email's account straight on the primary,
// as an operator's script would: no request of the customer's wrote it.
func addByHand(t *testing.T, api *apitest.API, email string) {
	t.Helper()
	api.MustExec(`INSERT INTO addresses (user_id, recipient_name, line1, city, postal_code, country_code)
		SELECT id, 'By Hand', 'Abay Avenue 1', 'Astana', '010000', 'KZ' FROM users WHERE email = $1`, email)
}

// pauseReplay pauses the standby's replay until resumeReplay, or until
// the test ends.
func pauseReplay(t *testing.T, api *apitest.API) {
	t.Helper()
	replay(t, api, "pg_wal_replay_pause")
	t.Cleanup(func() { replay(t, api, "pg_wal_replay_resume") })
}

func resumeReplay(t *testing.T, api *apitest.API) { replay(t, api, "pg_wal_replay_resume") }

func replay(t *testing.T, api *apitest.API, fn string) {
	t.Helper()
	db := testdb.Open(t, api.Cfg.DatabaseReplicaURLs[0])
	if _, err := db.Exec("SELECT " + fn + "()"); err != nil {
		t.Fatalf("%s on the standby: %v", fn, err)
	}
}

// The dashboard is served by the standby: with its replay paused, a
// change made on the primary by someone else (an address an operator
// added by hand) does not show, which only the standby can answer; the
// session never wrote, so nothing sends it to the primary.
func dashboardIsServedByTheStandby(t *testing.T, api *apitest.API, _ *pgdev.Standby) {
	_, token := api.Customer("reader@replica.example")
	api.AwaitReadyz("replica1: in rotation")
	servedByReplica(t, api, token)

	pauseReplay(t, api)
	addByHand(t, api, "reader@replica.example")
	before := api.Metric(replicaReads)
	var got account
	api.Query(dashboard(token), &got)
	if len(got.Me.Addresses) != 0 {
		t.Errorf("the dashboard shows the address added on the primary: it was not read from the paused standby")
	}
	if api.Metric(replicaReads) <= before {
		t.Errorf("%s did not grow with a dashboard read", replicaReads)
	}
}

// A customer who adds an address sees it in the next read, with the
// standby's replay paused: the mutation moved the session's read fence past
// its write, so its reads go to the primary until the standby replays
// past it. Another customer, who wrote nothing, keeps reading the
// standby; and once replay resumes, so does the first.
func customerSeesTheirNewAddressAtOnce(t *testing.T, api *apitest.API, _ *pgdev.Standby) {
	_, writer := api.Customer("writer@replica.example")
	_, other := api.Customer("other@replica.example")
	api.AwaitReadyz("replica1: in rotation")
	servedByReplica(t, api, writer)
	servedByReplica(t, api, other)

	pauseReplay(t, api)
	res := api.Do(apitest.Request{Token: writer, Query: `mutation($in: AddressInput!) { addressCreate(input: $in) { address { city } userErrors { code } } }`,
		Variables: map[string]any{"in": map[string]any{"recipientName": "W R", "line1": "Abay Avenue 10", "city": "Almaty", "postalCode": "050000", "countryCode": "KZ"}}})
	if res.Status != http.StatusOK || len(res.Errors) > 0 || strings.Contains(string(res.Data), `"code"`) {
		t.Fatalf("addressCreate: %d %s %+v", res.Status, res.Data, res.Errors)
	}
	primaryBefore, replicaBefore := api.Metric(primaryReads), api.Metric(replicaReads)
	var got account
	api.Query(dashboard(writer), &got)
	if len(got.Me.Addresses) != 1 || got.Me.Addresses[0].City != "Almaty" {
		t.Fatalf("right after adding it, the customer's addresses are %+v; want the new one", got.Me.Addresses)
	}
	if api.Metric(primaryReads) <= primaryBefore || api.Metric(replicaReads) != replicaBefore {
		t.Errorf("the writer's read after its write went to the standby, or nowhere: primary %v→%v, replica %v→%v",
			primaryBefore, api.Metric(primaryReads), replicaBefore, api.Metric(replicaReads))
	}
	replicaBefore = api.Metric(replicaReads)
	api.Query(dashboard(other), &got)
	if api.Metric(replicaReads) <= replicaBefore {
		t.Errorf("a customer who wrote nothing was sent to the primary too")
	}

	resumeReplay(t, api)
	servedByReplica(t, api, writer)
	api.Query(dashboard(writer), &got)
	if len(got.Me.Addresses) != 1 {
		t.Errorf("read from the standby after it caught up, the addresses are %+v", got.Me.Addresses)
	}
}

// The standby stops under load: not one client read fails, reads move to
// the primary and /readyz says the replica is out; when it comes back it
// is in rotation again.
func standbyStoppedReadsMoveToThePrimary(t *testing.T, api *apitest.API, standby *pgdev.Standby) {
	_, token := api.Customer("steady@replica.example")
	api.AwaitReadyz("replica1: in rotation")
	servedByReplica(t, api, token)

	stopped := make(chan error, 1)
	go func() { stopped <- standby.Stop() }()
	reads := 0
	for done := false; !done || reads < 5; reads++ {
		res := api.Do(dashboard(token))
		if res.Status != http.StatusOK || len(res.Errors) > 0 {
			t.Fatalf("read %d while the standby stops: %d %+v", reads, res.Status, res.Errors)
		}
		select {
		case err := <-stopped:
			if err != nil {
				t.Fatal(err)
			}
			done = true
		default:
		}
	}
	api.AwaitReadyz("replica1: out of rotation (unreachable)")
	before := api.Metric(primaryReads)
	var got account
	api.Query(dashboard(token), &got)
	if api.Metric(primaryReads) <= before {
		t.Errorf("with the standby down, %s did not grow", primaryReads)
	}
	if lines := api.ErrorLogs(); len(lines) > 0 {
		t.Errorf("the standby going away logged errors: %v", lines)
	}

	if err := standby.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	api.AwaitReadyz("replica1: in rotation")
	servedByReplica(t, api, token)
}

// What a client sends cannot choose where its reads go: the fence lives in
// the session's row, not in anything the client holds, so made-up headers
// and cookies change nothing, and a session whose fence lies beyond
// anything replayed (a corrupted row, or one moved by hand) reads the
// primary without an error.
func forgedReadFencesChangeNothing(t *testing.T, api *apitest.API, _ *pgdev.Standby) {
	_, token := api.Customer("forger@replica.example")
	api.AwaitReadyz("replica1: in rotation")
	servedByReplica(t, api, token)
	pauseReplay(t, api)
	addByHand(t, api, "forger@replica.example")

	for _, h := range []map[string]string{
		{"X-Read-Fence": "0/0"},
		{"X-Read-Fence": "FFFFFFFF/FFFFFFFF", "Cookie": "tez_fence=0/0; read_fence=garbage"},
		{"Cookie": "tez_session=; fence=" + strings.Repeat("Z", 4000)},
	} {
		req := dashboard(token)
		req.Header = h
		before := api.Metric(replicaReads)
		var got account
		api.Query(req, &got)
		if len(got.Me.Addresses) != 0 || api.Metric(replicaReads) <= before {
			t.Errorf("with headers %v the read did not come from the standby as the session's fence says", h)
		}
	}

	api.MustExec(`UPDATE auth_sessions SET read_fence = 'FFFFFFFF/FFFFFFFE'
		WHERE user_id = (SELECT id FROM users WHERE email = 'forger@replica.example')`)
	var got account
	api.Query(dashboard(token), &got)
	if len(got.Me.Addresses) != 1 {
		t.Errorf("a fence beyond anything replayed read addresses %+v, not the primary's one", got.Me.Addresses)
	}
}

// A replica URL that names a server which is not a standby (the primary
// itself, by mistake) is never read from: /readyz says why.
func TestReplicaThatIsNotAStandbyIsOutOfRotation(t *testing.T) {
	api := apitest.New(t)
	second := api.Replica(func(c *config.Config) { c.DatabaseReplicaURLs = []string{api.DSN} })
	_, token := second.Customer("misconfigured@replica.example")
	second.AwaitReadyz("replica1: out of rotation (not a standby")
	var got account
	second.Query(dashboard(token), &got)
	if n := second.Metric(replicaReads); n != 0 {
		t.Errorf("%s = %v, want 0", replicaReads, n)
	}
}
