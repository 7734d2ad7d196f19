package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/server"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

type streamMsg struct {
	Seq            int64      `json:"seq"`
	Type           string     `json:"type"`
	InboxID        *parley.ID `json:"inbox_id"`
	ConversationID *parley.ID `json:"conversation_id"`
	Actor          struct {
		Name string `json:"name"`
	} `json:"actor"`
}

// dial opens the stream as c, with its token or else its browser's cookie,
// resuming after seq.
func (c *client) dial(t *testing.T, after int64) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{HTTPClient: c.http}
	if c.token != "" {
		opts.HTTPHeader = http.Header{"Authorization": {"Bearer " + c.token}}
	}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(c.api.url, "http")+"/api/v1/stream", opts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	conn.SetReadLimit(1 << 20)
	if err := conn.Write(ctx, websocket.MessageText, fmt.Appendf(nil, `{"resume_after": %d}`, after)); err != nil {
		t.Fatalf("hello: %v", err)
	}
	return conn
}

func read(ctx context.Context, conn *websocket.Conn) (streamMsg, error) {
	var m streamMsg
	_, raw, err := conn.Read(ctx)
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(raw, &m)
}

// visibleTo lists, from the log itself, the seqs a member of inbox only
// (not an admin) may receive: that inbox's events, and the organisation's
// except tokens made by others.
func visibleTo(t *testing.T, s *store.Store, inbox, user parley.ID) []int64 {
	evs, err := s.EventsAfter(context.Background(), 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, e := range evs {
		switch {
		case e.InboxID != nil && *e.InboxID != inbox:
		case e.InboxID == nil && e.Type == parley.EventTokenCreated && (e.ActorID == nil || *e.ActorID != user):
		default:
			out = append(out, e.Seq)
		}
	}
	return out
}

// TestStreamResume disconnects a client at random points during a burst of
// thousands of events in two inboxes and checks that, reconnecting each time
// with the last seq it saw, it ends with exactly the events it may see, in
// order: no gap, no repeat, nothing from the inbox it cannot read.
func TestStreamResume(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		bobID := parley.ID(w.bob.must(200, "GET", path("/me"), nil).num("id"))
		conv := conversation.New(s, conversation.Options{})
		const pushes = 2400
		written := make(chan struct{})
		began := time.Now()
		go func() {
			defer close(written)
			defer func() { t.Logf("writer took %v", time.Since(began)) }()
			for i := range pushes {
				ch := w.salesAPI
				if i%2 == 1 {
					ch = w.vipAPI
				}
				_, err := conv.Receive(context.Background(), parley.System, conversation.Inbound{ChannelID: ch,
					ContactEmail: fmt.Sprintf("c%d@example.org", i%300), Text: "burst", NewConversation: i%3 == 0})
				if err != nil {
					t.Errorf("receive: %v", err)
					return
				}
			}
		}()

		rng := rand.New(rand.NewPCG(7, 7))
		var got []int64
		var last int64
		writing := true
		reconnects := 0
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
			conn := w.bob.dial(t, last)
			reconnects++
			n := 1 + rng.IntN(400)
			for range n {
				ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
				m, err := read(ctx, conn)
				cancel()
				if err != nil {
					break // caught up for now, or the writer is slow
				}
				if m.Seq <= last {
					t.Fatalf("seq %d after %d: repeated or out of order", m.Seq, last)
				}
				got = append(got, m.Seq)
				last = m.Seq
			}
			conn.CloseNow() // abrupt, as a dropped network
			if writing {
				select {
				case <-written:
					writing = false
				default:
				}
				continue
			}
			want := visibleTo(t, s, w.sales, bobID)
			if len(want) > 0 && last >= want[len(want)-1] {
				break
			}
		}
		t.Logf("reader done after %v, %d connections", time.Since(began), reconnects)
		want := visibleTo(t, s, w.sales, bobID)
		if len(got) != len(want) {
			t.Fatalf("received %d events over %d connections, want %d", len(got), reconnects, len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("event %d: got seq %d, want %d", i, got[i], want[i])
			}
		}
		if reconnects < 5 || len(want) < 1500 {
			t.Errorf("%d events over %d connections: the test did not exercise resuming", len(want), reconnects)
		}
	})
}

// TestStreamSlowClient checks that a subscriber that falls behind is closed
// with a reason saying where to resume, and that resuming there loses
// nothing.
func TestStreamSlowClient(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		a := newAPIWithHub(t, s, server.Config{BaseURL: "http://127.0.0.1"}, 1)
		bob, _ := a.user("bob", parley.RoleAgent)
		start, _ := s.LastSeq(context.Background())
		conn := bob.dial(t, start)
		time.Sleep(100 * time.Millisecond) // subscribed
		// One transaction of 300 events arrives at once: more than the
		// subscriber's queue of 1 can hold while the first is written.
		err := s.InTx(context.Background(), func(tx *store.Tx) error {
			for i := range 300 {
				tx.Append(parley.NewEvent("test.burst", parley.System, parley.Now(), map[string]int{"i": i}))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var last int64 = start
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			m, err := read(ctx, conn)
			cancel()
			if err != nil {
				if websocket.CloseStatus(err) != 4008 || !strings.Contains(err.Error(), fmt.Sprintf("resume_after=%d", last)) {
					t.Fatalf("closed with %v, want 4008 saying resume_after=%d", err, last)
				}
				break
			}
			last = m.Seq
		}
		end, _ := s.LastSeq(context.Background())
		if last >= end {
			t.Fatalf("the slow client got everything (%d): it was not dropped", last)
		}
		// Resume as a client does: on another 4008 (the hub may still be
		// dispatching the burst to a queue of one), resume again.
		for attempt := 0; last < end; attempt++ {
			if attempt == 20 {
				t.Fatalf("not caught up after 20 resumptions: at %d of %d", last, end)
			}
			conn = bob.dial(t, last)
			for last < end {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				m, err := read(ctx, conn)
				cancel()
				if websocket.CloseStatus(err) == 4008 {
					break
				}
				if err != nil {
					t.Fatalf("resuming at %d: %v", last, err)
				}
				if m.Seq != last+1 {
					t.Fatalf("resumed with %d after %d", m.Seq, last)
				}
				last = m.Seq
			}
			conn.CloseNow()
		}
	})
}

