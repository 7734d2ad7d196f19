package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/internal/chat"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/ws"
)

// The widget's stream (SPEC CHT-13), GET /widget/v1/stream?inbox=<key>, a
// WebSocket from the chat's frame (our own origin). The widget says
// {"type":"hello","token":"…","after":<last message id it has>}; the
// server answers {"type":"hello","token":…} (a new identity when it had
// none, or a forged one), the messages after that id, then the live ones.
// The widget sends {"type":"message","client_id","text","url","consent"}
// and gets {"type":"ack","client_id","message"} once the message is
// committed — a retry with the same client_id is acknowledged with the
// original — or {"type":"error","client_id","status","reason","detail",
// "retry_after"}; {"type":"email","client_id","email"} gives the
// visitor's email, answered the same way (files go over HTTP,
// widget_files.go). Typing goes both ways as {"type":"typing"}, never
// stored. A bot's message carries "bot": {step, buttons, articles}; the
// visitor answers a button with {"type":"button","client_id","step",
// "index"} and suggested articles with {"type":"answered"|"talk",
// "client_id","step"}, taken in and acknowledged as messages are.

type widgetFrame struct {
	Type     string    `json:"type"` // hello, message, email, typing
	Token    string    `json:"token,omitempty"`
	Identity string    `json:"identity,omitempty"` // a site's signed-in user (data-identity)
	Lang     string    `json:"lang,omitempty"`     // the widget's language (en, fr)
	After    parley.ID `json:"after,omitempty"`
	ClientID string    `json:"client_id,omitempty"`
	Text     string    `json:"text,omitempty"`
	URL      string    `json:"url,omitempty"`
	Email    string    `json:"email,omitempty"`
	// Consent, on a message, is what the visitor agreed to before it.
	Consent *chat.Agreed `json:"consent,omitempty"`
	// Step and Index are a bot's choice: the step that offered it and,
	// for a button, which.
	Step  string `json:"step,omitempty"`
	Index *int   `json:"index,omitempty"`
}

type widgetOut struct {
	Type     string        `json:"type"` // hello, message, ack, typing
	Token    string        `json:"token,omitempty"`
	Online   *bool         `json:"online,omitempty"`
	ClientID string        `json:"client_id,omitempty"`
	Message  *chat.Message `json:"message,omitempty"`
	Author   string        `json:"author,omitempty"`
	// IdentityError says why the site's signed-in user was refused
	// (identity_invalid, identity_expired): the visitor goes on anonymous.
	IdentityError string `json:"identity_error,omitempty"`
}

func (s *Server) widgetStream(w http.ResponseWriter, r *http.Request) {
	ch, err := s.chat.Channel(r.Context(), r.URL.Query().Get("inbox"))
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such chat")
		return
	}
	addr := clientAddr(r.Context())
	if ok, mine := s.visitorStreams.acquire(addr); !ok {
		w.Header().Set("Retry-After", "10")
		if mine {
			writeProblem(w, http.StatusTooManyRequests, "too many open chats from your address: close some")
			return
		}
		writeProblem(w, http.StatusServiceUnavailable, "too many open chats on this server: try again later")
		return
	}
	conn, err := ws.Accept(w, r, conversation.MaxChatText+4096) // same-origin only: the frame is ours
	if err != nil {
		s.visitorStreams.release(addr)
		return
	}
	// The stream outlives this handler: from here on it runs only when
	// the widget writes, the hub has news or a ping is due.
	ss := &widgetSession{s: s, ctx: context.Background(), conn: conn, ch: ch, addr: addr, sent: map[parley.ID]bool{}}
	if err := ss.start(); err != nil {
		ss.mu.Lock()
		ss.end(err)
		ss.mu.Unlock()
	}
}

// widgetSession is one widget's stream. It has no goroutine of its own
// while idle (W5): the widget's bytes (OnReadable), the hub's news (wake)
// and its ping timer each run it for a moment, one at a time under mu.
type widgetSession struct {
	s    *Server
	ctx  context.Context
	conn *ws.Conn
	ch   *parley.Channel
	addr string // the visitor's address, whose streams are counted
	v    *chat.Visitor
	sub  *realtime.Sub

	// draining says a goroutine is taking the hub's news; again that more
	// came since it last took.
	draining, again atomic.Bool

	mu     sync.Mutex
	done   bool
	conv   parley.ID
	sent   map[parley.ID]bool // the messages the widget has
	ping   *time.Timer
	pinged time.Time // when the last ping went
	// When the visitor's presence was last written, their typing last
	// told, and their presence last announced to an agent who looked.
	here, typed, announced time.Time
}

