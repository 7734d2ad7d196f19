package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
	"github.com/parleyhq/parley/internal/realtime"
)

// Close codes of the stream, beyond the standard ones.
const (
	closeSignedOut = 4001 // the stream's credential ended: sign in again
	closeTooSlow   = 4008 // the client fell behind: reconnect with resume_after
	closeResumeAt  = "resume_after="
)

// streamHello is the client's first message.
type streamHello struct {
	ResumeAfter *int64 `json:"resume_after"`
}

// streamSignal is a client's ephemeral signal.
type streamSignal struct {
	Type           string    `json:"type"` // typing, viewing, left
	ConversationID parley.ID `json:"conversation_id"`
}

// stream serves GET /api/v1/stream (SPEC PLT-2): the client sends
// {"resume_after": N} and receives every event after N it may see, then the
// live ones, in order, without gaps or repeats; and ephemeral signals.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	a, ok := parley.ActorFrom(r.Context())
	if !ok {
		writeProblem(w, http.StatusUnauthorized, "sign in first")
		return
	}
	if ok, userFull := s.streams.acquire(a.UserID); !ok {
		if userFull {
			tooMany(w, time.Minute, "too many open streams for this user: close some")
		} else {
			w.Header().Set("Retry-After", "10")
			writeProblem(w, http.StatusServiceUnavailable, "too many open streams on this server: try again later")
		}
		return
	}
	defer s.streams.release(a.UserID)
	cred, _ := r.Context().Value(credentialKey{}).(credential)
	conn, err := websocket.Accept(w, r, nil) // same-origin only for browsers
	if err != nil {
		return
	}
	conn.SetReadLimit(4096)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s.endStream(ctx, conn, "stream", s.serveStream(ctx, conn, a, cred))
}

// endStream closes a stream the way its end calls for: a close it chose
// (closeError) with its code, the client's own close or a normal end
// normally, anything else as an error, logged unless the client went.
func (s *Server) endStream(ctx context.Context, conn *websocket.Conn, what string, err error) {
	var ce closeError
	switch {
	case err == nil:
		conn.Close(websocket.StatusNormalClosure, "")
	case errors.As(err, &ce):
		conn.Close(ce.code, ce.reason)
	default:
		if websocket.CloseStatus(err) == -1 && ctx.Err() == nil {
			s.log.Debug(what, "err", err)
		}
		conn.Close(websocket.StatusInternalError, "stream error")
	}
}

type closeError struct {
	code   websocket.StatusCode
	reason string
}

func (e closeError) Error() string { return e.reason }

