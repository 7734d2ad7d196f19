package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/outbound"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
	"github.com/parleyhq/parley/internal/webhook"
)

// receiver is the test's webhook receiver: it verifies each request's
// signature with the endpoint's secret, drops repeats by webhook-id as a
// receiver should, and answers as told per path.
type receiver struct {
	*httptest.Server
	clock   *storetest.Clock
	mu      sync.Mutex
	secrets map[string]string // path → secret
	fail    map[string]int    // path → how many more calls answer 500
	hang    map[string]chan struct{}
	got     map[string][]string // path → event types, in order, repeats dropped
	calls   map[string]int      // path → calls, repeats included
	seen    map[string]bool     // webhook-ids seen
	bad     []string            // what failed verification
	entered chan string         // paths that hang, as a call comes in
}

func newReceiver(t *testing.T, clock *storetest.Clock) *receiver {
	r := &receiver{clock: clock, secrets: map[string]string{}, fail: map[string]int{}, hang: map[string]chan struct{}{},
		got: map[string][]string{}, calls: map[string]int{}, seen: map[string]bool{}, entered: make(chan string, 64)}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		p := req.URL.Path
		r.calls[p]++
		hang := r.hang[p]
		err := webhook.Verify(r.secrets[p], req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp"), req.Header.Get("webhook-signature"),
			body, r.clock.Now(), 5*time.Minute)
		if err != nil {
			r.bad = append(r.bad, p+": "+err.Error())
		}
		var ev struct{ Type string }
		json.Unmarshal(body, &ev)
		if hang == nil && r.fail[p] > 0 {
			r.fail[p]--
			r.mu.Unlock()
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		}
		if id := req.Header.Get("webhook-id"); !r.seen[id] {
			r.seen[id] = true
			r.got[p] = append(r.got[p], ev.Type)
		}
		r.mu.Unlock()
		if hang != nil {
			r.entered <- p
			<-hang
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(func() {
		for _, p := range []string{"/slow", "/slow2"} {
			r.release(p)
		}
		r.Close()
	})
	return r
}

// set changes what the receiver does.
func (r *receiver) set(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f()
}

// release lets the calls hanging on path answer, and the next ones answer
// at once.
func (r *receiver) release(path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if h := r.hang[path]; h != nil {
		close(h)
		r.hang[path] = nil
	}
}

func (r *receiver) types(path string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got[path])
}

func firstStart(t *testing.T, s *store.Store, now func() time.Time) (*org.Service, parley.Actor, parley.Actor) {
	t.Helper()
	ctx := context.Background()
	o := org.New(s, org.Options{Now: now})
	if _, err := o.FirstStart(ctx, "Acme", "boss@example.com"); err != nil {
		t.Fatal(err)
	}
	users, _ := s.Users(ctx)
	boss := parley.UserActor(&users[0])
	u, err := o.CreateUser(ctx, boss, org.NewUser{Email: "ag@example.com", Name: "Ag", Role: parley.RoleAgent, Password: "password-ag"})
	if err != nil {
		t.Fatal(err)
	}
	return o, boss, parley.UserActor(u)
}

