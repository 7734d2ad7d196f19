// Package realtime streams the event log to clients: each node runs one Hub
// that reads new events from the store, in order, and hands each to the
// subscribers of its topics (an inbox, a conversation, a user); a client
// that reconnects replays what it missed from the log itself, so nothing is
// lost or doubled. Ephemeral signals (typing, viewing) ride along, never
// stored. Nodes on one PostgreSQL wake each other with
// LISTEN/NOTIFY; no payload crosses nodes but signals.
package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
	"github.com/parleyhq/parley/internal/store"
)

// Event is a log event rendered once for every subscriber.
type Event struct {
	Seq            int64
	Type           string
	InboxID        *parley.ID
	ConversationID *parley.ID
	MessageID      *parley.ID
	ActorID        *parley.ID
	UserID         *parley.ID // the user an event about a user concerns (data.user_id)
	Visitor        string     // the chat visitor whose message it is (data.visitor)
	JSON           []byte     // the object sent to clients
}

// Signal is an ephemeral notice: someone is typing in or viewing a
// conversation. It is never stored.
type Signal struct {
	Type           string            `json:"type"` // typing, viewing, left
	ConversationID parley.ID         `json:"conversation_id"`
	InboxID        parley.ID         `json:"inbox_id"`
	Actor          present.ActorJSON `json:"actor"`
	At             time.Time         `json:"at"`
	Node           string            `json:"node,omitempty"` // the node that made it
	Data           map[string]any    `json:"data,omitempty"`
}

// Sub is one subscriber's feed: the events and signals of the topics it
// follows (Follow). Events arrives in seq order; it is closed when the
// subscriber was too slow to keep up (Overflowed reports it) or
// unsubscribed. A woken subscriber (SubscribeWoken) has no channels: it
// Takes what was queued for it when told to.
type Sub struct {
	Events     chan Event
	Signals    chan Signal
	mu         sync.Mutex
	overflowed bool

	// A woken subscriber's: guarded by mu.
	wake    func()
	events  []Event
	signals []Signal
	closed  bool

	// Guarded by the hub's mu.
	topics []Topic
	sent   int64 // the last event handed over: one on two topics goes once
}

// Overflowed reports whether the hub dropped this subscriber for falling
// behind.
func (s *Sub) Overflowed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.overflowed
}

// The most a woken subscriber holds before it is dropped (events) or
// signals are (signals).
const (
	wokenEvents  = 32
	wokenSignals = 8
)

// offer hands e to s, or reports that s is full.
func (s *Sub) offer(e Event) bool {
	if s.wake == nil {
		select {
		case s.Events <- e:
			return true
		default:
			return false
		}
	}
	return push(s, &s.events, e, wokenEvents)
}

// signal hands sig to s if it has room: signals are hints.
func (s *Sub) signal(sig Signal) {
	if s.wake == nil {
		select {
		case s.Signals <- sig:
		default:
		}
		return
	}
	push(s, &s.signals, sig, wokenSignals)
}

// push queues v for a woken subscriber and wakes it, or reports that the
// queue holds max already.
func push[T any](s *Sub, queue *[]T, v T, max int) bool {
	s.mu.Lock()
	full := len(*queue) >= max
	if !full {
		*queue = append(*queue, v)
	}
	s.mu.Unlock()
	if !full {
		s.wake()
	}
	return !full
}

// Take returns what was queued for a woken subscriber since it last took,
// and whether its feed is still open.
func (s *Sub) Take() ([]Event, []Signal, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	evs, sigs := s.events, s.signals
	s.events, s.signals = nil, nil
	return evs, sigs, !s.closed
}

// Hub reads the log and fans it out on one node.
type Hub struct {
	store  *store.Store
	log    *slog.Logger
	node   string
	buffer int              // each subscriber's capacity in events
	poll   time.Duration    // how often the log is re-read
	now    func() time.Time // dates signals

	wake chan struct{}

	mu     sync.Mutex
	head   int64
	subs   map[*Sub]struct{}
	topics map[Topic]map[*Sub]struct{} // who follows each topic
	ready  chan struct{}
}

// Options tune a hub; every field has a working zero.
type Options struct {
	Log *slog.Logger     // nil discards
	Now func() time.Time // the clock that dates signals; nil means the real one
	// Poll is how often the hub re-reads the log in case a notification
	// was lost (default 3 s).
	Poll time.Duration
	// Buffer is each subscriber's capacity in events before it is
	// dropped (default 1024).
	Buffer int
}

