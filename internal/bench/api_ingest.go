package bench

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// targetW11 is the API ingest tail's target (BENCHMARKS.md, W11).
const targetW11 = 50 * time.Millisecond

// w11APIIngest posts messages through the API from 8 clients, each sending
// its next as soon as the last is answered (a closed loop: what a bridge or
// an importer does), to a server held to one core (GOMAXPROCS=1), and
// measures each request: where its tail goes is what this workload is for
// (BENCHMARKS.md, W11). Each client writes as a different agent to a
// different inbox's API channel, on conversations of 50 contacts of its own,
// in the seeded text's words. The first second after the server starts is
// measured apart and not held to the target: it is a cost of starting, not
// of ingest's tail — on PostgreSQL each new server process loads its
// catalog and prepares each statement on first use (binds of 20–30 ms;
// that second's p99 120–475 ms, the rest's 32–56; docs/benchmarks/issue-19.md).
func w11APIIngest(ctx context.Context, o RunOptions, env []string, t *table) error {
	if len(o.Dataset.Tokens) < 3 {
		return fmt.Errorf("bench: W11 needs at least 3 agents in the dataset")
	}
	srv, err := startServer(ctx, o, append(env, "GOMAXPROCS=1", "PARLEY_API_RATE=1000000", "PARLEY_API_BURST=1000000"), o.Log)
	if err != nil {
		return err
	}
	defer srv.stop()
	c := newClient(srv.url)
	const (
		clients  = 8
		warmUp   = time.Second
		duration = 8 * time.Second
	)
	var mu sync.Mutex
	var s, cold sample
	failed := 0
	var wg sync.WaitGroup
	began := time.Now()
	from := began.Add(warmUp)
	end := from.Add(duration)
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The dataset's own kind of text: a fixed one would fill the
			// most recent rows with the same words, and change what the
			// searches after this workload find there (W4 on PostgreSQL).
			text := newWriter(uint64(began.UnixNano()) + uint64(w))
			tok := o.Dataset.Tokens[2+w%(len(o.Dataset.Tokens)-2)]
			ch := o.Dataset.Channels[w%len(o.Dataset.Channels)]
			for i := 0; time.Now().Before(end) && ctx.Err() == nil; i++ {
				at := time.Now()
				status, _, took, err := c.do(ctx, tok, "POST", fmt.Sprintf("/api/v1/channels/%d/messages", ch), map[string]any{
					"client_id": fmt.Sprintf("w11-%d-%d-%d", began.UnixNano(), w, i),
					"contact":   map[string]string{"email": fmt.Sprintf("w11-%d-%d@example.org", w, i%50)},
					"text":      text.message(),
				})
				mu.Lock()
				switch {
				case err != nil || status != 201:
					failed++
				case at.Before(from):
					cold = append(cold, took)
				default:
					s = append(s, took)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.latency("W11", fmt.Sprintf("API ingest, %d clients in a closed loop, 1 core", clients), s, targetW11)
	t.figure("W11", "throughput", perSecond(float64(len(s))/time.Since(from).Seconds(), "msg/s"), "", nil)
	t.latency("W11", "the first second after start (not held to the target)", cold, 0)
	t.figure("W11", "failed", fmt.Sprint(failed), "0", boolp(failed == 0))
	return nil
}