// TestWebhooks: admins register endpoints for the events they want; each
// gets them signed, in order, retried after 500s and timeouts; one that
// keeps failing is turned off and goes on where it stopped once turned on
// again; a test event and a re-send are in its log; a sender stopped in
// the middle of a call loses nothing, and what it sends again carries the
// same webhook-id.
func TestWebhooks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
		o, boss, agent := firstStart(t, s, clock.Now)
		rcv := newReceiver(t, clock)
		client := outbound.New(outbound.Options{Timeout: 300 * time.Millisecond})
		opts := webhook.Options{Now: clock.Now, Client: client, MaxFailures: 3, Backoff: func(int) time.Duration { return time.Minute }}
		w := webhook.New(s, opts)
		url := func(p string) *string { u := rcv.URL + p; return &u }

		if _, err := w.Create(ctx, agent, webhook.Input{URL: url("/all")}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent registers a webhook: %v", err)
		}
		if _, err := w.Create(ctx, boss, webhook.Input{URL: url("/all")}); parley.ErrorReason(err) != "url_private" {
			t.Errorf("a loopback target by default: %v", err)
		}
		if err := w.SetAllowPrivateTargets(ctx, boss, true); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Create(ctx, boss, webhook.Input{URL: url("/x"), EventTypes: &[]string{"ticket.*", "tickets.made"}}); parley.ErrorField(err) != "event_types[1]" {
			t.Errorf("an unknown event type: %v", err)
		}
		hook := func(path string, types ...string) *store.Webhook {
			h, err := w.Create(ctx, boss, webhook.Input{URL: url(path), EventTypes: &types})
			if err != nil {
				t.Fatal(err)
			}
			rcv.set(func() { rcv.secrets[path] = h.Secret })
			return h
		}
		all := hook("/all")
		orgOnly := hook("/org", "org.*")
		flaky := hook("/flaky", parley.EventOrgUpdated)
		slow := hook("/slow", parley.EventOrgUpdated)
		rcv.set(func() { rcv.fail["/flaky"] = 2; rcv.hang["/slow"] = make(chan struct{}) })

		from, _ := s.LastSeq(ctx)
		for _, name := range []string{"One", "Two", "Three"} {
			if _, err := o.RenameOrganization(ctx, boss, name); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := o.CreateInbox(ctx, boss, org.NewInbox{Name: "Sales", Access: parley.AccessEveryone}); err != nil {
			t.Fatal(err)
		}
		if _, err := consume.Replay(ctx, s, w.Consumer(), from); err != nil {
			t.Fatal(err)
		}
		if _, err := w.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
		renamed := []string{"org.updated", "org.updated", "org.updated"}
		if got := rcv.types("/org"); !slices.Equal(got, renamed) {
			t.Errorf("the org endpoint got %v", got)
		}
		var logged []string
		evs, _ := s.EventsAfter(ctx, from, 100)
		for _, e := range evs {
			logged = append(logged, e.Type)
		}
		if got := rcv.types("/all"); !slices.Equal(got, logged) || len(got) < 4 {
			t.Errorf("the endpoint of every event got %v, the log has %v", got, logged)
		}
		if got := rcv.types("/flaky"); len(got) != 0 {
			t.Errorf("the flaky endpoint's first answer was a 500, yet it got %v", got)
		}
		ds, atts, err := w.Deliveries(ctx, boss, slow.ID, 0, 10)
		if err != nil || len(ds) != 3 || ds[2].State != store.DeliveryPending || len(atts[ds[2].ID]) != 1 || !strings.Contains(atts[ds[2].ID][0].Error, "Timeout") {
			t.Errorf("the slow endpoint's log: %+v %+v %v", ds, atts, err)
		}

		// A minute on, the flaky endpoint fails once more, then delivers in
		// order.
		clock.Advance(time.Minute)
		w.SendDue(ctx)
		clock.Advance(time.Minute)
		w.SendDue(ctx)
		if got := rcv.types("/flaky"); !slices.Equal(got, renamed) {
			t.Errorf("the flaky endpoint got %v", got)
		}
		ds, atts, _ = w.Deliveries(ctx, boss, flaky.ID, 0, 10)
		if first := atts[ds[2].ID]; len(first) != 3 || first[0].Status != 500 || first[0].Response != "down for maintenance\n" || first[2].Status != 204 {
			t.Errorf("the first delivery's attempts: %+v", first)
		}

		// The slow endpoint keeps timing out: after three failures in a
		// row it is turned off, and the log says why.
		for range 2 {
			clock.Advance(time.Minute)
			w.SendDue(ctx)
		}
		got, _ := w.Webhook(ctx, boss, slow.ID)
		if got.Enabled || got.DisabledReason != "failing" || got.Failures != 3 {
			t.Errorf("after three failures: %+v", got)
		}
		clock.Advance(time.Hour)
		if n, _ := w.SendDue(ctx); n != 0 {
			t.Errorf("a disabled endpoint was called %d times", n)
		}
		events, _ := s.EventsAfter(ctx, from, 100)
		if !slices.ContainsFunc(events, func(e parley.Event) bool {
			return e.Type == parley.EventWebhookChanged && strings.Contains(string(e.Data), `"disabled"`)
		}) {
			t.Error("the log does not say the endpoint was turned off")
		}

		// A sender stopped in the middle of a call ("a restart"): the next
		// one, once the lease is over, sends the same delivery again with
		// the same webhook-id, and the receiver keeps it once.
		rcv.release("/slow")
		on := true
		if _, err := w.Update(ctx, boss, slow.ID, webhook.Input{Enabled: &on}); err != nil {
			t.Fatal(err)
		}
		rcv.set(func() { rcv.hang["/slow2"] = make(chan struct{}) })
		hook("/slow2", parley.EventOrgUpdated)
		o.RenameOrganization(ctx, boss, "Four")
		o.RenameOrganization(ctx, boss, "Five")
		head, _ := s.LastSeq(ctx)
		if _, err := consume.Replay(ctx, s, w.Consumer(), head-2); err != nil {
			t.Fatal(err)
		}
		stopped, stop := context.WithCancel(ctx)
		crashed := webhook.New(s, webhook.Options{Now: clock.Now, Client: outbound.New(outbound.Options{Timeout: time.Minute})})
		done := make(chan struct{})
		go func() { crashed.SendDue(stopped); close(done) }()
		for p := range rcv.entered {
			if p == "/slow2" {
				break
			}
		}
		stop()
		<-done
		rcv.release("/slow2")
		clock.Advance(2 * time.Minute)
		restarted := webhook.New(s, opts)
		if _, err := restarted.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
		if got := rcv.types("/slow2"); !slices.Equal(got, []string{"org.updated", "org.updated"}) || rcv.callsTo("/slow2") != 3 {
			t.Errorf("after the restart the receiver kept %v of %d calls", got, rcv.callsTo("/slow2"))
		}
		if got := rcv.types("/slow"); len(got) != 5 {
			t.Errorf("turned on again, the slow endpoint went on where it stopped: %v", got)
		}

		// A test event, and a re-send, are in the log.
		d, at, err := w.Test(ctx, boss, orgOnly.ID)
		if err != nil || d.State != store.DeliveryDelivered || at.Status != 204 {
			t.Errorf("a test event: %+v %+v %v", d, at, err)
		}
		ds, _, _ = w.Deliveries(ctx, boss, all.ID, 0, 1)
		again, err := w.Resend(ctx, boss, all.ID, ds[0].ID)
		if err != nil || again.MessageID != ds[0].MessageID {
			t.Fatalf("re-send: %+v %v", again, err)
		}
		if _, err := w.Resend(ctx, boss, orgOnly.ID, ds[0].ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("another endpoint's delivery: %v", err)
		}
		calls := rcv.callsTo("/all")
		w.SendDue(ctx)
		if rcv.callsTo("/all") != calls+1 {
			t.Error("the re-send was not sent")
		}

		// A delivery waiting for its next try, sent again: tried now, once.
		rcv.set(func() { rcv.fail["/org"] = 1 })
		from, _ = s.LastSeq(ctx)
		if _, err := o.RenameOrganization(ctx, boss, "Four"); err != nil {
			t.Fatal(err)
		}
		consume.Replay(ctx, s, w.Consumer(), from)
		w.SendDue(ctx)
		ds, _, _ = w.Deliveries(ctx, boss, orgOnly.ID, 0, 1)
		if ds[0].State != store.DeliveryPending {
			t.Fatalf("after a 500: %+v", ds[0])
		}
		if again, err := w.Resend(ctx, boss, orgOnly.ID, ds[0].ID); err != nil || again.ID != ds[0].ID {
			t.Fatalf("re-send of a waiting delivery: %+v %v", again, err)
		}
		w.SendDue(ctx)
		if got, _, _ := w.Deliveries(ctx, boss, orgOnly.ID, 0, 2); got[0].ID != ds[0].ID || got[0].State != store.DeliveryDelivered {
			t.Errorf("a waiting delivery sent again is delivered now, not queued twice: %+v", got)
		}
		if len(rcv.bad) > 0 {
			t.Errorf("signatures that did not verify: %v", rcv.bad)
		}
	})
}

