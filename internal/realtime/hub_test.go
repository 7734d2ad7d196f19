package realtime

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// newTestHub returns a started hub on s that does not read the log: events
// are handed to it with publish. Only signals use s, to tell other nodes.
func newTestHub(s *store.Store, buffer int) *Hub {
	h := NewHub(s, Options{Buffer: buffer})
	close(h.ready)
	return h
}

// publish dispatches evs as the hub does after reading them from the log.
func (h *Hub) publish(evs ...Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dispatch(evs)
	h.head = evs[len(evs)-1].Seq
}

func subscribe(t testing.TB, h *Hub, topics ...Topic) *Sub {
	t.Helper()
	s, _, err := h.Subscribe(context.Background(), topics...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// received drains what s holds now, as seqs.
func received(s *Sub) []int64 {
	var out []int64
	for {
		select {
		case e, ok := <-s.Events:
			if !ok {
				return out
			}
			out = append(out, e.Seq)
		default:
			return out
		}
	}
}

func id(x parley.ID) *parley.ID { return &x }

// TestHubRoutesByTopic checks that each event reaches the followers of its
// topics only, once each: an inbox's events never reach those who follow
// another inbox only, an event for one user reaches that user only.
func TestHubRoutesByTopic(t *testing.T) {
	const ana, bob, root parley.ID = 10, 11, 12
	h := newTestHub(storetest.New(t, "sqlite", nil), 16)
	subs := map[string]*Sub{
		"inbox 1":        subscribe(t, h, InboxTopic(1)),
		"inbox 2":        subscribe(t, h, InboxTopic(2)),
		"ana":            subscribe(t, h, TopicOrg, UserTopic(ana)),
		"bob":            subscribe(t, h, TopicOrg, UserTopic(bob)),
		"root":           subscribe(t, h, TopicOrg, TopicAdmins, UserTopic(root)),
		"both inboxes":   subscribe(t, h, TopicOrg, InboxTopic(1), InboxTopic(2), UserTopic(13)),
		"conversation 7": subscribe(t, h, ConversationTopic(7)),
	}
	h.publish(
		Event{Seq: 1, Type: parley.EventMessageReceived, InboxID: id(1), ConversationID: id(7)},
		Event{Seq: 2, Type: parley.EventMessageReceived, InboxID: id(2), ConversationID: id(8)},
		Event{Seq: 3, Type: parley.EventSessionEnded, UserID: id(ana)},
		Event{Seq: 4, Type: parley.EventTokenCreated, ActorID: id(bob)},
		Event{Seq: 5, Type: parley.EventTokenRevoked, UserID: id(bob)},
		Event{Seq: 6, Type: parley.EventUserCreated, ActorID: id(root)},
		Event{Seq: 7, Type: parley.EventInboxMembersChanged, InboxID: id(2)},
		Event{Seq: 8, Type: parley.EventNotified, UserID: id(bob)},
		Event{Seq: 9, Type: parley.EventExportCreated, ActorID: id(root)}, // admins only, even of an inbox's export
	)
	want := map[string][]int64{
		"inbox 1":        {1},
		"inbox 2":        {2, 7},
		"ana":            {3, 6, 7},
		"bob":            {4, 5, 6, 7, 8},
		"root":           {4, 6, 7, 9},
		"both inboxes":   {1, 2, 6, 7},
		"conversation 7": {1},
	}
	for name, s := range subs {
		if got := received(s); !slices.Equal(got, want[name]) {
			t.Errorf("%s received %v, want %v", name, got, want[name])
		}
	}

	h.now = func() time.Time { return time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC) }
	h.Signal(context.Background(), Signal{Type: "typing", InboxID: 1, ConversationID: 7})
	for name, s := range subs {
		var heard bool
		select {
		case sig := <-s.Signals:
			heard = true
			if !sig.At.Equal(h.now()) {
				t.Errorf("%s: signal dated %v, want the hub's clock", name, sig.At)
			}
		default:
		}
		if want := name == "inbox 1" || name == "both inboxes" || name == "conversation 7"; heard != want {
			t.Errorf("%s heard the signal of inbox 1: %v, want %v", name, heard, want)
		}
	}
}

// TestHubFollow checks that a subscriber that changes topics receives the
// new ones' events from the head Follow returns, and no longer the old
// ones'; and that the index forgets whoever leaves.
func TestHubFollow(t *testing.T) {
	h := newTestHub(nil, 16)
	s := subscribe(t, h, InboxTopic(1))
	h.publish(Event{Seq: 1, Type: parley.EventMessageReceived, InboxID: id(2)})
	if head := h.Follow(s, []Topic{InboxTopic(2)}); head != 1 {
		t.Errorf("Follow returned head %d, want 1: the stream replays up to it", head)
	}
	h.publish(Event{Seq: 2, Type: parley.EventMessageReceived, InboxID: id(1)},
		Event{Seq: 3, Type: parley.EventMessageReceived, InboxID: id(2)})
	if got := received(s); !slices.Equal(got, []int64{3}) {
		t.Errorf("after following inbox 2 instead of 1, received %v, want [3]", got)
	}

	other := subscribe(t, h, InboxTopic(2))
	roomy := subscribe(t, h, InboxTopic(3))
	h.buffer = 1
	tiny := subscribe(t, h, InboxTopic(3))
	h.publish(Event{Seq: 4, Type: parley.EventMessageReceived, InboxID: id(3)},
		Event{Seq: 5, Type: parley.EventMessageReceived, InboxID: id(3)})
	if _, ok := <-tiny.Events; !ok || !tiny.Overflowed() {
		t.Errorf("a subscriber with room for one event, sent two: not dropped")
	}
	if _, ok := <-tiny.Events; ok {
		t.Errorf("a dropped subscriber's feed is still open")
	}
	if h.Follow(tiny, []Topic{InboxTopic(1)}); len(h.topics[InboxTopic(1)]) != 0 {
		t.Errorf("a dropped subscriber followed again")
	}
	for _, x := range []*Sub{s, other, roomy} {
		h.Unsubscribe(x)
	}
	if len(h.topics) != 0 || len(h.subs) != 0 {
		t.Errorf("after everyone left the hub still indexes %v", h.topics)
	}
}

// TestHubWoken: a woken subscriber is told of each event and signal it is
// given, takes them in order, is dropped past 32 waiting events, and is
// told when its feed ends.
func TestHubWoken(t *testing.T) {
	h := newTestHub(nil, 16)
	var woken int
	s, _, err := h.SubscribeWoken(context.Background(), func() { woken++ }, ConversationTopic(7))
	if err != nil {
		t.Fatal(err)
	}
	h.publish(Event{Seq: 1, Type: parley.EventMessageReceived, InboxID: id(1), ConversationID: id(7)},
		Event{Seq: 2, Type: parley.EventMessageReceived, InboxID: id(1), ConversationID: id(8)},
		Event{Seq: 3, Type: parley.EventMessageSent, InboxID: id(1), ConversationID: id(7)})
	h.deliver(Signal{Type: "typing", ConversationID: 7})
	evs, sigs, open := s.Take()
	if woken != 3 || len(evs) != 2 || evs[0].Seq != 1 || evs[1].Seq != 3 || len(sigs) != 1 || !open {
		t.Errorf("woken %d times, took %v and %d signals (open %v); want 3, seqs 1 and 3, 1 signal", woken, evs, len(sigs), open)
	}
	if evs, sigs, _ := s.Take(); evs != nil || sigs != nil {
		t.Errorf("taken twice: %v %v", evs, sigs)
	}
	for seq := int64(4); seq < 4+wokenEvents+1; seq++ {
		h.publish(Event{Seq: seq, Type: parley.EventMessageReceived, InboxID: id(1), ConversationID: id(7)})
	}
	if _, _, open := s.Take(); open || !s.Overflowed() {
		t.Errorf("33 events waiting: still open (%v), overflowed %v", open, s.Overflowed())
	}
	other, _, _ := h.SubscribeWoken(context.Background(), func() { woken = -1 }, ConversationTopic(9))
	h.Unsubscribe(other)
	if _, _, open := other.Take(); open || woken != -1 || other.Overflowed() {
		t.Errorf("unsubscribed: open %v, told %v, overflowed %v", open, woken == -1, other.Overflowed())
	}
}

// BenchmarkHubDeliver measures handing one event to the followers of its
// topic. Its cost should follow the topic's followers (per_topic), not
// everyone connected (subs).
func BenchmarkHubDeliver(b *testing.B) {
	const buffer = 16
	for _, c := range []struct{ subs, perTopic int }{{1_000, 10}, {10_000, 10}, {10_000, 100}, {10_000, 10_000}} {
		b.Run(fmt.Sprintf("subs=%d/per_topic=%d", c.subs, c.perTopic), func(b *testing.B) {
			h := newTestHub(nil, buffer)
			topics := c.subs / c.perTopic
			all := make([]*Sub, c.subs)
			for i := range all {
				all[i] = subscribe(b, h, InboxTopic(parley.ID(i%topics)))
			}
			evs := make([]Event, topics)
			for i := range evs {
				evs[i] = Event{Type: parley.EventMessageReceived, InboxID: id(parley.ID(i)), JSON: []byte(`{}`)}
			}
			one := make([]Event, 1)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				one[0] = evs[i%topics]
				one[0].Seq = int64(i + 1)
				h.publish(one...)
				// Every follower holds one event per round: empty the
				// feeds before they overflow, off the clock.
				if (i+1)%(topics*buffer) == 0 {
					b.StopTimer()
					for _, s := range all {
						received(s)
					}
					b.StartTimer()
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(c.perTopic), "ns/follower")
		})
	}
}