func (s *Server) serveStream(ctx context.Context, conn *websocket.Conn, a parley.Actor, cred credential) error {
	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	_, raw, err := conn.Read(hctx)
	cancel()
	if err != nil {
		return err
	}
	var hello streamHello
	if err := json.Unmarshal(raw, &hello); err != nil || hello.ResumeAfter == nil || *hello.ResumeAfter < -1 {
		return closeError{websocket.StatusPolicyViolation, `send {"resume_after": <seq>} first (-1: from now on)`}
	}
	// The subscription follows no topic until the stream knows what its
	// user may see; the replay from the log covers what it misses meanwhile.
	sub, _, err := s.hub.Subscribe(ctx)
	if err != nil {
		return err
	}
	defer s.hub.Unsubscribe(sub)
	last := *hello.ResumeAfter
	if last == -1 {
		// Only what happens from now on: the hub may not have read the
		// newest commits yet, so "now" is the log's head.
		if last, err = s.hub.Head(ctx); err != nil {
			return err
		}
	}
	// The credential is checked again now that every later event will
	// reach this stream: a sign-out committed while the client said hello
	// is seen here, one committed after, as its event.
	recheck := func() error {
		u, _, err := s.credentialUser(ctx, cred)
		if parley.ErrorCode(err) == parley.EUNAUTHORIZED {
			return closeError{closeSignedOut, "signed out: sign in again"}
		}
		if err != nil {
			return err
		}
		a = parley.UserActor(u)
		return nil
	}
	if err := recheck(); err != nil {
		return err
	}
	viewer, err := s.hub.Viewer(ctx, a)
	if err != nil {
		return err
	}
	topics, refollow := viewer.Topics(), true
	send := func(e realtime.Event) error {
		if e.Seq <= last {
			return nil
		}
		sees := viewer.Sees(e)
		ends, changes := realtime.EndsCredentials(e, a.UserID), realtime.ChangesAccess(e)
		if ends {
			// A session that ended, or a role that changed, takes effect
			// on open streams at once.
			if err := recheck(); err != nil {
				return err
			}
		}
		if ends || changes {
			// Whom it concerns hears of it, on either side: a user just
			// let in and a user just shut out both learn to reload.
			if err := viewer.Refresh(ctx, a); err != nil {
				return err
			}
			sees = sees || viewer.Sees(e)
			if t := viewer.Topics(); !slices.Equal(t, topics) {
				topics, refollow = t, true
			}
		}
		last = e.Seq
		if !sees {
			return nil
		}
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := conn.Write(wctx, websocket.MessageText, e.JSON)
		cancel()
		return err
	}
	// follow makes the subscription follow the viewer's topics and
	// replays from the log what it missed before: the events of a newly
	// readable inbox dispatched before it followed them. An access change
	// met on the way makes it follow again.
	follow := func() error {
		for refollow {
			refollow = false
			head := s.hub.Follow(sub, topics)
			if err := s.hub.Replay(ctx, last, head, send); err != nil {
				return err
			}
		}
		return nil
	}
	if err := follow(); err != nil {
		return err
	}

	signals := make(chan streamSignal)
	readErr := make(chan error, 1)
	go func() {
		for {
			_, raw, err := conn.Read(ctx)
			if err != nil {
				readErr <- err
				return
			}
			var sig streamSignal
			if json.Unmarshal(raw, &sig) == nil {
				select {
				case signals <- sig:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	// Sessions also end by expiring, which no event says: look again now
	// and then.
	again := time.NewTicker(s.cfg.StreamRecheck)
	defer again.Stop()
	// While the stream is open its person is told here, not by email.
	alive := time.NewTicker(notify.LiveEvery)
	defer alive.Stop()
	if err := s.notifications.Opened(ctx, a); err != nil {
		return err
	}
	defer func() { s.notifications.Closed(context.WithoutCancel(ctx), a) }()
	for {
		select {
		case <-again.C:
			if err := recheck(); err != nil {
				return err
			}
		case <-alive.C:
			if err := s.notifications.Live(ctx, a); err != nil {
				return err
			}
		case e, ok := <-sub.Events:
			if !ok {
				if sub.Overflowed() {
					return closeError{closeTooSlow, "too slow: reconnect with " + closeResumeAt + strconv.FormatInt(last, 10)}
				}
				return closeError{websocket.StatusGoingAway, "server shutting down: reconnect with " + closeResumeAt + strconv.FormatInt(last, 10)}
			}
			if err := send(e); err != nil {
				return err
			}
			if err := follow(); err != nil {
				return err
			}
		case sig := <-sub.Signals:
			if viewer.SeesSignal(sig) {
				b, _ := json.Marshal(sig)
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := conn.Write(wctx, websocket.MessageText, b)
				cancel()
				if err != nil {
					return err
				}
			}
		case sig := <-signals:
			s.signal(ctx, a, sig)
		case err := <-readErr:
			if websocket.CloseStatus(err) != -1 {
				return nil // the client closed
			}
			return err
		case <-ctx.Done():
			return nil
		}
	}
}

// signal relays a client's typing or viewing signal about a conversation it
// may read; anything else is ignored.
func (s *Server) signal(ctx context.Context, a parley.Actor, in streamSignal) {
	switch in.Type {
	case "typing", "viewing", "left":
	default:
		return
	}
	c, err := s.conv.Get(ctx, a, in.ConversationID)
	if err != nil {
		return
	}
	id := a.UserID
	s.hub.Signal(ctx, realtime.Signal{Type: in.Type, ConversationID: c.ID, InboxID: c.InboxID,
		Actor: present.ActorJSON{Kind: parley.ActorUser, ID: &id, Name: a.Name}})
}
