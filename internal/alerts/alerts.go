// Package alerts emails a SIM's owner the alerts they chose: the balance
// going from above their threshold to at or below it, the balance projected
// to run out within their number of days, and the SIM suspended for lack of
// balance. Each fires on the crossing, in the ledger's transaction, so an
// alert goes out once per crossing however many debits follow, and a credit
// back above re-arms it. The decision reads only what the ledger's row lock
// already loaded; statements run only for SIMs that chose a run-out alert
// and for the rare alert that fires.
package alerts

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/teztelecom/tez/internal/lang"
	"github.com/teztelecom/tez/internal/ledger"
	"github.com/teztelecom/tez/internal/money"
	"github.com/teztelecom/tez/internal/store"
)

// MaxThreshold is the highest low-balance threshold a customer may choose,
// in major units of the SIM's currency: past it the alert would fire on
// nearly every top-up's first session.
const MaxThreshold = 500

// Run-out warning days a customer may choose.
const (
	MinRunOutDays = 1
	MaxRunOutDays = 30
)

// Customer is the ledger hook that emails owners (ledger.Hook).
type Customer struct {
	store *store.Store
	// publicURL is the site the web account is served on.
	publicURL string
	now       func() time.Time
}

// New makes the hook; the emails link to the SIM's top-up page of the web
// account at publicURL.
func New(st *store.Store, publicURL string) *Customer {
	return &Customer{store: st, publicURL: strings.TrimRight(publicURL, "/"), now: time.Now}
}

// topUpURL is the web account's page where the owner buys a top-up voucher
// for the SIM.
func topUpURL(publicURL, iccid string) string {
	return strings.TrimRight(publicURL, "/") + "/account/numbers/" + url.PathEscape(iccid) + "/top-up"
}

// kind is why an alert went out, the most urgent first.
type kind int

const (
	suspended kind = iota
	lowBalance
	runOut
)

type alert struct {
	kind   kind
	change ledger.Change
	// runOutDays is the owner's setting, for the run-out alert's wording.
	runOutDays int
}

// BalancesChanged queues the alerts the changes fire (ledger.Hook). A SIM
// gets at most one email per change, naming the most urgent reason.
func (c *Customer) BalancesChanged(ctx context.Context, tx store.Querier, changes []ledger.Change) error {
	var due []alert
	fired := map[string]bool{}
	var watched []ledger.Change
	for _, ch := range changes {
		b, after := ch.Before, ch.Entry.BalanceAfter
		if b.UserID == nil {
			continue
		}
		switch {
		case ch.Status == store.SIMSuspended && b.Status != store.SIMSuspended:
			due, fired[b.ICCID] = append(due, alert{kind: suspended, change: ch}), true
		case b.LowBalanceThreshold != nil && b.Balance > *b.LowBalanceThreshold && after <= *b.LowBalanceThreshold:
			due, fired[b.ICCID] = append(due, alert{kind: lowBalance, change: ch}), true
		}
		// The run-out alert can only fire on a debit and re-arm on a credit.
		if b.RunOutWarningDays != nil && (after < b.Balance) != b.RunOutAlerted {
			watched = append(watched, ch)
		}
	}
	runOuts, err := c.runOuts(ctx, tx, watched, fired)
	if err != nil {
		return err
	}
	return c.send(ctx, tx, append(due, runOuts...))
}

// runOuts decides the run-out alerts of the watched SIMs from their spend
// of the last ledger.SpendWindow, and records which fired or re-armed.
func (c *Customer) runOuts(ctx context.Context, tx store.Querier, watched []ledger.Change, fired map[string]bool) ([]alert, error) {
	if len(watched) == 0 {
		return nil, nil
	}
	spend, err := c.spend(ctx, tx, watched)
	if err != nil {
		return nil, err
	}
	var due []alert
	var flip []string
	var flipTo []bool
	for _, ch := range watched {
		b := ch.Before
		within := ledger.RunsOutWithin(ch.Entry.BalanceAfter, spend[b.ICCID], *b.RunOutWarningDays)
		if within == b.RunOutAlerted {
			continue
		}
		flip, flipTo = append(flip, b.ICCID), append(flipTo, within)
		if within && !fired[b.ICCID] {
			due = append(due, alert{kind: runOut, change: ch, runOutDays: *b.RunOutWarningDays})
		}
	}
	if len(flip) == 0 {
		return nil, nil
	}
	return due, c.store.SetRunOutAlerted(ctx, tx, flip, flipTo)
}