func (r *receiver) callsTo(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[path]
}

// TestSignature: a signature verifies with its secret only, for its body
// only, within the tolerance.
func TestSignature(t *testing.T) {
	secret, at := webhook.NewSecret(), time.Unix(1_700_000_000, 0)
	sig, err := webhook.Sign(secret, "msg_1", at, []byte(`{"a":1}`))
	if err != nil || !strings.HasPrefix(sig, "v1,") {
		t.Fatal(sig, err)
	}
	ts := "1700000000"
	for _, tc := range []struct {
		name, secret, id, ts, sig, body string
		now                             time.Time
		ok                              bool
	}{
		{"as signed", secret, "msg_1", ts, sig, `{"a":1}`, at, true},
		{"among others", secret, "msg_1", ts, "v1,bm9wZQ== " + sig, `{"a":1}`, at, true},
		{"another body", secret, "msg_1", ts, sig, `{"a":2}`, at, false},
		{"another id", secret, "msg_2", ts, sig, `{"a":1}`, at, false},
		{"another secret", webhook.NewSecret(), "msg_1", ts, sig, `{"a":1}`, at, false},
		{"too old", secret, "msg_1", ts, sig, `{"a":1}`, at.Add(10 * time.Minute), false},
	} {
		err := webhook.Verify(tc.secret, tc.id, tc.ts, tc.sig, []byte(tc.body), tc.now, 5*time.Minute)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, webhook.ErrSignature) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestRunDoesNotWaitForASlowEndpoint: while one endpoint's call hangs,
// the sender goes on delivering what comes later to the others.
func TestRunDoesNotWaitForASlowEndpoint(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
		o, boss, _ := firstStart(t, s, clock.Now)
		rcv := newReceiver(t, clock)
		w := webhook.New(s, webhook.Options{Now: clock.Now, Client: outbound.New(outbound.Options{Timeout: time.Minute})})
		if err := w.SetAllowPrivateTargets(ctx, boss, true); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/slow", "/fast"} {
			u := rcv.URL + p
			h, err := w.Create(ctx, boss, webhook.Input{URL: &u, EventTypes: &[]string{parley.EventOrgUpdated}})
			if err != nil {
				t.Fatal(err)
			}
			rcv.set(func() { rcv.secrets[p] = h.Secret })
		}
		rcv.set(func() { rcv.hang["/slow"] = make(chan struct{}) })
		seen, _ := s.LastSeq(ctx)
		rename := func(name string) {
			t.Helper()
			if _, err := o.RenameOrganization(ctx, boss, name); err != nil {
				t.Fatal(err)
			}
			var err error
			if seen, err = consume.Replay(ctx, s, w.Consumer(), seen); err != nil {
				t.Fatal(err)
			}
			w.Wake()
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { w.Run(runCtx); close(done) }()
		defer func() { rcv.release("/slow"); stop(); <-done }()

		got := func(n int) {
			t.Helper()
			deadline := time.After(10 * time.Second)
			for len(rcv.types("/fast")) < n {
				select {
				case <-deadline:
					t.Fatalf("while /slow hangs, /fast got %v", rcv.types("/fast"))
				case <-time.After(10 * time.Millisecond):
				}
			}
		}
		rename("One")
		if p := <-rcv.entered; p != "/slow" {
			t.Fatalf("entered %s", p)
		}
		got(1)
		rename("Two")
		got(2)
	})
}

