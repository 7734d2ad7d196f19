package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Targets of W10 (BENCHMARKS.md).
const (
	targetW10Rate = 500 // deliveries per second to one endpoint
	targetW10     = 250 * time.Millisecond
)

// W10's load: two offered rates for the delay, a backlog for throughput.
const (
	w10Light    = 100 // events per second, the delay with little load
	w10Duration = 5 * time.Second
	w10Backlog  = 2000 // events queued behind a held first delivery, one endpoint
	w10Backlog4 = 1000 // the same for four endpoints (4,000 deliveries)
	w10Label    = "parley bench W10"
)

// w10Webhooks measures webhooks end to end (SPEC PLT-1) on a running
// server: endpoints registered through the API point at a receiver in this
// process on loopback, events are messages pushed through an API channel,
// and each delivery is timed from the moment the API answered 201 (the
// event is committed) to the moment the receiver read the request. It
// measures the delay at two offered rates to one endpoint, and the
// deliveries per second the sender sustains to one and to four endpoints
// by holding each endpoint's first delivery until a backlog is queued
// behind it. The endpoints are deleted and the outbound setting restored
// at the end, so later runs on the dataset carry none of it.
func w10Webhooks(ctx context.Context, o RunOptions, env []string, t *table, m machine) error {
	srv, err := startServer(ctx, o, append(env, "PARLEY_API_RATE=1000000", "PARLEY_API_BURST=1000000"), o.Log)
	if err != nil {
		return err
	}
	defer srv.stop()
	c := newClient(srv.url)
	admin := o.Dataset.Tokens[0]
	rcv := newReceiver()
	hooks := httptest.NewServer(rcv)
	defer hooks.Close()
	defer rcv.open() // a held request must not keep hooks.Close waiting

	// Private targets are needed for a receiver on loopback: turned on
	// for the run, put back as they were after it.
	_, settings, _, err := c.do(ctx, admin, "GET", "/api/v1/outbound-settings", nil)
	if err != nil {
		return err
	}
	allowed, _ := settings["allow_private_targets"].(bool)
	if status, body, _, err := c.do(ctx, admin, "PUT", "/api/v1/outbound-settings", map[string]any{"allow_private_targets": true}); err != nil || status != 200 {
		return fmt.Errorf("bench: W10: allow private targets: %d %v %v", status, body, err)
	}
	defer c.do(context.WithoutCancel(ctx), admin, "PUT", "/api/v1/outbound-settings", map[string]any{"allow_private_targets": allowed})
	// Endpoints an interrupted run left behind would get every event.
	if err := w10DeleteEndpoints(ctx, c, admin, nil); err != nil {
		return err
	}
	var ids []int64
	defer func() {
		// The sender records a delivery after the receiver answered: the
		// endpoints go once their last one is recorded.
		p := &w10Poster{c: c, token: admin}
		p.awaitRecorded(context.WithoutCancel(ctx), ids, time.Now().Add(10*time.Second))
		w10DeleteEndpoints(context.WithoutCancel(ctx), c, admin, ids)
	}()
	for k := range 4 {
		status, body, _, err := c.do(ctx, admin, "POST", "/api/v1/webhooks", map[string]any{
			"url": fmt.Sprintf("%s/hook/%d", hooks.URL, k), "description": w10Label, "event_types": []string{"message.received"},
		})
		if err != nil || status != 201 {
			return fmt.Errorf("bench: W10: create an endpoint: %d %v %v", status, body, err)
		}
		ids = append(ids, int64(num(body, "id")))
		if k == 0 { // one endpoint for the first phases; the others are off
			continue
		}
		if status, body, _, err := c.do(ctx, admin, "PATCH", fmt.Sprintf("/api/v1/webhooks/%d", ids[k]), map[string]any{"enabled": false}); err != nil || status != 200 {
			return fmt.Errorf("bench: W10: turn an endpoint off: %d %v %v", status, body, err)
		}
	}

	run := make([]byte, 4)
	_, _ = rand.Read(run)
	p := &w10Poster{c: c, o: o, token: admin, prefix: "w10-" + hex.EncodeToString(run) + "-"}
	lost, dups := 0, 0

	for _, rate := range []int{w10Light, targetW10Rate} {
		rcv.reset(1)
		commits, err := p.openLoop(ctx, rate, int(float64(rate)*w10Duration.Seconds()))
		if err != nil {
			return err
		}
		rcv.await(ctx, 0, commits, 30*time.Second)
		s, first, last, missing := rcv.join(0, commits)
		lost += missing
		name := fmt.Sprintf("commit → delivery, %d events/s offered, 1 endpoint", rate)
		if rate == targetW10Rate {
			t.latency("W10", name, s, targetW10)
		} else {
			t.latency("W10", name, s, 0)
		}
		delivered := 0.0
		if len(s) > 0 {
			delivered = float64(len(s)) / last.Sub(first).Seconds()
		}
		t.figure("W10", fmt.Sprintf("delivered at %d events/s offered", rate), fmt.Sprintf("%.0f /s (%d delivered, %d committed of %d)",
			delivered, len(s), len(commits), int(float64(rate)*w10Duration.Seconds())), "", nil)
	}

	// Throughput: each endpoint's first delivery is held at the receiver
	// while the backlog is committed and queued, then let go.
	for _, phase := range []struct{ endpoints, events int }{{1, w10Backlog}, {4, w10Backlog4}} {
		if phase.endpoints > 1 {
			for _, id := range ids[1:] {
				if status, body, _, err := c.do(ctx, admin, "PATCH", fmt.Sprintf("/api/v1/webhooks/%d", id), map[string]any{"enabled": true}); err != nil || status != 200 {
					return fmt.Errorf("bench: W10: turn an endpoint on: %d %v %v", status, body, err)
				}
			}
		}
		rate, n, missing, err := w10Drain(ctx, p, rcv, ids[:phase.endpoints], phase.events, o)
		if err != nil {
			return err
		}
		lost += missing
		// A delivery is at least one round trip: judged against their rate.
		value := fmt.Sprintf("%.0f /s (%d deliveries)", rate, n) + share(rate, 1/m.rtt.Seconds())
		if phase.endpoints == 1 {
			ok := rate >= targetW10Rate
			t.figure("W10", "deliveries/s draining a backlog, 1 endpoint", value, fmt.Sprintf("≥ %d /s", targetW10Rate), &ok)
		} else {
			t.figure("W10", fmt.Sprintf("deliveries/s draining a backlog, %d endpoints", phase.endpoints), value, "", nil)
		}
	}
	dups = rcv.duplicates()
	t.figure("W10", "events not delivered (in 30–60 s) / delivered twice", fmt.Sprintf("%d / %d", lost, dups), "0", boolp(lost == 0 && dups == 0))
	return nil
}