// spend is the watched SIMs' spend of the last ledger.SpendWindow. Summing
// a SIM's sessions reads hundreds of rows, its usage debits a few, and the
// debits bound the sessions from above: a SIM that does not run out by its
// debits does not by its sessions, and only the others' sessions are read.
func (c *Customer) spend(ctx context.Context, tx store.Querier, watched []ledger.Change) (map[string]int64, error) {
	since := c.now().Add(-ledger.SpendWindow)
	iccids := make([]string, len(watched))
	for i, ch := range watched {
		iccids[i] = ch.Before.ICCID
	}
	bound, err := c.store.UsageDebitsSince(ctx, tx, iccids, since)
	if err != nil {
		return nil, err
	}
	var near []string
	for _, ch := range watched {
		if ledger.RunsOutWithin(ch.Entry.BalanceAfter, bound[ch.Before.ICCID], *ch.Before.RunOutWarningDays) {
			near = append(near, ch.Before.ICCID)
		}
	}
	if len(near) == 0 {
		return bound, nil
	}
	exact, err := c.store.SpendSince(ctx, tx, near, since)
	if err != nil {
		return nil, err
	}
	for _, id := range near {
		bound[id] = exact[id]
	}
	return bound, nil
}

// send writes the alerts' emails to the outbox, in the ledger's transaction.
func (c *Customer) send(ctx context.Context, tx store.Querier, due []alert) error {
	if len(due) == 0 {
		return nil
	}
	iccids := make([]string, len(due))
	for i, a := range due {
		iccids[i] = a.change.Before.ICCID
	}
	to, err := c.store.AlertRecipients(ctx, tx, iccids)
	if err != nil {
		return err
	}
	for _, a := range due {
		r, ok := to[a.change.Before.ICCID]
		if !ok {
			continue
		}
		subject, text, html, err := c.compose(a, r)
		if err != nil {
			return err
		}
		if err := c.store.EnqueueEmail(ctx, tx, r.Email, subject, text, html); err != nil {
			return fmt.Errorf("alert for SIM %s: %w", r.ICCID, err)
		}
	}
	return nil
}

// letterData fills the layout of an alert.
type letterData struct {
	Kind       kind
	SIM        string // the label, or the ICCID when there is none
	ICCID      string
	Balance    money.Money
	Overdraft  money.Money
	Threshold  money.Money
	RunOutDays int
	Link       string
}

// letter is every alert's email: the kind picks the subject and the
// opening paragraph; the words are the owner's language's (internal/lang).
var letter = lang.NewLetter("alert",
	`{{if eq .Kind 0}}{{t "alert.suspended.subject" .}}{{else if eq .Kind 1}}{{t "alert.low.subject" .}}{{else}}{{t "alert.runOut.subject" .}}{{end}}`,
	`{{t "hello.plain" .}}

{{if eq .Kind 0}}{{t "alert.suspended" .}}{{else if eq .Kind 1}}{{t "alert.low" .}}{{else}}{{t "alert.runOut" .}}{{end}}

{{t "alert.balance" .}}

{{t "alert.topUp" .}}

{{.Link}}

{{t "alert.once" .}}`, "")

// compose writes an alert's email in the owner's language. The label is
// the owner's own text, and goes only to the owner; html/template escapes
// it in the HTML body.
func (c *Customer) compose(a alert, r store.AlertRecipient) (subject, text, html string, err error) {
	b := a.change.Before
	d := letterData{Kind: a.kind, SIM: r.Label, ICCID: b.ICCID, Balance: money.New(a.change.Entry.BalanceAfter, b.Currency),
		Overdraft: money.New(b.Overdraft+a.change.Entry.Overdraft, b.Currency), RunOutDays: a.runOutDays,
		Link: topUpURL(c.publicURL, b.ICCID)}
	if d.SIM == "" {
		d.SIM = b.ICCID
	}
	if b.LowBalanceThreshold != nil {
		d.Threshold = money.New(*b.LowBalanceThreshold, b.Currency)
	}
	return letter.Render(r.Language, d)
}