// NewHub returns a hub on s; Run starts it.
func NewHub(s *store.Store, o Options) *Hub {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = parley.Now
	}
	if o.Poll <= 0 {
		o.Poll = 3 * time.Second
	}
	if o.Buffer <= 0 {
		o.Buffer = 1024
	}
	b := make([]byte, 6)
	rand.Read(b)
	return &Hub{store: s, log: o.Log, node: hex.EncodeToString(b), buffer: o.Buffer, poll: o.Poll, now: o.Now,
		wake: make(chan struct{}, 1), subs: map[*Sub]struct{}{}, topics: map[Topic]map[*Sub]struct{}{},
		ready: make(chan struct{})}
}

// Head is the log's last seq: where a client that wants only what happens
// from now on starts (the hub may not have read the newest commits yet).
func (h *Hub) Head(ctx context.Context) (int64, error) { return h.store.LastSeq(ctx) }

// Viewer is what a reads on the stream, from its memberships now.
func (h *Hub) Viewer(ctx context.Context, a parley.Actor) (*Viewer, error) {
	return NewViewer(ctx, h.store, a)
}

// Wake tells the hub that new events may be in the log. It never blocks.
func (h *Hub) Wake() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Run reads the log from its current end and dispatches new events until ctx
// ends. It listens for other nodes' commits and signals, and polls every
// few seconds in case a notification was lost.
func (h *Hub) Run(ctx context.Context) error {
	// Until the hub knows where the log ends, subscribers wait: keep trying
	// rather than leave them waiting for good.
	head, err := h.store.LastSeq(ctx)
	for backoff := 100 * time.Millisecond; err != nil; backoff = min(2*backoff, 5*time.Second) {
		h.log.Warn("realtime: read the log's end", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		head, err = h.store.LastSeq(ctx)
	}
	h.mu.Lock()
	h.head = head
	h.mu.Unlock()
	close(h.ready)
	go h.store.Listen(ctx, []string{h.store.EventsChannel(), h.store.SignalsChannel()}, h.Wake, func(channel, payload string) {
		if channel == h.store.EventsChannel() {
			// This node's own commits woke the hub already (Wake).
			seq, err := strconv.ParseInt(payload, 10, 64)
			h.mu.Lock()
			behind := err != nil || seq > h.head
			h.mu.Unlock()
			if behind {
				h.Wake()
			}
			return
		}
		var sig Signal
		if json.Unmarshal([]byte(payload), &sig) == nil && sig.Node != h.node {
			h.deliver(sig)
		}
	})
	poll := time.NewTicker(h.poll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			h.closeAll()
			return nil
		case <-h.wake:
		case <-poll.C:
		}
		if err := h.drain(ctx); err != nil && ctx.Err() == nil {
			h.log.Warn("realtime: read the log", "err", err)
		}
	}
}

// hubBatch is how many events the hub reads from the log at a time.
const hubBatch = 500

// drain dispatches every event after the head, in order. A batch short of
// hubBatch is the log's end: what commits after it wakes the hub again.
func (h *Hub) drain(ctx context.Context) error {
	for {
		h.mu.Lock()
		head := h.head
		h.mu.Unlock()
		evs, err := h.store.EventsAfter(ctx, head, hubBatch)
		if err != nil || len(evs) == 0 {
			return err
		}
		rendered, err := h.render(ctx, evs)
		if err != nil {
			return err
		}
		h.mu.Lock()
		h.dispatch(rendered)
		h.head = evs[len(evs)-1].Seq
		h.mu.Unlock()
		if len(evs) < hubBatch {
			return nil
		}
	}
}

// dispatch hands each event to the followers of its topics; h.mu is held.
func (h *Hub) dispatch(evs []Event) {
	for _, e := range evs {
		for _, t := range EventTopics(e) {
			for s := range h.topics[t] {
				if s.sent == e.Seq {
					continue
				}
				s.sent = e.Seq
				if !s.offer(e) {
					h.drop(s, true)
				}
			}
		}
	}
}