// w10Drain holds the first delivery to each endpoint at the receiver,
// commits n events (and one last event), waits until the last is queued
// for every endpoint, lets the held deliveries go and times the backlog's
// delivery: deliveries per second, how many, how many never came.
func w10Drain(ctx context.Context, p *w10Poster, rcv *receiver, ids []int64, n int, o RunOptions) (float64, int, int, error) {
	rcv.reset(len(ids))
	rcv.hold()
	// The sender's call times out after 10 s: the held one must go
	// before, however many were committed and queued by then (the log
	// says so).
	began := time.Now()
	commits, err := p.burst(ctx, n, began.Add(6*time.Second))
	if err != nil {
		rcv.open()
		return 0, 0, 0, err
	}
	lastID, at, err := p.post(ctx, n)
	if err != nil {
		rcv.open()
		return 0, 0, 0, err
	}
	commits[lastID] = at
	if len(commits) < n+1 || !p.awaitQueued(ctx, ids, lastID, began.Add(8*time.Second)) {
		fmt.Fprintf(o.Log, "bench: W10: %d of %d events committed, not all queued after %s; let go anyway\n", len(commits), n+1,
			time.Since(began).Round(time.Millisecond))
	}
	released := rcv.open()
	fmt.Fprintf(o.Log, "bench: W10: %d events committed and queued for %d endpoint(s) in %s\n", len(commits), len(ids), released.Sub(began).Round(time.Millisecond))
	total, missing := 0, 0
	var last time.Time
	for k := range ids {
		rcv.await(ctx, k, commits, 60*time.Second)
		s, _, l, m := rcv.join(k, commits)
		total += len(s)
		missing += m
		if l.After(last) {
			last = l
		}
	}
	if total == 0 {
		return 0, 0, missing, nil
	}
	return float64(total) / last.Sub(released).Seconds(), total, missing, nil
}

