package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestConcurrently(t *testing.T) {
	var inFlight, most, calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		calls.Add(1)
		if r.URL.Path == "/broken" {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		time.Sleep(time.Millisecond) // long enough for the callers to overlap
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c := newClient(srv.URL)
	ctx := context.Background()
	alone := sample{time.Hour} // a limit no loopback call misses
	probes := []probe{{"a", "/a", alone}, {"b", "/b", alone}, {"c", "/c", alone}}
	var tab table
	if err := c.concurrently(ctx, "t", probes, 20, &tab, "W3@1k"); err != nil {
		t.Fatal(err)
	}
	if len(tab.rows) != 4 || calls.Load() != 60 {
		t.Fatalf("%d rows after %d calls; want 3 rows and the throughput, 60 calls", len(tab.rows), calls.Load())
	}
	if r := tab.rows[3]; r.name != "throughput" || !strings.HasSuffix(r.value, " req/s") {
		t.Errorf("last row = %+v; want the throughput", r)
	}
	for i, r := range tab.rows[:3] {
		if r.workload != "W3@1k ×8" || r.name != probes[i].name || r.n != 20 || r.ok == nil || !*r.ok || !strings.Contains(r.target, "2h0m0s (2× alone)") {
			t.Errorf("row %d = %+v", i, r)
		}
	}
	if most.Load() < 2 {
		t.Errorf("at most %d calls at once; want several", most.Load())
	}
	// A pass the time bound cuts short is marked so, and missed.
	concurrentBound = 5 * time.Millisecond
	defer func() { concurrentBound = 2 * time.Minute }()
	tab = table{}
	if err := c.concurrently(ctx, "t", []probe{{"a", "/a", alone}}, 1000, &tab, "W3"); err != nil {
		t.Fatal(err)
	}
	if r := tab.rows[0]; !strings.Contains(r.name, "cut short at") || r.ok == nil || *r.ok {
		t.Errorf("a pass cut short: row %+v", r)
	}
	tab = table{}
	if err := c.concurrently(ctx, "t", []probe{{"broken", "/broken", alone}}, 5, &tab, "W3"); err == nil || len(tab.rows) != 0 {
		t.Errorf("a 500 answer: %v, %d rows; want an error and no row", err, len(tab.rows))
	}
}