// Subscribe adds a subscriber that follows topics and returns it with the
// hub's head: every event of those topics after the head will reach the
// subscriber, every one up to it must be replayed from the log. It waits
// for the hub to start.
func (h *Hub) Subscribe(ctx context.Context, topics ...Topic) (*Sub, int64, error) {
	return h.subscribe(ctx, &Sub{Events: make(chan Event, h.buffer), Signals: make(chan Signal, 64)}, topics)
}

// SubscribeWoken is Subscribe for a follower of a few conversations that
// has no goroutine of its own (a chat widget): wake is called, with the
// hub's lock held, whenever something is queued for it or its feed ends;
// it must not block, and the subscriber Takes what was queued. It holds
// 32 events and 8 signals; one that falls further behind is dropped and
// resumes on its own. Nothing is allocated for it while it is idle.
func (h *Hub) SubscribeWoken(ctx context.Context, wake func(), topics ...Topic) (*Sub, int64, error) {
	return h.subscribe(ctx, &Sub{wake: wake}, topics)
}

func (h *Hub) subscribe(ctx context.Context, s *Sub, topics []Topic) (*Sub, int64, error) {
	select {
	case <-h.ready:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs[s] = struct{}{}
	h.follow(s, topics)
	return s, h.head, nil
}

// Follow makes s follow topics instead of the ones it followed, and returns
// the hub's head: every event of the new topics after it will reach s; the
// ones up to it that s did not receive must be replayed from the log. A
// subscriber the hub dropped stays dropped.
func (h *Hub) Follow(s *Sub, topics []Topic) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		h.follow(s, topics)
	}
	return h.head
}

// follow replaces the topics s follows in the index; h.mu is held.
func (h *Hub) follow(s *Sub, topics []Topic) {
	h.unfollow(s)
	s.topics = slices.Clone(topics)
	for _, t := range s.topics {
		subs := h.topics[t]
		if subs == nil {
			subs = map[*Sub]struct{}{}
			h.topics[t] = subs
		}
		subs[s] = struct{}{}
	}
}

// unfollow removes s from the index; h.mu is held.
func (h *Hub) unfollow(s *Sub) {
	for _, t := range s.topics {
		delete(h.topics[t], s)
		if len(h.topics[t]) == 0 {
			delete(h.topics, t)
		}
	}
	s.topics = nil
}

// Unsubscribe removes a subscriber.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		h.drop(s, false)
	}
}

// drop removes s and closes its feed; h.mu is held.
func (h *Hub) drop(s *Sub, overflow bool) {
	delete(h.subs, s)
	h.unfollow(s)
	s.mu.Lock()
	s.overflowed = overflow
	s.closed = true
	s.mu.Unlock()
	if s.wake != nil {
		s.wake()
		return
	}
	close(s.Events)
}

func (h *Hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		h.drop(s, false)
	}
}

// Replay calls fn with each event in (after, upto], in order, rendered.
func (h *Hub) Replay(ctx context.Context, after, upto int64, fn func(Event) error) error {
	for after < upto {
		evs, err := h.store.EventsAfter(ctx, after, hubBatch)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		rendered, err := h.render(ctx, evs)
		if err != nil {
			return err
		}
		for _, e := range rendered {
			if e.Seq > upto {
				return nil
			}
			if err := fn(e); err != nil {
				return err
			}
			after = e.Seq
		}
	}
	return nil
}

// Signal sends an ephemeral signal to this node's subscribers and the other
// nodes'. A signal without a time is dated now.
func (h *Hub) Signal(ctx context.Context, sig Signal) {
	if sig.At.IsZero() {
		sig.At = h.now()
	}
	h.deliver(sig)
	if h.store.Distributed() {
		sig.Node = h.node
		b, _ := json.Marshal(sig)
		if err := h.store.Notify(ctx, h.store.SignalsChannel(), string(b)); err != nil {
			h.log.Warn("realtime: send signal", "err", err)
		}
	}
}

// deliver hands a signal to the local followers of its topics; a full
// signal buffer drops the signal, not the subscriber: signals are hints.
func (h *Hub) deliver(sig Signal) {
	sig.Node = ""
	h.mu.Lock()
	defer h.mu.Unlock()
	sent := map[*Sub]bool{}
	for _, t := range signalTopics(sig) {
		for s := range h.topics[t] {
			if sent[s] {
				continue
			}
			sent[s] = true
			s.signal(sig)
		}
	}
}