// w10DeleteEndpoints deletes the endpoints ids, or with none, every
// endpoint the bench made (by its description).
func w10DeleteEndpoints(ctx context.Context, c *client, token string, ids []int64) error {
	if ids == nil {
		_, list, _, err := c.do(ctx, token, "GET", "/api/v1/webhooks", nil)
		if err != nil {
			return err
		}
		items, _ := list["items"].([]any)
		for _, it := range items {
			if m, _ := it.(map[string]any); m["description"] == w10Label {
				ids = append(ids, int64(num(m, "id")))
			}
		}
	}
	for _, id := range ids {
		if status, body, _, err := c.do(ctx, token, "DELETE", fmt.Sprintf("/api/v1/webhooks/%d", id), nil); err != nil || status != 204 {
			return fmt.Errorf("bench: W10: delete endpoint %d: %d %v %v", id, status, body, err)
		}
	}
	return nil
}

// w10Poster commits events: messages pushed through the dataset's API
// channels, each a message.received event.
type w10Poster struct {
	c      *client
	o      RunOptions
	token  string
	prefix string
	next   int
	mu     sync.Mutex
}

// post pushes message i and returns its id and when the API answered.
func (p *w10Poster) post(ctx context.Context, i int) (int64, time.Time, error) {
	p.mu.Lock()
	p.next++
	id := fmt.Sprintf("%s%d", p.prefix, p.next)
	p.mu.Unlock()
	ch := p.o.Dataset.Channels[i%len(p.o.Dataset.Channels)]
	status, body, _, err := p.c.do(ctx, p.token, "POST", fmt.Sprintf("/api/v1/channels/%d/messages", ch), map[string]any{
		"client_id": id, "contact": map[string]string{"email": fmt.Sprintf("w10-%d@example.org", i%100)},
		"text": "Has my order shipped? Reference " + id,
	})
	at := time.Now()
	if err != nil || status != 201 {
		return 0, at, fmt.Errorf("bench: W10: push a message: %d %v %v", status, body, err)
	}
	return int64(num(body, "message_id")), at, nil
}

// openLoop pushes n messages at rate a second, each due at its time
// whatever the server does, and returns when each was committed. A server
// that takes them slower than offered gets 5 s more, then no more.
func (p *w10Poster) openLoop(ctx context.Context, rate, n int) (map[int64]time.Time, error) {
	stop := time.Now().Add(time.Duration(n)*time.Second/time.Duration(rate) + 5*time.Second)
	jobs := make(chan int, n)
	commits := make(map[int64]time.Time, n)
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if time.Now().After(stop) {
					continue
				}
				id, at, err := p.post(ctx, i)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				} else if err == nil {
					commits[id] = at
				}
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	for i := range n {
		time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate)))) // pacing the load, not waiting for a result
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return commits, first
}

// burst pushes n messages from eight writers as fast as the server takes
// them, starting none after the deadline.
func (p *w10Poster) burst(ctx context.Context, n int, deadline time.Time) (map[int64]time.Time, error) {
	jobs := make(chan int, n)
	for i := range n {
		jobs <- i
	}
	close(jobs)
	commits := make(map[int64]time.Time, n)
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if time.Now().After(deadline) {
					return
				}
				id, at, err := p.post(ctx, i)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				} else if err == nil {
					commits[id] = at
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return commits, first
}

