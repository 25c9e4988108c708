package journey

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/teztelecom/tez/internal/config"
	"github.com/teztelecom/tez/internal/store"
	"github.com/teztelecom/tez/internal/usage"
)

// An operator keeps one month of history before the current one
// (TEZ_USAGE_RETENTION=1mo, TEZ_ARCHIVE_DIR set). The demo customer's My
// history says so as soon as a range reaches back past it; after the
// server's partition keeper has passed, the older sessions are gone from the
// screen and the download, and they are in the operator's archive.
func TestHistoryPastRetentionSaysSo(t *testing.T) {
	t.Parallel()
	archive := t.TempDir()
	s := newShop(t, func(c *config.Config) { c.UsageRetentionMonths, c.ArchiveDir = 1, archive })
	c := s.demoCustomer()
	var phone string
	for _, sim := range c.myNumbers() {
		if sim.Label != nil && *sim.Label == "My phone" {
			phone = sim.ICCID
		}
	}
	now := time.Now().UTC()
	kept := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	longAgo, recent := now.AddDate(0, 0, -95), kept.Add(24*time.Hour)

	type screen struct {
		Me struct {
			SimCard struct {
				Usage struct {
					SessionCount   int
					ArchivedBefore *time.Time
				}
				UsageSessions struct {
					TotalCount     int
					ArchivedBefore *time.Time
					Edges          []struct{ Node struct{ StartedAt time.Time } }
				}
				UsageExportURL string `json:"usageExportUrl"`
			}
		}
	}
	look := func(from time.Time) screen {
		t.Helper()
		var out screen
		c.query(`query($iccid: ICCID!, $from: DateTime!, $to: DateTime!) { me { simCard(iccid: $iccid) {
			usage(from: $from, to: $to) { sessionCount archivedBefore }
			usageSessions(from: $from, to: $to, first: 100) { totalCount archivedBefore edges { node { startedAt } } }
			usageExportUrl(from: $from, to: $to) } } }`,
			map[string]any{"iccid": phone, "from": from.Format(time.RFC3339), "to": now.Add(time.Hour).Format(time.RFC3339)}, &out)
		return out
	}
	says := func(what string, got *time.Time) {
		t.Helper()
		if got == nil || !got.Equal(kept) {
			t.Errorf("%s: archivedBefore %v, want %s", what, got, kept.Format(time.RFC3339))
		}
	}

	before := look(longAgo)
	says("totals over 95 days, before the pass", before.Me.SimCard.Usage.ArchivedBefore)
	says("sessions over 95 days, before the pass", before.Me.SimCard.UsageSessions.ArchivedBefore)
	keptCount := look(kept).Me.SimCard.UsageSessions.TotalCount
	older := before.Me.SimCard.UsageSessions.TotalCount - keptCount
	if older <= 0 {
		t.Fatal("the demo SIM has no session before the retention: the journey proves nothing")
	}
	if r := look(recent); r.Me.SimCard.UsageSessions.ArchivedBefore != nil || r.Me.SimCard.Usage.ArchivedBefore != nil {
		t.Errorf("a range inside the retention says sessions are archived: %v", r.Me.SimCard.UsageSessions.ArchivedBefore)
	}

	// The server's keeper, as it passes every hour.
	k := &usage.Keeper{Store: store.New(s.api.DB), Retention: s.api.Cfg.UsageRetentionMonths, ArchiveDir: s.api.Cfg.ArchiveDir,
		Log: slog.New(slog.DiscardHandler), Now: time.Now}
	rep, err := k.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	after := look(longAgo)
	says("sessions over 95 days, after the pass", after.Me.SimCard.UsageSessions.ArchivedBefore)
	for _, e := range after.Me.SimCard.UsageSessions.Edges {
		if e.Node.StartedAt.Before(kept) {
			t.Errorf("a session of %s is still shown after the pass", e.Node.StartedAt.Format(time.DateOnly))
		}
	}
	if got, want := after.Me.SimCard.UsageSessions.TotalCount, keptCount; got != want {
		t.Errorf("totalCount %d after the pass, want %d (%d archived)", got, want, older)
	}
	if after.Me.SimCard.Usage.SessionCount != after.Me.SimCard.UsageSessions.TotalCount {
		t.Errorf("the totals count %d sessions, the list %d", after.Me.SimCard.Usage.SessionCount, after.Me.SimCard.UsageSessions.TotalCount)
	}
	status, header, body := c.download(after.Me.SimCard.UsageExportURL)
	if status != 200 || header.Get("Tez-Archived-Before") != kept.Format(time.RFC3339) {
		t.Errorf("download: %d, Tez-Archived-Before %q; want 200 and %s", status, header.Get("Tez-Archived-Before"), kept.Format(time.RFC3339))
	}
	if lines := strings.Count(strings.TrimSpace(body), "\n"); lines != after.Me.SimCard.UsageSessions.TotalCount {
		t.Errorf("download has %d sessions, the screen %d", lines, after.Me.SimCard.UsageSessions.TotalCount)
	}

	// The operator's archive holds what left the screen.
	archived := 0
	for _, m := range rep.Retired {
		if filepath.Dir(m.Archive) != archive {
			t.Errorf("month %s archived to %q, not TEZ_ARCHIVE_DIR", m.Month.Format("2006-01"), m.Archive)
		}
		if _, err := os.Stat(m.Archive); err != nil {
			t.Error(err)
		}
		archived += int(m.Sessions)
	}
	if archived < older {
		t.Errorf("the archive holds %d sessions; %d of this SIM alone left the screen", archived, older)
	}
}
