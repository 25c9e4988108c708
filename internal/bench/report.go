package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// PrintTable writes the results as an aligned table.
func PrintTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tconns\treq/s\tp50 ms\tp95 ms\tp99 ms\terrors\tSQL/req\tRSS MiB\tCPU\tCPU ms/req: server\tdb\tload\tpgbench/s\tratio\tpgbench db ms\t")
	for _, r := range results {
		ceiling, ratio, ceilingDB := "-", "-", "-"
		if r.CeilingPerSecond > 0 {
			ceiling = fmt.Sprintf("%.0f", r.CeilingPerSecond)
			ratio = fmt.Sprintf("%.0f%%", 100*r.RequestsPerSecond/r.CeilingPerSecond)
		}
		if r.CeilingDBCPUms > 0 {
			ceilingDB = fmt.Sprintf("%.2f", r.CeilingDBCPUms)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t%.1f\t%.0f\t%.0f%%\t%.2f\t%s\t%.2f\t%s\t%s\t%s\t\n",
			r.Scenario, r.Connections, r.RequestsPerSecond, r.P50ms, r.P95ms, r.P99ms, r.Errors,
			r.StatementsPerRequest, r.ServerRSSMiB, 100*r.ServerCPUShare, r.ServerCPUms, dbMs(r.DBCPUms), r.LoadCPUms,
			ceiling, ratio, ceilingDB)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range results {
		if r.FirstError != "" {
			fmt.Fprintf(w, "%s: first error: %s\n", r.Scenario, r.FirstError)
		}
	}
	return nil
}

// dbMs is PostgreSQL's CPU per request, or "-" when it runs elsewhere.
func dbMs(ms float64) string {
	if ms <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", ms)
}