// awaitQueued polls each endpoint's newest delivery until it is message
// last's (the log is consumed in order, so every earlier event is queued
// too), or until the deadline; it reports whether all were.
func (p *w10Poster) awaitQueued(ctx context.Context, ids []int64, last int64, deadline time.Time) bool {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for _, id := range ids {
		for {
			_, page, _, err := p.c.do(ctx, p.token, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries?limit=1", id), nil)
			if err == nil {
				if items, _ := page["items"].([]any); len(items) > 0 {
					d, _ := items[0].(map[string]any)
					payload, _ := d["payload"].(map[string]any)
					data, _ := payload["data"].(map[string]any)
					if int64(num(data, "message_id")) == last {
						break
					}
				}
			}
			if time.Now().After(deadline) {
				return false
			}
			select {
			case <-ctx.Done():
				return false
			case <-tick.C:
			}
		}
	}
	return true
}

// awaitRecorded polls each endpoint's newest delivery until it is no
// longer pending, or until the deadline.
func (p *w10Poster) awaitRecorded(ctx context.Context, ids []int64, deadline time.Time) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for _, id := range ids {
		for time.Now().Before(deadline) {
			_, page, _, err := p.c.do(ctx, p.token, "GET", fmt.Sprintf("/api/v1/webhooks/%d/deliveries?limit=1", id), nil)
			if err != nil {
				return
			}
			if items, _ := page["items"].([]any); len(items) == 0 || items[0].(map[string]any)["state"] != "pending" {
				break
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}
}

// receiver is the endpoints' side, in this process: it notes when each
// message's delivery arrived, per endpoint (/hook/<k>), answers 204, and
// can hold every request until told to let go.
type receiver struct {
	mu     sync.Mutex
	at     []map[int64]time.Time // per endpoint, by message id
	dups   int
	gate   chan struct{} // while not nil, requests wait for it to close
	notify chan struct{} // poked at each arrival
}

func newReceiver() *receiver {
	return &receiver{notify: make(chan struct{}, 1)}
}

// reset forgets earlier arrivals and expects endpoints endpoints.
func (r *receiver) reset(endpoints int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at = make([]map[int64]time.Time, endpoints)
	for k := range r.at {
		r.at[k] = map[int64]time.Time{}
	}
}

// hold makes requests wait until open.
func (r *receiver) hold() {
	r.mu.Lock()
	r.gate = make(chan struct{})
	r.mu.Unlock()
}

// open lets held requests go and returns when.
func (r *receiver) open() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gate != nil {
		close(r.gate)
		r.gate = nil
	}
	return time.Now()
}

func (r *receiver) duplicates() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dups
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	k, kerr := strconv.Atoi(strings.TrimPrefix(req.URL.Path, "/hook/"))
	if err != nil || kerr != nil || req.Header.Get("webhook-id") == "" || req.Header.Get("webhook-signature") == "" {
		http.Error(w, "not a webhook", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	gate := r.gate
	r.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-req.Context().Done():
			return
		}
	}
	now := time.Now()
	var p struct {
		Data struct {
			MessageID int64 `json:"message_id"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &p) != nil || p.Data.MessageID == 0 {
		http.Error(w, "no message", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	if k >= 0 && k < len(r.at) {
		if _, seen := r.at[k][p.Data.MessageID]; seen {
			r.dups++
		} else {
			r.at[k][p.Data.MessageID] = now
		}
	}
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
	w.WriteHeader(http.StatusNoContent)
}

// await returns when endpoint k has received n deliveries, or after wait.
func (r *receiver) await(ctx context.Context, k int, commits map[int64]time.Time, wait time.Duration) {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		// Only the committed events count: an endpoint may still be
		// delivering events from before (PostgreSQL, 2026-12-02: endpoints
		// 2–4 had as many deliveries as commits, of earlier events, and
		// the run stopped waiting for the ones it had committed).
		r.mu.Lock()
		got := 0
		for id := range commits {
			if _, ok := r.at[k][id]; ok {
				got++
			}
		}
		r.mu.Unlock()
		if got >= len(commits) {
			return
		}
		select {
		case <-r.notify:
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// join returns the delay from commit to delivery of each committed
// message endpoint k received, the first commit, the last arrival, and
// how many never arrived. A delivery can arrive before the API's answer
// reaches the bench: its delay counts as zero.
func (r *receiver) join(k int, commits map[int64]time.Time) (s sample, first, last time.Time, missing int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, c := range commits {
		if first.IsZero() || c.Before(first) {
			first = c
		}
		a, ok := r.at[k][id]
		if !ok {
			missing++
			continue
		}
		s = append(s, max(a.Sub(c), 0))
		if a.After(last) {
			last = a
		}
	}
	return s, first, last, missing
}
