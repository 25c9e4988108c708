package bench

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// PrintTable writes the results as an aligned table.
func PrintTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tconns\treq/s\tp50 ms\tp95 ms\tp99 ms\terrors\tSQL/req\tplans/req\tplan ms\texec ms\tRSS MiB\tCPU\tCPU ms/req: server\tdb\tload\tpgbench/s\tratio\tpgbench db ms\t")
	for _, r := range results {
		ceiling, ratio, ceilingDB := "-", "-", "-"
		if r.CeilingPerSecond > 0 {
			ceiling = fmt.Sprintf("%.0f", r.CeilingPerSecond)
			ratio = fmt.Sprintf("%.0f%%", 100*r.RequestsPerSecond/r.CeilingPerSecond)
		}
		if r.CeilingDBCPUms > 0 {
			ceilingDB = fmt.Sprintf("%.2f", r.CeilingDBCPUms)
		}
		plans, planMs := "-", "-"
		if r.PlanningTracked {
			plans, planMs = fmt.Sprintf("%.1f", r.PlansPerRequest), fmt.Sprintf("%.3f", r.PlanMs)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t%.1f\t%s\t%s\t%.3f\t%.0f\t%.0f%%\t%.2f\t%s\t%.2f\t%s\t%s\t%s\t\n",
			r.Scenario, r.Connections, r.RequestsPerSecond, r.P50ms, r.P95ms, r.P99ms, r.Errors,
			r.StatementsPerRequest, plans, planMs, r.ExecMs, r.ServerRSSMiB, 100*r.ServerCPUShare, r.ServerCPUms, dbMs(r.DBCPUms), r.LoadCPUms,
			ceiling, ratio, ceilingDB)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, line := range leads(results) {
		fmt.Fprintln(w, line)
	}
	for _, r := range results {
		if r.FirstError != "" {
			fmt.Fprintf(w, "%s: first error: %s\n", r.Scenario, r.FirstError)
		}
	}
	return nil
}

// leads compares each result measured against a scenario (Against) with
// that scenario's at the same connections: how many times its rate the
// scenario's is.
func leads(results []Result) []string {
	var lines []string
	for _, r := range results {
		if r.Against == "" || r.RequestsPerSecond <= 0 {
			continue
		}
		for _, ours := range results {
			if ours.Scenario == r.Against && ours.Connections == r.Connections && ours.Against == "" {
				lines = append(lines, fmt.Sprintf("%s at %d connections: %.0f req/s, %.2f× %s (%.0f req/s)",
					ours.Scenario, ours.Connections, ours.RequestsPerSecond, ours.RequestsPerSecond/r.RequestsPerSecond, r.Scenario, r.RequestsPerSecond))
			}
		}
	}
	return lines
}

// dbMs is PostgreSQL's CPU per request, or "-" when it runs elsewhere.
func dbMs(ms float64) string {
	if ms <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", ms)
}

// Markdown writes the results as the tables of docs/benchmarks.md: one row
// per scenario, then, per scenario, the statements a request sends (those
// sent at least once every other request; background work is left out).
func Markdown(w io.Writer, results []Result) error {
	bw := &errWriter{w: w}
	bw.printf("| scenario | conns | req/s | p50 ms | p95 ms | p99 ms | errors | SQL/req | plans/req | plan ms/req | exec ms/req | RSS MiB | CPU ms/req: server / PostgreSQL / load | pgbench/s (its PostgreSQL ms) | ratio |\n")
	bw.printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |\n")
	for _, r := range results {
		plans, planMs := "–", "–"
		if r.PlanningTracked {
			plans, planMs = fmt.Sprintf("%.1f", r.PlansPerRequest), fmt.Sprintf("%.3f", r.PlanMs)
		}
		ceiling, ratio := "–", "–"
		if r.CeilingPerSecond > 0 {
			ceiling = fmt.Sprintf("%.0f (%s)", r.CeilingPerSecond, dbMs(r.CeilingDBCPUms))
			ratio = fmt.Sprintf("%.0f%%", 100*r.RequestsPerSecond/r.CeilingPerSecond)
		}
		bw.printf("| %s | %d | %.0f | %.2f | %.2f | %.2f | %d | %.1f | %s | %s | %.3f | %.0f | %.2f / %s / %.2f | %s | %s |\n",
			r.Scenario, r.Connections, r.RequestsPerSecond, r.P50ms, r.P95ms, r.P99ms, r.Errors,
			r.StatementsPerRequest, plans, planMs, r.ExecMs, r.ServerRSSMiB, r.ServerCPUms, dbMs(r.DBCPUms), r.LoadCPUms,
			ceiling, ratio)
	}
	if lines := leads(results); len(lines) > 0 {
		bw.printf("\n")
		for _, line := range lines {
			bw.printf("- %s\n", line)
		}
	}
	for _, r := range results {
		var rows []StatementCost
		for _, s := range r.Statements {
			if s.CallsPerRequest >= 0.5 {
				rows = append(rows, s)
			}
		}
		if len(rows) == 0 {
			continue
		}
		bw.printf("\n%s at %d connections, per statement (pg_stat_statements):\n\n", r.Scenario, r.Connections)
		bw.printf("| statement | calls/req | plans/call | plan ms/call | exec ms/call |\n| --- | ---: | ---: | ---: | ---: |\n")
		for _, s := range rows {
			plans, planMs := "–", "–"
			if r.PlanningTracked && s.Calls > 0 {
				plans, planMs = fmt.Sprintf("%.2f", float64(s.Plans)/float64(s.Calls)), fmt.Sprintf("%.3f", s.PlanMsPerCall)
			}
			bw.printf("| `%s` | %.2f | %s | %s | %.3f |\n", shorten(s.Query, 70), s.CallsPerRequest, plans, planMs, s.ExecMsPerCall)
		}
	}
	return bw.err
}

// shorten cuts a statement's text to n runes, for a table cell. A leading
// WITH is elided to its name, since the batch statements share their CTE.
func shorten(q string, n int) string {
	if strings.HasPrefix(q, "WITH ") {
		if i := strings.Index(q, ") SELECT "); i > 0 {
			name, _, _ := strings.Cut(q[len("WITH "):], " ")
			q = "WITH " + name + " … " + q[i+2:]
		}
	}
	q = strings.ReplaceAll(q, "|", `\|`)
	if r := []rune(q); len(r) > n {
		return string(r[:n]) + "…"
	}
	return q
}

// errWriter keeps the first write error, so a table is written without a
// check per line.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