// start reads the widget's hello, follows the visitor's conversation, says
// hello back with what the widget missed, then leaves the stream to its
// events.
func (ss *widgetSession) start() error {
	s := ss.s
	op, raw, err := ss.conn.ReadMessage(10 * time.Second)
	if err != nil {
		return err
	}
	var hello widgetFrame
	if op != ws.OpText || json.Unmarshal(raw, &hello) != nil || hello.Type != "hello" {
		return closeError{websocket.StatusPolicyViolation, `send {"type": "hello", "token": "…", "after": <id>} first`}
	}
	v := s.chat.Visitor(ss.ch, hello.Token, hello.Identity, time.Now())
	if hello.Lang == "en" || hello.Lang == "fr" {
		v.Locale = hello.Lang
	}
	ss.mu.Lock() // the hub's news waits until the history is sent
	defer ss.mu.Unlock()
	ss.v = v
	// Follow the visitor's own messages before reading what the
	// conversation holds, so nothing committed in between is missed (what
	// arrives twice is sent once). A message from another tab, or a file
	// sent over HTTP, may open the conversation.
	ss.sub, _, err = s.hub.SubscribeWoken(ss.ctx, ss.wake, realtime.VisitorTopic(v.UID))
	if err != nil {
		return err
	}
	// The visitor leaves when their last widget on this node closes (a
	// widget on another node says it is there within HereFor/2).
	s.chatTabs.open(v.UID)
	current, err := v.Conversation(ss.ctx)
	if err != nil {
		return err
	}
	ss.follow(current)
	// Hello once it follows: whatever the visitor does after reading it
	// reaches this stream.
	online := ss.ch.Enabled
	if err := ss.write(widgetOut{Type: "hello", Token: v.Token, Online: &online, IdentityError: v.UserError}); err != nil {
		return err
	}
	if current != 0 {
		if err := ss.history(hello.After); err != nil {
			return err
		}
	}
	// Pings keep the stream's proxies from closing it and find a widget
	// gone without a word.
	ss.ping = time.AfterFunc(s.cfg.WidgetPing, ss.onPing)
	ss.conn.OnReadable(ss.onReadable)
	return nil
}

// onReadable takes the widget's next frame.
func (ss *widgetSession) onReadable() {
	defer ss.recover()
	op, raw, err := ss.conn.ReadMessage(30 * time.Second)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.done {
		return
	}
	if err == nil && op == ws.OpText {
		var f widgetFrame
		if json.Unmarshal(raw, &f) == nil {
			err = ss.frame(f)
		}
	}
	if err != nil {
		ss.end(err)
		return
	}
	ss.conn.OnReadable(ss.onReadable)
}

// frame answers one frame from the widget; ss.mu is held.
func (ss *widgetSession) frame(f widgetFrame) error {
	s, v, ctx := ss.s, ss.v, ss.ctx
	switch f.Type {
	case "message", "button", "answered", "talk":
		m, wait, err := s.widgetSend(ctx, v, ss.ch, f)
		if err != nil {
			p := s.widgetProblem(f.ClientID, err)
			if wait > 0 {
				p.RetryAfter = int(wait/time.Second) + 1
			}
			return ss.write(p)
		}
		ss.sent[m.ID] = true
		// What the team wrote between this message's commit and the
		// follow reaches the visitor too.
		if ss.follow(m.ConversationID) {
			if err := ss.history(m.ID); err != nil {
				return err
			}
		}
		return ss.write(widgetOut{Type: "ack", ClientID: f.ClientID, Message: m})
	case "email":
		// The visitor's email: answered as a message is, by its client id.
		out := any(widgetOut{Type: "ack", ClientID: f.ClientID})
		if ok, wait := s.rates(v, ss.ch); !ok {
			p := s.widgetProblem(f.ClientID, &parley.Error{Code: parley.ERATELIMIT, Message: "too many messages: slow down", Reason: "rate_limited"})
			p.RetryAfter = int(wait/time.Second) + 1
			out = p
		} else if err := v.SetEmail(ctx, f.Email); err != nil {
			out = s.widgetProblem(f.ClientID, err)
		}
		return ss.write(out)
	case "typing":
		// Agents hear of it at most every two seconds.
		if time.Since(ss.typed) > 2*time.Second {
			ss.typed = time.Now()
			ss.signal("typing")
		}
	}
	return nil
}

