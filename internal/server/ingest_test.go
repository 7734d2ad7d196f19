package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	gosmtp "github.com/emersion/go-smtp"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/imap"
	"github.com/parleyhq/parley/internal/imap/imaptest"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/smtp"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// An entry is one way a customer's item comes in. Every entry goes through
// the one way in (conversation.admit); the same scenarios run through each.
type entry struct {
	name    string
	channel parley.ID
	inbox   parley.ID
	// send delivers one item; an error is the entry's refusal.
	send func(it item) error
	// key is the item's dedupe key on the channel.
	key func(it item) string
	// settle returns once everything sent so far is taken in or refused.
	settle func()
	// wake tells the entry that its channel changed.
	wake func()
}

// An item is one message from a customer.
type item struct {
	id, from, text string
	// answers is the id of the item this one replies to; "" opens a
	// conversation.
	answers string
}

// rfc822 is an item as an email to addr.
func (it item) rfc822(addr string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\n", it.from, addr, it.text, it.id)
	if it.answers != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", it.answers, it.answers)
	}
	fmt.Fprintf(&b, "Date: Mon, 2 Mar 2026 09:00:00 +0000\r\n\r\n%s\r\n", it.text)
	return b.String()
}

func mid(it item) string { return "mid:" + it.id }

// ingestWorld is an organisation with one inbox per entry: the API push,
// raw MIME through the API, the SMTP listener and a connected IMAP mailbox.
type ingestWorld struct {
	*orgWorld
	t       *testing.T
	s       *store.Store
	entries []*entry
}