// TestSendDueInAnyTimeZone: a server whose clock is not in UTC sends what
// is due, no later (SQLite compares the times as text).
func TestSendDueInAnyTimeZone(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.FixedZone("EST", -5*3600)))
		o, boss, _ := firstStart(t, s, clock.Now)
		rcv := newReceiver(t, clock)
		w := webhook.New(s, webhook.Options{Now: clock.Now})
		w.SetAllowPrivateTargets(ctx, boss, true)
		u := rcv.URL + "/est"
		h, err := w.Create(ctx, boss, webhook.Input{URL: &u})
		if err != nil {
			t.Fatal(err)
		}
		rcv.set(func() { rcv.secrets["/est"] = h.Secret })
		from, _ := s.LastSeq(ctx)
		o.RenameOrganization(ctx, boss, "Eastern")
		consume.Replay(ctx, s, w.Consumer(), from)
		if n, err := w.SendDue(ctx); n == 0 || err != nil || len(rcv.types("/est")) == 0 {
			t.Errorf("sent %d (%v), received %v", n, err, rcv.types("/est"))
		}
	})
}

// TestPurge: deliveries done with go after Keep, with their attempts;
// one still pending stays, however old.
func TestPurge(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
		o, boss, _ := firstStart(t, s, clock.Now)
		rcv := newReceiver(t, clock)
		w := webhook.New(s, webhook.Options{Now: clock.Now, Keep: 24 * time.Hour})
		w.SetAllowPrivateTargets(ctx, boss, true)
		hook := func(p string) *store.Webhook {
			u := rcv.URL + p
			h, err := w.Create(ctx, boss, webhook.Input{URL: &u, EventTypes: &[]string{parley.EventOrgUpdated}})
			if err != nil {
				t.Fatal(err)
			}
			rcv.set(func() { rcv.secrets[p] = h.Secret })
			return h
		}
		ok, failing := hook("/ok"), hook("/failing")
		rcv.set(func() { rcv.fail["/failing"] = 100 })
		from, _ := s.LastSeq(ctx)
		o.RenameOrganization(ctx, boss, "Old news")
		consume.Replay(ctx, s, w.Consumer(), from)
		w.SendDue(ctx)
		done, _, _ := w.Deliveries(ctx, boss, ok.ID, 0, 10)
		if len(done) != 1 {
			t.Fatalf("delivered: %+v", done)
		}
		clock.Advance(25 * time.Hour)
		if n, err := w.Purge(ctx); n != 1 || err != nil {
			t.Errorf("purged %d, %v; want the delivered one", n, err)
		}
		if ds, _, _ := w.Deliveries(ctx, boss, ok.ID, 0, 10); len(ds) != 0 {
			t.Errorf("a delivered one older than Keep stays: %+v", ds)
		}
		if atts, err := s.Attempts(ctx, []parley.ID{done[0].ID}); err != nil || len(atts[done[0].ID]) != 0 {
			t.Errorf("its attempts stay: %+v %v", atts, err)
		}
		if ds, _, _ := w.Deliveries(ctx, boss, failing.ID, 0, 10); len(ds) != 1 || ds[0].State != store.DeliveryPending {
			t.Errorf("a pending one goes: %+v", ds)
		}
	})
}

