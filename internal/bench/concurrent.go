package bench

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
)

// clients is how many callers the concurrent passes of W3 and W4 run at
// once: the 8 of issue 19, whose target is a p99 no more than twice the
// sequential one.
const clients = 8

// concurrentBound bounds a concurrent pass in time.
var concurrentBound = 2 * time.Minute

// probe is a measured path and what it was measured as alone.
type probe struct {
	name, path string
	alone      sample
}

// concurrently calls every probe's path n times in all, with clients
// callers at once, each going through the paths in turn, and adds a row per probe checked against twice its p99
// alone.
func (c *client) concurrently(ctx context.Context, token string, probes []probe, n int, t *table, label string) error {
	if len(probes) == 0 {
		return nil
	}
	samples := make([][]sample, clients)
	began := time.Now()
	deadline := began.Add(concurrentBound)
	g, ctx := errgroup.WithContext(ctx)
	for k := range clients {
		g.Go(func() error {
			got := make([]sample, len(probes))
			// Call i of n×len(probes) is caller i%clients's, of path
			// i%len(probes): n of each path in all.
			for i := k; i < n*len(probes) && time.Now().Before(deadline); i += clients {
				p := i % len(probes)
				status, body, took, err := c.do(ctx, token, "GET", probes[p].path, nil)
				if err != nil {
					return err
				}
				if status != 200 {
					return fmt.Errorf("bench: GET %s: %d %v", probes[p].path, status, body)
				}
				got[p] = append(got[p], took)
			}
			samples[k] = got
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	took := time.Since(began)
	calls := 0
	for p, pr := range probes {
		var all sample
		for k := range clients {
			all = append(all, samples[k][p]...)
		}
		limit := 2 * pr.alone.pct(99)
		t.latencyWithin(fmt.Sprintf("%s ×%d", label, clients), pr.name, all, 0, limit, " (2× alone)")
		if len(all) < n {
			// The time bound cut the pass short: not a figure to pass on.
			r := &t.rows[len(t.rows)-1]
			r.name += fmt.Sprintf(" (cut short at %d of %d)", len(all), n)
			r.ok = boolp(false)
		}
		calls += len(all)
	}
	// With every core busy, latency is the clients' queue: the rate says
	// whether the server answered more in all than one client gets alone.
	t.figure(fmt.Sprintf("%s ×%d", label, clients), "throughput", fmt.Sprintf("%.0f req/s", float64(calls)/took.Seconds()), "", nil)
	return nil
}
