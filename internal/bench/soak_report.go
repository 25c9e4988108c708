package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// PrintSoak writes a soak's report: each operation's count, errors and
// percentiles; the servers' memory and connections over time and their
// slopes; the faults; and the ledger check's verdict.
func PrintSoak(w io.Writer, r *SoakReport, capacity float64, ledgerMismatches int) {
	fmt.Fprintf(w, "soak: %.0f s at %.1f operations/s (half of the measured %.1f/s); %d errors (%d outside faults); %d dropped as late\n",
		r.Seconds, r.Rate, capacity, r.Errors(), r.ErrorsOutsideFaults, r.Late)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tcount\terrors\tp50 ms\tp99 ms\t")
	for _, o := range r.Ops {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.1f\t\n", o.Name, o.Count, o.Errors, o.P50ms, o.P99ms)
	}
	_ = tw.Flush()
	for _, o := range r.Ops {
		if o.FirstError != "" {
			fmt.Fprintf(w, "%s: first error: %s\n", o.Name, o.FirstError)
		}
	}
	fmt.Fprintln(w, "servers over time (every sample; RSS of all servers together, their DB connections):")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "at\tRSS MiB\tDB conns\t")
	step := max(1, len(r.Samples)/30) // about 30 rows, whatever the length
	for i, s := range r.Samples {
		if i%step == 0 || i == len(r.Samples)-1 {
			fmt.Fprintf(tw, "%s\t%.1f\t%d\t\n", s.At.Round(time.Second), s.RSSMiB, s.DBConns)
		}
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "slope over the second half: RSS %+.1f MiB/h, DB connections %+.1f /h (%d samples, %d failed)\n",
		r.RSSSlopeMiBPerHour, r.ConnSlopePerHour, len(r.Samples), r.SampleErrors)
	if r.FirstSampleError != "" {
		fmt.Fprintf(w, "first failed sample: %s\n", r.FirstSampleError)
	}
	for _, f := range r.Faults {
		status := "done"
		if f.Error != "" {
			status = "failed: " + f.Error
		}
		fmt.Fprintf(w, "fault at %s: %s, over in %s, %s; %d operations failed meanwhile (and %s after)\n",
			f.At.Round(time.Second), f.Name, f.Took.Round(100*time.Millisecond), status, f.Errors, faultSettle)
	}
	verdict := "clean"
	if ledgerMismatches > 0 {
		verdict = fmt.Sprintf("%d SIMs disagree with their ledger", ledgerMismatches)
	}
	fmt.Fprintf(w, "tez ledger check: %s\n", verdict)
}