// TestLeaseHeldElsewhere: an endpoint another node holds is not sent to
// until that node's lease runs out (it died holding it); then it is.
func TestLeaseHeldElsewhere(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
		o, boss, _ := firstStart(t, s, clock.Now)
		rcv := newReceiver(t, clock)
		w := webhook.New(s, webhook.Options{Now: clock.Now})
		w.SetAllowPrivateTargets(ctx, boss, true)
		u := rcv.URL + "/held"
		h, err := w.Create(ctx, boss, webhook.Input{URL: &u, EventTypes: &[]string{parley.EventOrgUpdated}})
		if err != nil {
			t.Fatal(err)
		}
		rcv.set(func() { rcv.secrets["/held"] = h.Secret })
		from, _ := s.LastSeq(ctx)
		o.RenameOrganization(ctx, boss, "Held")
		consume.Replay(ctx, s, w.Consumer(), from)
		if held, err := s.LeaseWebhook(ctx, h.ID, "a node that died", clock.Now(), time.Minute); !held || err != nil {
			t.Fatal(held, err)
		}
		if n, _ := w.SendDue(ctx); n != 0 || len(rcv.types("/held")) != 0 {
			t.Errorf("sent %d while another node holds the endpoint", n)
		}
		clock.Advance(61 * time.Second)
		if n, err := w.SendDue(ctx); n != 1 || err != nil || len(rcv.types("/held")) != 1 {
			t.Errorf("after the lease ran out: sent %d (%v), received %v", n, err, rcv.types("/held"))
		}
	})
}
