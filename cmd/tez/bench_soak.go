package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/teztelecom/tez/graph/documents"
	"github.com/teztelecom/tez/internal/bench"
	"github.com/teztelecom/tez/internal/fleet"
	"github.com/teztelecom/tez/internal/seed"
	"github.com/teztelecom/tez/internal/store"
	cdrs "github.com/teztelecom/tez/internal/usage"
)

// soakShare is the share of the measured capacity a soak runs at: loaded,
// with room for the periodic jobs and the faults.
const soakShare = 0.5

// soakSampleEvery is how often the servers' memory and connections are read.
const soakSampleEvery = 10 * time.Second

// cdrEvery is how often the soak imports a file of CDRs, as the network's
// mediation sends them.
const cdrEvery = time.Minute

// soakTarget is the service a soak drives: one server, or several behind
// HAProxy; pids are the server processes to measure.
type soakTarget struct {
	url  string
	pids func() []int
	fl   *fleet.Fleet
	stop func()
}

// runSoak drives the mixed load at half the measured capacity for
// f.soak, with the faults of -fault, and prints what it measured and
// `tez ledger check`'s verdict. It fails when an operation failed
// outside a fault, or the ledger disagrees.
func runSoak(ctx context.Context, env *environment, f benchFlags, d *database) error {
	if f.fault && (d.cluster == nil || f.servers < 2) {
		return errors.New("-fault restarts the embedded database and kills a server behind HAProxy: run it without DATABASE_URL and with -servers 2 or more")
	}
	target, err := startSoakTarget(ctx, env, f, d.dsn)
	if err != nil {
		return err
	}
	defer target.stop()
	fx, err := loadFixtures(ctx, d.st)
	if err != nil {
		return err
	}
	c := newSoakClient(target.url)
	ops, err := soakOps(ctx, c, fx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "measuring the mix's capacity: %d connections for %s\n", f.connections, f.duration)
	capacity, capErrs := bench.Capacity(ctx, ops, f.connections, f.duration)
	if capErrs > 0 {
		env.log.Warn("errors while measuring the capacity", "errors", capErrs)
	}
	s := bench.Soak{
		Ops: ops, Rate: capacity * soakShare, Duration: f.soak, SampleEvery: f.sampleEvery, MaxInFlight: 4 * f.connections,
		Every:  []bench.Every{{Name: "cdr-import", Interval: cdrEvery, Do: cdrImport(env, d.st, fx)}},
		Sample: soakSampler(d.st, target.pids),
	}
	if f.fault {
		s.Faults = soakFaults(env, f, d, target)
	}
	fmt.Fprintf(env.stderr, "capacity %.0f operations/s; soaking at %.0f/s for %s\n", capacity, s.Rate, f.soak)
	rep := s.Run(ctx)
	bad, err := d.st.LedgerMismatches(ctx, d.st.DB())
	if err != nil {
		return fmt.Errorf("tez ledger check: %w", err)
	}
	bench.PrintSoak(env.stdout, rep, capacity, len(bad))
	if f.jsonOut != "" {
		data, err := json.MarshalIndent(map[string]any{"machine": machine(""), "capacity_per_second": capacity, "soak": rep, "ledger_mismatches": len(bad)}, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(f.jsonOut, data, 0o644); err != nil {
			return err
		}
	}
	switch {
	case len(bad) > 0:
		return fmt.Errorf("tez ledger check: %d SIMs disagree with their ledger", len(bad))
	case rep.ErrorsOutsideFaults > 0:
		return fmt.Errorf("%d operations failed outside the faults", rep.ErrorsOutsideFaults)
	}
	return nil
}

func startSoakTarget(ctx context.Context, env *environment, f benchFlags, dsn string) (*soakTarget, error) {
	if f.servers <= 1 {
		srv, err := startBenchServer(ctx, env, dsn, false)
		if err != nil {
			return nil, err
		}
		return &soakTarget{url: srv.url, pids: func() []int { return []int{srv.pid} }, stop: srv.stop}, nil
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	fl, err := fleet.Start(ctx, soakFleetOptions(env, f, self, dsn))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(env.stderr, "%d servers behind HAProxy at %s\n", len(fl.Servers), fl.URL)
	return &soakTarget{url: fl.URL, fl: fl, stop: fl.Stop, pids: func() []int {
		pids := make([]int, 0, len(fl.Servers))
		for _, s := range fl.Servers {
			pids = append(pids, s.PID())
		}
		return pids
	}}, nil
}

func soakFleetOptions(env *environment, f benchFlags, self, dsn string) fleet.Options {
	return fleet.Options{Binary: self, Servers: f.servers, Output: env.stderr, Env: []string{
		"DATABASE_URL=" + dsn, "TEZ_LOG_LEVEL=error", "TEZ_TRUSTED_PROXIES=127.0.0.1/32",
		"TEZ_SANDBOX_SECRET=tez-bench-soak", fmt.Sprintf("TEZ_DB_MAX_CONNS=%d", env.cfg.DBMaxConns)}}
}

// soakFaults kills a server behind the balancer a third into the run (and
// starts it again 30 s later) and restarts PostgreSQL at two thirds.
func soakFaults(env *environment, f benchFlags, d *database, t *soakTarget) []bench.Fault {
	victim := t.fl.Servers[len(t.fl.Servers)-1]
	self, _ := os.Executable()
	return []bench.Fault{
		{Name: "SIGKILL " + victim.Name, At: f.soak / 3, Do: func(ctx context.Context) error {
			if err := victim.Kill(); err != nil {
				return err
			}
			if err := t.fl.AwaitState(ctx, victim.Name, "DOWN"); err != nil {
				return err
			}
			time.Sleep(30 * time.Second)
			if err := t.fl.Restart(ctx, victim, soakFleetOptions(env, f, self, d.dsn)); err != nil {
				return err
			}
			return t.fl.AwaitState(ctx, victim.Name, "UP")
		}},
		{Name: "PostgreSQL restart", At: 2 * f.soak / 3, Do: d.cluster.Restart},
	}
}

// soakSampler reads the servers' RSS from /proc and their open database
// connections from pg_stat_activity (this process's own left out).
func soakSampler(st *store.Store, pids func() []int) func(ctx context.Context) (bench.Sample, error) {
	return func(ctx context.Context) (bench.Sample, error) {
		var s bench.Sample
		for _, pid := range pids() {
			rss, err := bench.RSSMiB(pid)
			if errors.Is(err, fs.ErrNotExist) {
				continue // a server killed by -fault, not yet restarted
			}
			if err != nil {
				return s, err
			}
			s.RSSMiB += rss
		}
		var conns int
		err := st.DB().GetContext(ctx, &conns, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND backend_type = 'client backend'`)
		if err != nil {
			return s, fmt.Errorf("count connections: %w", err)
		}
		s.DBConns = conns - st.DB().Stats().OpenConnections
		return s, nil
	}
}

// soakClient speaks to the service as the web account and the sandbox
// page's visitors do.
type soakClient struct {
	base string
	http *http.Client
}

func newSoakClient(base string) *soakClient {
	return &soakClient{base: base, http: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 256},
		// The sandbox page's answer is a redirect to the shop: its status
		// says the payment went through.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// graphql posts a document and decodes data into out; any error, a GraphQL
// error or a user error (wanted: none) is a failure.
func (c *soakClient) graphql(ctx context.Context, token, query string, vars map[string]any, out any) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/graphql", bytes.NewReader(graphqlBody(query, vars)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if err := bench.Check(res.StatusCode, body); err != nil {
		return err
	}
	if bytes.Contains(body, []byte(`"userErrors":[{`)) {
		return fmt.Errorf("user errors: %.300s", body)
	}
	if out == nil {
		return nil
	}
	var envl struct{ Data json.RawMessage }
	if err := json.Unmarshal(body, &envl); err != nil {
		return err
	}
	return json.Unmarshal(envl.Data, out)
}

// soakOps is the mix: mostly reads, as customers use the account, and the
// writes a day brings.
func soakOps(ctx context.Context, c *soakClient, fx *fixtures) ([]bench.Op, error) {
	type sim struct{ token, iccid, id string }
	sims := make([]sim, 0, len(fx.history))
	for _, p := range fx.history {
		var out struct {
			Me struct{ SimCard struct{ ID string } }
		}
		if err := c.graphql(ctx, p.token, `query($i: ICCID!) { me { simCard(iccid: $i) { id } } }`, map[string]any{"i": p.iccid}, &out); err != nil {
			return nil, fmt.Errorf("soak fixtures: %w", err)
		}
		sims = append(sims, sim{p.token, p.iccid, out.Me.SimCard.ID})
	}
	pickSIM := func(rng *rand.Rand) sim { return sims[rng.IntN(len(sims))] }
	dash := documents.Get("dashboard.graphql")
	return []bench.Op{
		{Name: "dashboard", Weight: 40, Do: func(ctx context.Context, rng *rand.Rand) error {
			return c.graphql(ctx, fx.tokens[rng.IntN(len(fx.tokens))], dash, dashboardVars(), nil)
		}},
		{Name: "history", Weight: 25, Do: func(ctx context.Context, rng *rand.Rand) error {
			s := pickSIM(rng)
			v := dashboardVars()
			v["iccid"] = s.iccid
			return c.graphql(ctx, s.token, historyQuery, v, nil)
		}},
		{Name: "sign-in", Weight: 5, Do: func(ctx context.Context, rng *rand.Rand) error {
			var out struct{ Login struct{ Token *string } }
			email := fx.emails[rng.IntN(len(fx.emails))]
			if err := c.graphql(ctx, "", loginQuery, map[string]any{"email": email, "password": seed.ScalePassword}, &out); err != nil {
				return err
			}
			if out.Login.Token == nil {
				return fmt.Errorf("sign-in of %s answered no session", email)
			}
			return nil
		}},
		{Name: "address", Weight: 10, Do: func(ctx context.Context, rng *rand.Rand) error {
			s := pickSIM(rng)
			var out struct {
				AddressCreate struct{ Address struct{ ID string } }
			}
			if err := c.graphql(ctx, s.token, `mutation($in: AddressInput!) { addressCreate(input: $in) { address { id } userErrors { code } } }`,
				map[string]any{"in": map[string]any{"recipientName": "Soak Test", "line1": fmt.Sprintf("Torstraße %d", rng.IntN(200)+1),
					"city": "Berlin", "postalCode": "10119", "countryCode": "DE"}}, &out); err != nil {
				return err
			}
			return c.graphql(ctx, s.token, `mutation($id: ID!) { addressDelete(id: $id) { deletedId userErrors { code } } }`,
				map[string]any{"id": out.AddressCreate.Address.ID}, nil)
		}},
		{Name: "sim-label", Weight: 15, Do: func(ctx context.Context, rng *rand.Rand) error {
			s := pickSIM(rng)
			return c.graphql(ctx, s.token, `mutation($in: SimCardUpdateInput!) { simCardUpdate(input: $in) { simCard { id } userErrors { code } } }`,
				map[string]any{"in": map[string]any{"id": s.id, "label": fmt.Sprintf("Soak %d", rng.IntN(100))}}, nil)
		}},
		{Name: "checkout-paid", Weight: 5, Do: func(ctx context.Context, rng *rand.Rand) error {
			return c.topUpPaid(ctx, pickSIM(rng).token, pickSIM(rng).iccid)
		}},
	}, nil
}

// topUpPaid orders a voucher for iccid, presses Pay and approves on the
// sandbox page, as a customer's browser does.
func (c *soakClient) topUpPaid(ctx context.Context, token, iccid string) error {
	var placed struct {
		Checkout struct{ Order struct{ ID string } }
	}
	if err := c.graphql(ctx, token, `mutation($in: CheckoutInput!) { checkout(input: $in) { order { id } userErrors { code } } }`,
		map[string]any{"in": map[string]any{"lines": []any{map[string]any{"sku": "TOPUP-10", "quantity": 1, "iccid": iccid}}}}, &placed); err != nil {
		return fmt.Errorf("checkout: %w", err)
	}
	var paid struct {
		OrderPay struct{ Payment struct{ RedirectURL string } }
	}
	if err := c.graphql(ctx, token, `mutation($id: ID!) { orderPay(input: { orderId: $id }) { payment { redirectUrl } userErrors { code } } }`,
		map[string]any{"id": placed.Checkout.Order.ID}, &paid); err != nil {
		return fmt.Errorf("orderPay: %w", err)
	}
	page, err := url.Parse(paid.OrderPay.Payment.RedirectURL)
	if err != nil {
		return err
	}
	// The page as the balancer serves it, whatever public address it names.
	at := c.base + page.RequestURI()
	for _, step := range []struct{ method, body string }{{http.MethodGet, ""}, {http.MethodPost, "decision=approve"}} {
		req, _ := http.NewRequestWithContext(ctx, step.method, at, strings.NewReader(step.body))
		if step.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := c.http.Do(req)
		if err != nil {
			return fmt.Errorf("sandbox page: %w", err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode >= 400 {
			return fmt.Errorf("sandbox page %s: %s", step.method, res.Status)
		}
	}
	return nil
}

// cdrImport imports a file of 500 CDRs of the fixtures' SIMs through the
// importer `tez usage import` runs; a rejected row is a failure.
func cdrImport(env *environment, st *store.Store, fx *fixtures) func(ctx context.Context) error {
	batch := 0
	return func(ctx context.Context) error {
		batch++
		var csv strings.Builder
		csv.WriteString(strings.Join(cdrs.Header, ",") + "\n")
		now := time.Now().UTC().Truncate(time.Second)
		for i := range 500 {
			p := fx.history[i%len(fx.history)]
			started := now.Add(-time.Duration(10+i%50) * time.Minute)
			fmt.Fprintf(&csv, "soak-%d-%d-%d,%s,%s,%s,20000,400000,262,01,Telekom.de,3,USD\n",
				now.Unix(), batch, i, p.iccid, started.Format(time.RFC3339), started.Add(5*time.Minute).Format(time.RFC3339))
		}
		var rejects strings.Builder
		_, err := cdrs.NewImporter(st, newLedger(env, st), cdrs.Options{}).Import(ctx, strings.NewReader(csv.String()), &rejects)
		if err == nil && rejects.Len() > 0 {
			err = fmt.Errorf("rejected CDRs: %.300s", rejects.String())
		}
		return err
	}
}