// wake is the hub's news for this stream: one goroutine at a time takes
// it. It is called with the hub's lock held, so it only starts one.
func (ss *widgetSession) wake() {
	ss.again.Store(true)
	if ss.draining.CompareAndSwap(false, true) {
		go ss.drain()
	}
}

func (ss *widgetSession) drain() {
	defer ss.recover()
	for {
		ss.again.Store(false)
		ss.take()
		ss.draining.Store(false)
		if !ss.again.Load() || !ss.draining.CompareAndSwap(false, true) {
			return
		}
	}
}

// take sends the widget what the hub has queued for it.
func (ss *widgetSession) take() {
	ss.mu.Lock() // start holds it until ss.sub is set
	defer ss.mu.Unlock()
	if ss.done {
		return
	}
	evs, sigs, open := ss.sub.Take()
	if err := ss.news(evs, sigs, open); err != nil {
		ss.end(err)
	}
}

// news sends the widget what the hub had for it; ss.mu is held.
func (ss *widgetSession) news(evs []realtime.Event, sigs []realtime.Signal, open bool) error {
	for _, e := range evs {
		if e.ConversationID != nil && e.Visitor == ss.v.UID && *e.ConversationID != ss.conv {
			// The visitor wrote from elsewhere into a conversation this
			// widget does not follow yet (their first, or a new one).
			ss.follow(*e.ConversationID)
			if err := ss.history(0); err != nil {
				return err
			}
			continue
		}
		if e.ConversationID == nil || *e.ConversationID != ss.conv || e.MessageID == nil || ss.sent[*e.MessageID] ||
			(e.Type != parley.EventMessageSent && e.Type != parley.EventMessageReceived) {
			continue // not for this widget, or the visitor's own message, acknowledged
		}
		m, err := ss.v.Message(ss.ctx, ss.conv, *e.MessageID)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		if err := ss.send(m); err != nil {
			return err
		}
	}
	for _, sig := range sigs {
		if sig.ConversationID != ss.conv || sig.Actor.Kind != parley.ActorUser {
			continue
		}
		if sig.Type == "viewing" && time.Since(ss.announced) > 5*time.Second {
			// An agent opened the conversation: say the visitor is here
			// now rather than at the next ping.
			ss.announced = time.Now()
			ss.signal("viewing")
		}
		if sig.Type == "typing" {
			if err := ss.write(widgetOut{Type: "typing", Author: sig.Actor.Name}); err != nil {
				return err
			}
		}
	}
	if !open {
		return closeError{websocket.StatusGoingAway, "reconnect"}
	}
	return nil
}

// onPing says the visitor is still here and pings the widget, or closes
// a widget that did not answer the last ping.
func (ss *widgetSession) onPing() {
	defer ss.recover()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.done {
		return
	}
	if ss.conn.Heard().Before(ss.pinged) {
		ss.end(closeError{websocket.StatusGoingAway, "no answer to pings"})
		return
	}
	ss.signal("viewing")
	ss.pinged = time.Now()
	if err := ss.conn.Ping(); err != nil {
		ss.end(err)
		return
	}
	ss.ping.Reset(ss.s.cfg.WidgetPing)
}

// recover ends the stream on a panic in one of its callbacks, which run
// in goroutines of their own: a bug ends one widget's stream, never the
// server. Every callback unlocks ss.mu before this runs.
func (ss *widgetSession) recover() {
	if r := recover(); r != nil {
		ss.s.log.Error("widget stream: panic", "panic", r, "stack", string(debug.Stack()))
		ss.mu.Lock()
		ss.end(fmt.Errorf("panic: %v", r))
		ss.mu.Unlock()
	}
}

// end closes the stream, saying why, and lets go of what it held; ss.mu
// is held.
func (ss *widgetSession) end(err error) {
	if ss.done {
		return
	}
	ss.done = true
	s := ss.s
	var ce closeError
	var peer *ws.CloseError
	switch {
	case err == nil:
		ss.conn.Close(ws.StatusNormal, "")
	case errors.As(err, &ce):
		ss.conn.Close(int(ce.code), ce.reason)
	case errors.As(err, &peer):
		// The widget closed it, or broke the protocol and was told.
	default:
		s.log.Debug("widget stream", "err", err)
		ss.conn.Close(ws.StatusInternalError, "stream error")
	}
	if ss.ping != nil {
		ss.ping.Stop()
	}
	if ss.sub != nil {
		s.hub.Unsubscribe(ss.sub)
		if s.chatTabs.close(ss.v.UID) {
			ss.signal("left")
		}
	}
	s.visitorStreams.release(ss.addr)
}

