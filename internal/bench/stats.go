package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// sample is a set of latencies.
type sample []time.Duration

func (s sample) pct(p float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	c := slices.Clone(s)
	slices.Sort(c)
	i := int(p/100*float64(len(c))+0.5) - 1
	return c[min(max(i, 0), len(c)-1)]
}

// row is one line of the result table.
type row struct {
	workload, name string
	n              int
	p50, p99, max  time.Duration
	value          string // instead of latencies, for figures such as RSS
	target         string
	ok             *bool
}

type table struct{ rows []row }

func (t *table) latency(workload, name string, s sample, target time.Duration) {
	t.latencyWithin(workload, name, s, 0, target, "")
}

// latencyWithin adds a row checked against a p50 and a p99 limit (either
// zero for none); why, if given, says where the p99 limit comes from.
func (t *table) latencyWithin(workload, name string, s sample, p50, p99 time.Duration, why string) {
	r := row{workload: workload, name: name, n: len(s), p50: s.pct(50), p99: s.pct(99), max: s.pct(100)}
	var limits []string
	ok := true
	if p50 > 0 {
		ok = ok && r.p50 <= p50
		limits = append(limits, "p50 ≤ "+p50.String())
	}
	if p99 > 0 {
		ok = ok && r.p99 <= p99
		limits = append(limits, "p99 ≤ "+p99.Round(10*time.Microsecond).String()+why)
	}
	if len(limits) > 0 {
		r.ok, r.target = &ok, strings.Join(limits, ", ")
	}
	t.rows = append(t.rows, r)
}

func (t *table) figure(workload, name, value, target string, ok *bool) {
	t.rows = append(t.rows, row{workload: workload, name: name, value: value, target: target, ok: ok})
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}

func (t *table) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKLOAD\tCASE\tN\tP50\tP99\tMAX\tTARGET\tRESULT")
	for _, r := range t.rows {
		verdict := ""
		if r.ok != nil {
			verdict = map[bool]string{true: "ok", false: "MISSED"}[*r.ok]
		}
		if r.value != "" {
			fmt.Fprintf(tw, "%s\t%s\t\t%s\t\t\t%s\t%s\n", r.workload, r.name, r.value, r.target, verdict)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", r.workload, r.name, r.n, ms(r.p50), ms(r.p99), ms(r.max), r.target, verdict)
	}
	tw.Flush()
}

func boolp(b bool) *bool { return &b }

func mib(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
