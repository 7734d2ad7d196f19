package server

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/internal/chat"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
	"github.com/parleyhq/parley/internal/realtime"
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
// stored.

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

// widgetPing keeps an idle stream's proxies from closing it.
const widgetPing = 30 * time.Second

func (s *Server) widgetStream(w http.ResponseWriter, r *http.Request) {
	ch, err := s.chat.Channel(r.Context(), r.URL.Query().Get("inbox"))
	if err != nil {
		writeProblem(w, http.StatusNotFound, "no such chat")
		return
	}
	if ok, _ := s.visitorStreams.acquire(ch.ID); !ok {
		w.Header().Set("Retry-After", "10")
		writeProblem(w, http.StatusServiceUnavailable, "too many open chats on this server: try again later")
		return
	}
	defer s.visitorStreams.release(ch.ID)
	conn, err := websocket.Accept(w, r, nil) // same-origin only: the frame is ours
	if err != nil {
		return
	}
	conn.SetReadLimit(conversation.MaxChatText + 4096)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s.endStream(ctx, conn, "widget stream", s.serveWidget(ctx, conn, ch))
}

func (s *Server) serveWidget(ctx context.Context, conn *websocket.Conn, ch *parley.Channel) error {
	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	_, raw, err := conn.Read(hctx)
	cancel()
	if err != nil {
		return err
	}
	var hello widgetFrame
	if json.Unmarshal(raw, &hello) != nil || hello.Type != "hello" {
		return closeError{websocket.StatusPolicyViolation, `send {"type": "hello", "token": "…", "after": <id>} first`}
	}
	v := s.chat.Visitor(ch, hello.Token, hello.Identity, time.Now())
	if hello.Lang == "en" || hello.Lang == "fr" {
		v.Locale = hello.Lang
	}
	write := func(out any) error {
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return conn.Write(wctx, websocket.MessageText, b)
	}
	// Follow the visitor's conversation before reading what it holds, so
	// nothing committed in between is missed; what arrives twice is sent
	// once.
	sub, _, err := s.hub.SubscribeNarrow(ctx)
	if err != nil {
		return err
	}
	defer s.hub.Unsubscribe(sub)
	var conv parley.ID
	sent := map[parley.ID]bool{}
	send := func(m *chat.Message) error {
		if sent[m.ID] {
			return nil
		}
		sent[m.ID] = true
		return write(widgetOut{Type: "message", Message: m})
	}
	var here, typed time.Time // when the visitor's presence was last written, and their typing last told
	// signal tells the agents what the visitor is doing: here (viewing,
	// again every widgetPing), typing, or gone (left).
	signal := func(typ string) {
		if conv == 0 {
			return
		}
		if typ == "left" || typ == "viewing" && time.Since(here) >= chat.HereFor/2 {
			// The agents' replies reach a visitor who has left by email.
			here = time.Now()
			if err := v.Here(context.WithoutCancel(ctx), typ == "viewing"); err != nil {
				s.log.Debug("chat presence", "err", err) // a stream closing as the server stops
			}
		}
		contact, err := v.Contact(ctx)
		if err != nil || contact == 0 {
			return
		}
		s.hub.Signal(context.WithoutCancel(ctx), realtime.Signal{Type: typ, ConversationID: conv, InboxID: ch.InboxID,
			Actor: present.ActorJSON{Kind: parley.ActorContact, ID: &contact}, At: time.Now()})
	}
	// The visitor leaves when their last widget on this node closes (a
	// widget on another node says it is there within HereFor/2).
	s.chatTabs.open(v.UID)
	defer func() {
		if s.chatTabs.close(v.UID) {
			signal("left")
		}
	}()
	follow := func(id parley.ID) bool {
		if id == 0 || id == conv {
			return false
		}
		conv = id
		s.hub.Follow(sub, []realtime.Topic{realtime.VisitorTopic(v.UID), realtime.ConversationTopic(id)})
		signal("viewing")
		return true
	}
	// Until then it follows the visitor's own messages: one from another
	// tab, or a file sent over HTTP, may open the conversation.
	s.hub.Follow(sub, []realtime.Topic{realtime.VisitorTopic(v.UID)})
	current, err := v.Conversation(ctx)
	if err != nil {
		return err
	}
	follow(current)
	// Hello once it follows: whatever the visitor does after reading it
	// reaches this stream.
	online := ch.Enabled
	if err := write(widgetOut{Type: "hello", Token: v.Token, Online: &online, IdentityError: v.UserError}); err != nil {
		return err
	}
	if current != 0 {
		_, history, err := v.History(ctx, hello.After)
		if err != nil {
			return err
		}
		for i := range history {
			if err := send(&history[i]); err != nil {
				return err
			}
		}
	}

	frames := make(chan widgetFrame)
	readErr := make(chan error, 1)
	go func() {
		for {
			_, raw, err := conn.Read(ctx)
			if err != nil {
				readErr <- err
				return
			}
			var f widgetFrame
			if json.Unmarshal(raw, &f) != nil {
				continue
			}
			select {
			case frames <- f:
			case <-ctx.Done():
				return
			}
		}
	}()
	ping := time.NewTicker(widgetPing)
	var announced time.Time
	defer ping.Stop()
	for {
		select {
		case err := <-readErr:
			if websocket.CloseStatus(err) != -1 {
				return nil // the widget closed it
			}
			return err
		case f := <-frames:
			switch f.Type {
			case "message":
				m, wait, err := s.widgetSend(ctx, v, ch, f)
				if err != nil {
					p := s.widgetProblem(f.ClientID, err)
					if wait > 0 {
						p.RetryAfter = int(wait/time.Second) + 1
					}
					if err := write(p); err != nil {
						return err
					}
					continue
				}
				sent[m.ID] = true
				if follow(m.ConversationID) {
					// What the team wrote between this message's commit and
					// the follow reaches the visitor too.
					if _, more, err := v.History(ctx, m.ID); err == nil {
						for i := range more {
							if err := send(&more[i]); err != nil {
								return err
							}
						}
					}
				}
				if err := write(widgetOut{Type: "ack", ClientID: f.ClientID, Message: m}); err != nil {
					return err
				}
			case "email":
				// The visitor's email: answered as a message is, by its
				// client id.
				out := any(widgetOut{Type: "ack", ClientID: f.ClientID})
				if ok, wait := s.rates(v, ch); !ok {
					p := s.widgetProblem(f.ClientID, &parley.Error{Code: parley.ERATELIMIT, Message: "too many messages: slow down", Reason: "rate_limited"})
					p.RetryAfter = int(wait/time.Second) + 1
					out = p
				} else if err := v.SetEmail(ctx, f.Email); err != nil {
					out = s.widgetProblem(f.ClientID, err)
				}
				if err := write(out); err != nil {
					return err
				}
			case "typing":
				// Agents hear of it at most every two seconds.
				if time.Since(typed) > 2*time.Second {
					typed = time.Now()
					signal("typing")
				}
			}
		case e, ok := <-sub.Events:
			if !ok {
				return closeError{websocket.StatusGoingAway, "reconnect"}
			}
			if e.ConversationID != nil && e.Visitor == v.UID && *e.ConversationID != conv {
				// The visitor wrote from elsewhere into a conversation this
				// widget does not follow yet (their first, or a new one).
				follow(*e.ConversationID)
				if _, more, err := v.History(ctx, 0); err == nil {
					for i := range more {
						if err := send(&more[i]); err != nil {
							return err
						}
					}
				}
				continue
			}
			if e.ConversationID == nil || *e.ConversationID != conv || e.MessageID == nil ||
				(e.Type != parley.EventMessageSent && e.Type != parley.EventMessageReceived) {
				continue
			}
			m, err := v.Message(ctx, conv, *e.MessageID)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			if err := send(m); err != nil {
				return err
			}
		case sig := <-sub.Signals:
			if sig.Type == "viewing" && sig.ConversationID == conv && sig.Actor.Kind == parley.ActorUser && time.Since(announced) > 5*time.Second {
				// An agent opened the conversation: say the visitor is here
				// now rather than at the next ping.
				announced = time.Now()
				signal("viewing")
			}
			if sig.Type == "typing" && sig.ConversationID == conv && sig.Actor.Kind == parley.ActorUser {
				if err := write(widgetOut{Type: "typing", Author: sig.Actor.Name}); err != nil {
					return err
				}
			}
		case <-ping.C:
			signal("viewing")
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
		case <-ctx.Done():
			return nil
		}
	}
}

// widgetSend takes a visitor's message in, within the visitor's and the
// chat's rates; a refusal for rate says when to try again.
func (s *Server) widgetSend(ctx context.Context, v *chat.Visitor, ch *parley.Channel, f widgetFrame) (*chat.Message, time.Duration, error) {
	if ok, wait := s.rates(v, ch); !ok {
		return nil, wait, &parley.Error{Code: parley.ERATELIMIT, Message: "too many messages: slow down", Reason: "rate_limited"}
	}
	m, _, err := v.Send(ctx, f.ClientID, f.Text, f.URL, f.Consent)
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
