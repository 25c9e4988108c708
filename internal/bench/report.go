package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// PrintTable writes the results as an aligned table.
func PrintTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tconns\treq/s\tp50 ms\tp95 ms\tp99 ms\terrors\tSQL/req\tRSS MiB\tCPU\tpgbench/s\tratio\t")
	for _, r := range results {
		ceiling, ratio := "-", "-"
		if r.CeilingPerSecond > 0 {
			ceiling = fmt.Sprintf("%.0f", r.CeilingPerSecond)
			ratio = fmt.Sprintf("%.0f%%", 100*r.RequestsPerSecond/r.CeilingPerSecond)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t%.1f\t%.0f\t%.0f%%\t%s\t%s\t\n",
			r.Scenario, r.Connections, r.RequestsPerSecond, r.P50ms, r.P95ms, r.P99ms, r.Errors,
			r.StatementsPerRequest, r.ServerRSSMiB, 100*r.ServerCPUShare, ceiling, ratio)
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