// write sends the widget one frame; ss.mu is held.
func (ss *widgetSession) write(out any) error {
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return ss.conn.WriteText(b)
}

// send sends a message the widget does not have yet.
func (ss *widgetSession) send(m *chat.Message) error {
	if ss.sent[m.ID] {
		return nil
	}
	ss.sent[m.ID] = true
	return ss.write(widgetOut{Type: "message", Message: m})
}

// history sends the conversation's messages after the one with id after.
func (ss *widgetSession) history(after parley.ID) error {
	_, more, err := ss.v.History(ss.ctx, after)
	if err != nil {
		return err
	}
	for i := range more {
		if err := ss.send(&more[i]); err != nil {
			return err
		}
	}
	return nil
}

// follow makes the stream follow conversation id (with the visitor's own
// messages) and reports whether it is a new one.
func (ss *widgetSession) follow(id parley.ID) bool {
	if id == 0 || id == ss.conv {
		return false
	}
	ss.conv = id
	ss.s.hub.Follow(ss.sub, []realtime.Topic{realtime.VisitorTopic(ss.v.UID), realtime.ConversationTopic(id)})
	ss.signal("viewing")
	return true
}

// signal tells the agents what the visitor is doing: here (viewing, again
// every ping), typing, or gone (left).
func (ss *widgetSession) signal(typ string) {
	if ss.conv == 0 {
		return
	}
	s, ctx := ss.s, ss.ctx
	if typ == "left" || typ == "viewing" && time.Since(ss.here) >= chat.HereFor/2 {
		// The agents' replies reach a visitor who has left by email.
		ss.here = time.Now()
		if err := ss.v.Here(ctx, typ == "viewing"); err != nil {
			s.log.Debug("chat presence", "err", err) // a stream closing as the server stops
		}
	}
	contact, err := ss.v.Contact(ctx)
	if err != nil || contact == 0 {
		return
	}
	s.hub.Signal(ctx, realtime.Signal{Type: typ, ConversationID: ss.conv, InboxID: ss.ch.InboxID,
		Actor: present.ActorJSON{Kind: parley.ActorContact, ID: &contact}, At: time.Now()})
}

// widgetSend takes a visitor's message in, within the visitor's and the
// chat's rates; a refusal for rate says when to try again.
func (s *Server) widgetSend(ctx context.Context, v *chat.Visitor, ch *parley.Channel, f widgetFrame) (*chat.Message, time.Duration, error) {
	if ok, wait := s.rates(v, ch); !ok {
		return nil, wait, &parley.Error{Code: parley.ERATELIMIT, Message: "too many messages: slow down", Reason: "rate_limited"}
	}
	var m *chat.Message
	var err error
	if f.Type == "message" {
		m, _, err = v.Send(ctx, f.ClientID, f.Text, f.URL, f.Consent)
	} else {
		index := -1 // a button frame without one names no button
		if f.Index != nil {
			index = *f.Index
		}
		m, _, err = v.Choose(ctx, f.ClientID, f.URL, chat.Choice{Kind: f.Type, Step: f.Step, Button: index})
	}
	return m, 0, err
}

// widgetTabs counts each visitor's open widgets on this node.
type widgetTabs struct {
	mu sync.Mutex
	n  map[string]int
}

func (t *widgetTabs) open(uid string) {
	t.mu.Lock()
	t.n[uid]++
	t.mu.Unlock()
}

// close counts one widget of uid closed and reports whether it was the
// last.
func (t *widgetTabs) close(uid string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n[uid]--; t.n[uid] > 0 {
		return false
	}
	delete(t.n, uid)
	return true
}

// rates spends one of the visitor's messages and one of their chat's, or
// says how long to wait.
func (s *Server) rates(v *chat.Visitor, ch *parley.Channel) (bool, time.Duration) {
	if ok, wait := s.visitorRate.Take(v.UID); !ok {
		return false, wait
	}
	return s.siteRate.Take(ch.PublicKey)
}