// TestStreamAccessAndSignals checks who may open the stream and who hears
// typing signals.
func TestStreamAccessAndSignals(t *testing.T) {
	s := storetest.New(t, "sqlite", nil)
	w := buildOrg(t, s)
	sales := parley.ID(w.push(w.salesAPI, "s", "jo@example.org", "hi").num("conversation_id"))
	vip := parley.ID(w.push(w.vipAPI, "v", "jo@example.org", "hi").num("conversation_id"))
	head, _ := s.LastSeq(context.Background())

	// No credentials: refused before the upgrade.
	if _, res, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(w.a.url, "http")+"/api/v1/stream", nil); err == nil || res.StatusCode != 401 {
		t.Errorf("anonymous stream: %v, want 401", err)
	}
	// A first message that is not a hello: closed with a reason.
	conn, _, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(w.a.url, "http")+"/api/v1/stream",
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + w.bob.token}}})
	if err != nil {
		t.Fatal(err)
	}
	conn.Write(context.Background(), websocket.MessageText, []byte(`{"hello": true}`))
	if _, _, err := conn.Read(context.Background()); websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Errorf("bad hello: %v, want a policy-violation close", err)
	}

	bob := w.bob.dial(t, head)
	defer bob.CloseNow()
	ana := w.ana.dial(t, head)
	defer ana.CloseNow()
	time.Sleep(100 * time.Millisecond)
	for _, id := range []parley.ID{vip, sales} {
		ana.Write(context.Background(), websocket.MessageText, fmt.Appendf(nil, `{"type":"typing","conversation_id":%d}`, id))
	}
	// bob hears ana typing in Sales, never in VIP.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, raw, err := bob.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sig struct {
		Type           string    `json:"type"`
		ConversationID parley.ID `json:"conversation_id"`
		Actor          struct{ Name string }
	}
	json.Unmarshal(raw, &sig)
	if sig.Type != "typing" || sig.ConversationID != sales || sig.Actor.Name != "ana" {
		t.Errorf("bob heard %s, want ana typing in %d", raw, sales)
	}
	// ana does not hear herself.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	if _, raw, err := ana.Read(ctx2); err == nil {
		t.Errorf("ana heard %s", raw)
	}
}

// TestStreamFromNow: resume_after -1 skips the history and streams what
// happens next.
func TestStreamFromNow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		for i := range 50 {
			w.push(w.salesAPI, fmt.Sprintf("old-%d", i), "jo@example.org", "before")
		}
		before, _ := s.LastSeq(t.Context())
		conn := w.ana.dial(t, -1)
		defer conn.CloseNow()
		// The server subscribes as it reads the hello: push until the
		// stream carries something. (A read that times out closes the
		// connection, so one read waits while we push.)
		got := make(chan streamMsg, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			m, err := read(ctx, conn)
			if err != nil {
				t.Error(err)
			}
			got <- m
		}()
		for i := 0; ; i++ {
			select {
			case m := <-got:
				if m.Seq <= before {
					t.Errorf("got seq %d from the history (head was %d)", m.Seq, before)
				}
				return
			case <-time.After(50 * time.Millisecond):
				w.push(w.salesAPI, fmt.Sprintf("new-%d", i), "jo@example.org", "after")
			}
		}
	})
}

// TestStreamAccessChanges: a user let into an inbox hears of it (so the app
// can show it), then its conversations; a user shut out hears of that, and
// then nothing more from it.
func TestStreamAccessChanges(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := buildOrg(t, s)
		bob, bobID := w.a.user("bob2", parley.RoleAgent)
		conn := bob.dial(t, -1)
		defer conn.CloseNow()
		time.Sleep(100 * time.Millisecond)

		next := func(want string) streamMsg {
			t.Helper()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			for {
				m, err := read(ctx, conn)
				if err != nil {
					t.Fatalf("waiting for %s: %v", want, err)
				}
				if m.Type == want {
					return m
				}
			}
		}
		members := func(users ...parley.ID) {
			w.admin.must(200, "PUT", path("/inboxes/%d/members", w.vip), map[string]any{"user_ids": users})
		}
		members(bobID)
		if m := next(parley.EventInboxMembersChanged); m.InboxID == nil || *m.InboxID != w.vip {
			t.Errorf("let in: %+v", m)
		}
		w.push(w.vipAPI, "in-1", "jo@example.org", "while a member")
		next(parley.EventMessageReceived)

		members(w.anaID)
		if m := next(parley.EventInboxMembersChanged); m.InboxID == nil || *m.InboxID != w.vip {
			t.Errorf("shut out: %+v", m)
		}
		w.push(w.vipAPI, "in-2", "jo@example.org", "after")
		w.push(w.salesAPI, "in-3", "jo@example.org", "sales")
		if m := next(parley.EventMessageReceived); m.InboxID == nil || *m.InboxID != w.sales {
			t.Errorf("after being shut out, heard %+v", m)
		}
	})
}