func newIngestWorld(t *testing.T, s *store.Store) *ingestWorld {
	w := &ingestWorld{orgWorld: buildOrg(t, s), t: t, s: s}
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// The mail listeners' own service on the same store, as in serve.
	conv := conversation.New(s, conversation.Options{MailDomain: "parley.test", Blobs: blobs})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	inbox := func(name string) (parley.ID, string) {
		res := w.admin.must(201, "POST", path("/inboxes"), map[string]any{"name": name, "access": "everyone"})
		return res.id(), res.body["address"].(string)
	}
	accepted := func(r response) error {
		if r.status != 200 && r.status != 201 {
			return fmt.Errorf("%d %s", r.status, r.raw)
		}
		return nil
	}
	nothing := func() {}

	pushInbox, _ := inbox("Push")
	push := &entry{name: "api", inbox: pushInbox, key: func(it item) string { return it.id }, settle: nothing, wake: nothing}
	push.channel = w.admin.must(201, "POST", path("/inboxes/%d/channels", pushInbox), map[string]any{"kind": "api", "name": "Bridge"}).id()
	push.send = func(it item) error {
		// A messaging app threads by contact: a reply continues the
		// contact's conversation, anything else opens one.
		return accepted(w.admin.call("POST", path("/channels/%d/messages", push.channel), map[string]any{
			"client_id": it.id, "contact": map[string]string{"email": it.from}, "text": it.text, "new_conversation": it.answers == ""}))
	}

	mimeInbox, mimeAddr := inbox("Raw")
	mime := &entry{name: "mime", inbox: mimeInbox, channel: w.emailChannel(mimeInbox), key: mid, settle: nothing, wake: nothing}
	mime.send = func(it item) error {
		return accepted(w.admin.call("POST", path("/channels/%d/mime", mime.channel), it.rfc822(mimeAddr), "Content-Type", "message/rfc822"))
	}

	smtpInbox, smtpAddr := inbox("Mail")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &smtp.Listener{Domain: "parley.test", Receiver: conv, Channels: s, Log: log, MaxMessageBytes: 64 << 10}
	served := make(chan error, 1)
	go func() { served <- l.Serve(ln) }()
	t.Cleanup(func() { l.Close(); <-served })
	listener := &entry{name: "smtp", inbox: smtpInbox, channel: w.emailChannel(smtpInbox), key: mid, settle: nothing, wake: nothing}
	listener.send = func(it item) error {
		c, err := gosmtp.Dial(ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.SendMail(it.from, []string{smtpAddr}, strings.NewReader(it.rfc822(smtpAddr)))
	}

	srv := imaptest.Start(t, goimap.CapSet{goimap.CapIMAP4rev2: {}})
	imapInbox, _ := inbox("Mailbox")
	host, portText, _ := net.SplitHostPort(srv.Addr)
	port, _ := strconv.Atoi(portText)
	mailbox := &entry{name: "imap", inbox: imapInbox, key: mid}
	mailbox.channel = w.admin.must(201, "POST", path("/inboxes/%d/channels", imapInbox), map[string]any{"kind": "email", "name": "Shared",
		"config": map[string]any{"imap": map[string]any{"host": host, "port": port, "security": "none",
			"username": imaptest.Username, "password": imaptest.Password}}}).id()
	m := imap.NewManager(s, imap.Options{Receiver: conv, Log: log, Poll: 50 * time.Millisecond, Idle: 2 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	mailbox.send = func(it item) error { srv.Deliver(it.rfc822(imaptest.Username)); return nil }
	mailbox.wake = m.Wake
	markers := 0
	mailbox.settle = func() {
		// The mailbox is read in order: once a marker sent last is in,
		// everything before it was taken in or refused.
		markers++
		marker := item{id: fmt.Sprintf("marker-%d@sender.example", markers), from: "marker@sender.example", text: "marker"}
		srv.Deliver(marker.rfc822(imaptest.Username))
		w.waitKey(mailbox.channel, mid(marker))
	}

	w.entries = []*entry{push, mime, listener, mailbox}
	return w
}

// waitKey waits until the item with key is stored on the channel.
func (w *ingestWorld) waitKey(channel parley.ID, key string) {
	w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := w.s.InboundKey(context.Background(), channel, key)
		if err == nil {
			return
		}
		if parley.ErrorCode(err) != parley.ENOTFOUND || time.Now().After(deadline) {
			w.t.Fatalf("waiting for %s on channel %d: %v", key, channel, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// outcome is what became of a sender's items: how many conversations they
// have, and the state of the one holding their last item.
type outcome struct {
	Conversations int
	Messages      int // in the last item's conversation
	Placement     parley.Placement
	Status        parley.Status
	Reason        string // why it was placed where it is, when it opened
}

func (w *ingestWorld) outcome(e *entry, from string, last item) outcome {
	w.t.Helper()
	ctx := context.Background()
	var o outcome
	contact, err := w.s.ContactByEmail(ctx, from)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return o
	}
	if err != nil {
		w.t.Fatal(err)
	}
	ids, err := w.s.ContactConversationIDs(ctx, contact.ID, "")
	if err != nil {
		w.t.Fatal(err)
	}
	o.Conversations = len(ids)
	k, err := w.s.InboundKey(ctx, e.channel, e.key(last))
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && k.Tombstone() {
		return o
	}
	if err != nil {
		w.t.Fatal(err)
	}
	c, err := w.s.Conversation(ctx, *k.ConversationID)
	if err != nil {
		w.t.Fatal(err)
	}
	o.Placement, o.Status = c.Placement, c.Status
	evs, err := w.s.ConversationEvents(ctx, c.ID, 0, 100)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.MessageID != nil {
			o.Messages++
		}
		if ev.Type == parley.EventConversationCreated {
			var data struct{ Reason string }
			if err := json.Unmarshal(ev.Data, &data); err != nil {
				w.t.Fatal(err)
			}
			o.Reason = data.Reason
		}
	}
	return o
}

// conversationOf is the conversation holding an item.
func (w *ingestWorld) conversationOf(e *entry, it item) parley.ID {
	w.t.Helper()
	k, err := w.s.InboundKey(context.Background(), e.channel, e.key(it))
	if err != nil || k.Tombstone() {
		w.t.Fatalf("item %s on %s: %v", it.id, e.name, err)
	}
	return *k.ConversationID
}

func (w *ingestWorld) setChannel(e *entry, enabled bool) {
	w.admin.must(200, "PATCH", path("/channels/%d", e.channel), map[string]any{"enabled": enabled})
	e.wake()
}

// TestIngestScenarios runs one table of scenarios through every entry
// point: what a channel does with an item is decided in one place, so each
// entry must agree, except where a channel has its own rule (said in want).
func TestIngestScenarios(t *testing.T) {
	type step func(w *ingestWorld, e *entry, from string) (last item, refused []error)
	open := outcome{Conversations: 1, Messages: 1, Placement: parley.PlacementInbox, Status: parley.StatusOpen}
	scenarios := []struct {
		name string
		run  step
		want outcome
		// per entry, where a channel has its own rule
		except map[string]outcome
		// refusedBy are the entries that refuse the item outright.
		refusedBy string
	}{{
		name: "a new item opens a conversation",
		run: func(w *ingestWorld, e *entry, from string) (item, []error) {
			a := item{id: "new-" + e.name + "@customer.example", from: from, text: "Where is my order?"}
			return a, []error{e.send(a)}
		},
		want: open,
	}, {
		name: "the same item twice is stored once",
		run: func(w *ingestWorld, e *entry, from string) (item, []error) {
			a := item{id: "twice-" + e.name + "@customer.example", from: from, text: "Sent twice"}
			return a, []error{e.send(a), e.send(a)}
		},
		want: open,
	}, {
		name: "a reply threads into its conversation and reopens it",
		run: func(w *ingestWorld, e *entry, from string) (item, []error) {
			a := item{id: "first-" + e.name + "@customer.example", from: from, text: "My parcel is late"}
			errA := e.send(a)
			e.settle()
			w.admin.must(200, "POST", path("/conversations/%d/close", w.conversationOf(e, a)), nil)
			b := item{id: "again-" + e.name + "@customer.example", from: from, text: "Still late", answers: a.id}
			return b, []error{errA, e.send(b)}
		},
		want: outcome{Conversations: 1, Messages: 2, Placement: parley.PlacementInbox, Status: parley.StatusOpen},
	}, {
		name: "a blocked sender's new item is filtered",
		run: func(w *ingestWorld, e *entry, from string) (item, []error) {
			a := item{id: "before-" + e.name + "@customer.example", from: from, text: "Buy now"}
			errA := e.send(a)
			e.settle()
			contact, err := w.s.ContactByEmail(context.Background(), from)
			if err != nil {
				w.t.Fatal(err)
			}
			w.admin.must(200, "POST", path("/contacts/%d/block", contact.ID), nil)
			b := item{id: "after-" + e.name + "@customer.example", from: from, text: "Buy more"}
			return b, []error{errA, e.send(b)}
		},
		want: outcome{Conversations: 2, Messages: 1, Placement: parley.PlacementFiltered, Status: parley.StatusOpen, Reason: "sender blocked"},
	}, {
		name: "a role-based sender is filtered on email",
		run: func(w *ingestWorld, e *entry, from string) (item, []error) {
			a := item{id: "role-" + e.name + "@customer.example", from: from, text: "Newsletter"}
			return a, []error{e.send(a)}
		},
		want: outcome{Conversations: 1, Messages: 1, Placement: parley.PlacementFiltered, Status: parley.StatusOpen, Reason: "role-based sender"},
		// An integration that pushes a message has decided it is one.
		except: map[string]outcome{"api": open},
	}, {
		name: "a channel that is off takes nothing in",
		run: func(w *ingestWorld, e *entry, from string) (item, []error) {
			a := item{id: "off-" + e.name + "@customer.example", from: from, text: "Anyone there?"}
			w.setChannel(e, false)
			err := e.send(a)
			w.setChannel(e, true)
			return a, []error{err}
		},
		refusedBy: "api mime smtp",
		want:      outcome{},
		// A connected mailbox keeps the mail; it is read once the channel
		// is on again (TestMailboxPolling shows nothing is read while off).
		except: map[string]outcome{"imap": open},
	}, {
		name: "a deleted conversation's item is not taken in again",
		run: func(w *ingestWorld, e *entry, from string) (item, []error) {
			a := item{id: "deleted-" + e.name + "@customer.example", from: from, text: "Forget me"}
			errA := e.send(a)
			e.settle()
			c := w.conversationOf(e, a)
			w.admin.must(200, "POST", path("/conversations/%d/trash", c), nil)
			w.admin.must(204, "DELETE", path("/conversations/%d", c), nil)
			return a, []error{errA, e.send(a)}
		},
		// Mail is acknowledged (a sender would only send it again); an
		// integration is told.
		refusedBy: "api",
		want:      outcome{},
	}}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newIngestWorld(t, s)
		for i, sc := range scenarios {
			for _, e := range w.entries {
				t.Run(sc.name+"/"+e.name, func(t *testing.T) {
					w.t = t
					from := fmt.Sprintf("customer%d-%s@customer.example", i, e.name)
					if strings.HasPrefix(sc.name, "a role-based") {
						from = fmt.Sprintf("noreply-%d-%s@customer.example", i, e.name)
					}
					last, errs := sc.run(w, e, from)
					e.settle()
					refused := strings.Contains(" "+sc.refusedBy+" ", " "+e.name+" ")
					for j, err := range errs {
						if refuse := refused && j == len(errs)-1; refuse != (err != nil) {
							t.Errorf("delivery %d: %v, refused: want %v", j+1, err, refuse)
						}
					}
					want, ok := sc.except[e.name]
					if !ok {
						want = sc.want
					}
					if got := w.outcome(e, from, last); got != want {
						t.Errorf("outcome\n got %+v\nwant %+v", got, want)
					}
				})
			}
		}
	})
}
