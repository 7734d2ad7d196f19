package conversation_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// eml builds a raw message; empty fields are left out.
type eml struct {
	from, to, cc, subject, id, inReplyTo, refs, threadIndex, extra, body string
}

func (e eml) raw() []byte {
	var b strings.Builder
	add := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	add("From", e.from)
	add("To", cmpOr(e.to, "support@parley.test"))
	add("Cc", e.cc)
	add("Subject", cmpOr(e.subject, "Help"))
	add("Date", "Mon, 2 Mar 2026 09:00:00 +0000")
	add("Message-ID", "<"+e.id+">")
	if e.inReplyTo != "" {
		add("In-Reply-To", "<"+e.inReplyTo+">")
	}
	add("References", e.refs)
	add("Thread-Index", e.threadIndex)
	b.WriteString(e.extra)
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(cmpOr(e.body, "Hello, "+e.id))
	return []byte(b.String())
}

func cmpOr(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// mailWorld is a world with an email channel and a way to play "we sent
// this" until the outbound side sends for real.
type mailWorld struct {
	*world
	ch *parley.Channel
}

func newMailWorld(t *testing.T, s *store.Store) *mailWorld {
	w := newWorld(t, s)
	return &mailWorld{world: w, ch: storetest.NewFixtures(t, s).Channel(w.support, parley.ChannelEmail)}
}

func (w *mailWorld) deliver(e eml, rcpts ...string) *conversation.EmailReceived {
	w.t.Helper()
	r, err := w.svc.ReceiveEmail(context.Background(), parley.System, conversation.Email{ChannelID: w.ch.ID, Raw: e.raw(), Source: "test", Recipients: rcpts})
	if err != nil {
		w.t.Fatalf("deliver %s: %v", e.id, err)
	}
	return r
}

// sent records that Parley sent messageID in conversation id to addresses.
func (w *mailWorld) sent(id parley.ID, messageID string, to ...string) {
	w.t.Helper()
	err := w.s.InTx(context.Background(), func(tx *store.Tx) error {
		if err := tx.PutMailThreads(context.Background(), w.support.ID, id, true, "mid:"+messageID); err != nil {
			return err
		}
		return tx.AddParticipants(context.Background(), id, to...)
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

// TestEmailThreading plays a sequence of deliveries; each step says which
// earlier step's conversation it must land in ("" for a new one) and by
// which rule.
func TestEmailThreading(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newMailWorld(t, s)
		ctx := context.Background()
		conv := map[string]parley.ID{}
		ti := base64.StdEncoding.EncodeToString([]byte("0123456789abcdefghijkl"))
		tiReply := base64.StdEncoding.EncodeToString([]byte("0123456789abcdefghijkl+five"))
		steps := []struct {
			name string
			mail eml
			rcpt []string
			want string // the step whose conversation it joins; "" for new
			rule string
			pre  func()
		}{
			{name: "ana writes", mail: eml{from: "Ana <ana@customer.example>", cc: "Cole <cole@customer.example>", id: "a1@customer.example", subject: "Broken"}, rule: mail.RuleNew},
			{name: "ana answers our reply", mail: eml{from: "ana@customer.example", id: "a2@customer.example", inReplyTo: "out1@parley.test", refs: "<a1@customer.example> <out1@parley.test>"},
				want: "ana writes", rule: mail.RuleOwnID, pre: func() { w.sent(conv["ana writes"], "out1@parley.test", "ana@customer.example") }},
			{name: "bob answers the same reply", mail: eml{from: "bob@other.example", id: "b1@other.example", inReplyTo: "out1@parley.test"}, rule: mail.RuleNew},
			{name: "cc'd colleague answers", mail: eml{from: "cole@customer.example", id: "c1@customer.example", inReplyTo: "a1@customer.example", refs: "<a1@customer.example>"},
				want: "ana writes", rule: mail.RuleReference},
			{name: "apple mail partial references", mail: eml{from: "ana@customer.example", id: "a3@customer.example", inReplyTo: "lost@customer.example", refs: "<lost@customer.example> <a2@customer.example>"},
				want: "ana writes", rule: mail.RuleReference},
			{name: "plus address", mail: eml{from: "ana@customer.example", to: "inbox-support+tok123@parley.test", id: "a4@customer.example"},
				want: "ana writes", rule: mail.RuleToken, pre: func() {
					if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.SetMailToken(ctx, conv["ana writes"], "tok123") }); err != nil {
						t.Fatal(err)
					}
				}},
			{name: "plus address from a stranger", mail: eml{from: "eve@evil.example", to: "inbox-support+tok123@parley.test", id: "e1@evil.example"}, rule: mail.RuleNew},
			{name: "plus address in the envelope only", mail: eml{from: "ana@customer.example", id: "a5@customer.example"}, rcpt: []string{"inbox-support+tok123@parley.test"},
				want: "ana writes", rule: mail.RuleToken},
			{name: "outlook starts", mail: eml{from: "olga@corp.example", id: "o1@corp.example", threadIndex: ti}, rule: mail.RuleNew},
			{name: "outlook answers by thread index", mail: eml{from: "olga@corp.example", id: "o2@corp.example", threadIndex: tiReply},
				want: "outlook starts", rule: mail.RuleThreadIndex},
			{name: "stranger with the thread index", mail: eml{from: "mallory@evil.example", id: "m1@evil.example", threadIndex: tiReply}, rule: mail.RuleNew},
			{name: "newsletter", mail: eml{from: "news@letters.example", id: "n1@letters.example", extra: "List-Id: <weekly.letters.example>\r\n"}, rule: mail.RuleNew},
			{name: "reader one answers the newsletter", mail: eml{from: "pat@readers.example", id: "p1@readers.example", inReplyTo: "n1@letters.example"}, rule: mail.RuleNew},
			{name: "reader two answers the newsletter", mail: eml{from: "quinn@readers.example", id: "q1@readers.example", inReplyTo: "n1@letters.example"}, rule: mail.RuleNew},
			{name: "reader one again", mail: eml{from: "pat@readers.example", id: "p2@readers.example", inReplyTo: "p1@readers.example"},
				want: "reader one answers the newsletter", rule: mail.RuleReference},
		}
		// The subject-number rule needs ids known only once the world
		// runs: it comes after the table.
		for _, st := range steps {
			if st.pre != nil {
				st.pre()
			}
			r := w.deliver(st.mail, st.rcpt...)
			if r.Duplicate || r.Quarantined != 0 {
				t.Fatalf("%s: %+v, want a new message", st.name, r)
			}
			if st.want == "" {
				for prev, id := range conv {
					if id == r.ConversationID {
						t.Errorf("%s: joined %q's conversation, want a new one", st.name, prev)
					}
				}
			} else if r.ConversationID != conv[st.want] {
				t.Errorf("%s: conversation %d, want %q's %d", st.name, r.ConversationID, st.want, conv[st.want])
			}
			if r.Rule != st.rule {
				t.Errorf("%s: rule %q, want %q", st.name, r.Rule, st.rule)
			}
			conv[st.name] = r.ConversationID
			m, err := s.Message(ctx, r.MessageID)
			if err != nil || m.Email == nil || m.Email.ThreadRule != st.rule {
				t.Errorf("%s: stored message %+v (%v), want the rule recorded", st.name, m, err)
			}
		}
		ana := conv["ana writes"]
		if r := w.deliver(eml{from: "ana@customer.example", id: "a6@customer.example", subject: fmt.Sprintf("Re: [#%d] still broken", ana)}); r.ConversationID != ana || r.Rule != mail.RuleSubject {
			t.Errorf("subject number from the contact: %+v, want conversation %d", r, ana)
		}
		if r := w.deliver(eml{from: "cole@customer.example", id: "c2@customer.example", subject: fmt.Sprintf("[#%d]", ana)}); r.ConversationID == ana {
			t.Errorf("subject number from another address joined conversation %d: only the same contact may", ana)
		}
		if got := w.get(conv["newsletter"]).Placement; got != parley.PlacementFiltered {
			t.Errorf("newsletter placement %s, want filtered", got)
		}
		if got := w.get(conv["reader one answers the newsletter"]).Placement; got != parley.PlacementInbox {
			t.Errorf("a person's answer to a newsletter: placement %s, want inbox", got)
		}
	})
}

// TestEmailLifecycle covers what happens around threading: duplicates,
// deleted conversations, quarantine, bounces, auto-replies, filtering,
// forwards, reopening and the channel being off.
func TestEmailLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newMailWorld(t, s)
		ctx := context.Background()
		first := eml{from: "Ana <ana@customer.example>", id: "a1@customer.example", subject: "Broken"}
		r1 := w.deliver(first)
		c1 := r1.ConversationID

		t.Run("the raw message is kept", func(t *testing.T) {
			raw, err := s.RawMail(ctx, r1.MessageID)
			if err != nil || string(raw) != string(first.raw()) {
				t.Errorf("raw = %q, %v", raw, err)
			}
		})
		t.Run("duplicate", func(t *testing.T) {
			r := w.deliver(first)
			if !r.Duplicate || r.ConversationID != c1 || r.MessageID != r1.MessageID {
				t.Errorf("second delivery = %+v, want the original as a duplicate", r)
			}
		})
		t.Run("an imap uid and a message-id name one message", func(t *testing.T) {
			raw := eml{from: "ana@customer.example", id: "a-uid@customer.example"}.raw()
			in := conversation.Email{ChannelID: w.ch.ID, Raw: raw, Source: "imap", Keys: []string{"imap:7:42"}}
			r, err := w.svc.ReceiveEmail(ctx, parley.System, in)
			if err != nil || r.Duplicate {
				t.Fatalf("first = %+v, %v", r, err)
			}
			in.Raw = append(raw, []byte("\r\nedited by another client")...) // same uid, changed bytes
			again, err := w.svc.ReceiveEmail(ctx, parley.System, in)
			if err != nil || !again.Duplicate || again.MessageID != r.MessageID {
				t.Errorf("same uid again = %+v, %v; want the original", again, err)
			}
		})
		t.Run("reply reopens a closed conversation", func(t *testing.T) {
			w.sent(c1, "out1@parley.test", "ana@customer.example")
			if _, err := w.svc.Close(ctx, w.root, c1); err != nil {
				t.Fatal(err)
			}
			w.deliver(eml{from: "ana@customer.example", id: "a2@customer.example", inReplyTo: "out1@parley.test"})
			if c := w.get(c1); c.Status != parley.StatusOpen {
				t.Errorf("status %s after the customer's reply, want open", c.Status)
			}
		})
		t.Run("auto-reply does not reopen", func(t *testing.T) {
			if _, err := w.svc.Close(ctx, w.root, c1); err != nil {
				t.Fatal(err)
			}
			r := w.deliver(eml{from: "ana@customer.example", id: "oof1@customer.example", inReplyTo: "out1@parley.test", subject: "Out of office", extra: "Auto-Submitted: auto-replied\r\n"})
			if r.ConversationID != c1 {
				t.Errorf("auto-reply went to %d, want the thread %d", r.ConversationID, c1)
			}
			if c := w.get(c1); c.Status != parley.StatusClosed {
				t.Errorf("status %s after an auto-reply, want closed", c.Status)
			}
		})
		t.Run("bounce threads as a delivery failure and reopens", func(t *testing.T) {
			raw, err := os.ReadFile("../mail/testdata/bounce_dsn.eml")
			if err != nil {
				t.Fatal(err)
			}
			w.sent(c1, "e5f6a7b8c9.4r@acme.example", "nobody@gone.example")
			r, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: w.ch.ID, Raw: raw, Source: "test"})
			if err != nil || r.ConversationID != c1 || r.Rule != mail.RuleOwnID {
				t.Fatalf("bounce = %+v, %v; want conversation %d by our Message-ID", r, err, c1)
			}
			m, _ := s.Message(ctx, r.MessageID)
			if m.ContactID != nil || m.Email.Failure == nil || m.Email.Failure.Recipients[0] != "nobody@gone.example" {
				t.Errorf("bounce message = %+v, want no contact and the failed recipient", m)
			}
			types := w.types(c1)
			if types[len(types)-1] != parley.EventDeliveryFailed || w.get(c1).Status != parley.StatusOpen {
				t.Errorf("timeline ends %v, status %s; want a delivery failure, reopened", types[len(types)-3:], w.get(c1).Status)
			}
		})
		t.Run("a bounce about nothing we sent is filtered", func(t *testing.T) {
			raw, _ := os.ReadFile("../mail/testdata/bounce_plain.eml")
			r, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: w.ch.ID, Raw: raw, Source: "test"})
			if err != nil || r.Rule != mail.RuleNew || w.get(r.ConversationID).Placement != parley.PlacementFiltered {
				t.Errorf("= %+v, %v; want a new filtered conversation", r, err)
			}
		})
		t.Run("filtered senders", func(t *testing.T) {
			for _, e := range []eml{
				{from: "sales@vendor.example", id: "role@vendor.example"},
				{from: "robot@vendor.example", id: "auto@vendor.example", extra: "Auto-Submitted: auto-generated\r\n"},
				{from: "bulk@vendor.example", id: "bulk@vendor.example", extra: "Precedence: bulk\r\n"},
			} {
				r := w.deliver(e)
				if c := w.get(r.ConversationID); c.Placement != parley.PlacementFiltered {
					t.Errorf("%s: placement %s, want filtered", e.from, c.Placement)
				}
			}
			blocked := w.deliver(eml{from: "troll@spam.example", id: "t1@spam.example"})
			contact := *w.get(blocked.ConversationID).ContactID
			if _, err := w.svc.Block(ctx, w.root, contact); err != nil {
				t.Fatal(err)
			}
			r := w.deliver(eml{from: "troll@spam.example", id: "t2@spam.example"})
			if c := w.get(r.ConversationID); c.Placement != parley.PlacementFiltered {
				t.Errorf("blocked sender: placement %s, want filtered", c.Placement)
			}
		})
		t.Run("a teammate's forward is logged against the original sender", func(t *testing.T) {
			raw, _ := os.ReadFile("../mail/testdata/gmail_forward.eml")
			raw = []byte(strings.ReplaceAll(string(raw), "sam@acme.example", "ana@example.com")) // ana is a user
			r, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: w.ch.ID, Raw: raw, Source: "test"})
			if err != nil {
				t.Fatal(err)
			}
			c := w.get(r.ConversationID)
			contact, _ := s.Contact(ctx, *c.ContactID)
			m, _ := s.Message(ctx, r.MessageID)
			if contact.Email != "priya.shah@example.net" || m.Email.ForwardedBy == nil || m.Email.ForwardedBy.Email != "ana@example.com" {
				t.Errorf("contact %s, forwarded by %+v; want priya, forwarded by ana", contact.Email, m.Email.ForwardedBy)
			}
			// A customer's own forward is theirs.
			raw, _ = os.ReadFile("../mail/testdata/apple_forward.eml")
			r, _ = w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: w.ch.ID, Raw: raw, Source: "test"})
			contact, _ = s.Contact(ctx, *w.get(r.ConversationID).ContactID)
			if contact.Email != "sam@acme.example" {
				t.Errorf("a non-teammate's forward: contact %s, want the forwarder sam@acme.example", contact.Email)
			}
		})
		t.Run("quarantine", func(t *testing.T) {
			raw, _ := os.ReadFile("../mail/testdata/no_from.eml")
			in := conversation.Email{ChannelID: w.ch.ID, Raw: raw, Source: "imap", Keys: []string{"imap:7:99"}}
			r, err := w.svc.ReceiveEmail(ctx, parley.System, in)
			if err != nil || r.Quarantined == 0 {
				t.Fatalf("= %+v, %v; want quarantined", r, err)
			}
			again, err := w.svc.ReceiveEmail(ctx, parley.System, in)
			if err != nil || !again.Duplicate || again.Quarantined != 0 {
				t.Errorf("again = %+v, %v; want recognised, not quarantined twice", again, err)
			}
			list, _ := s.QuarantineList(ctx, 0, 10)
			if len(list) != 1 || !strings.Contains(list[0].Reason, "no sender") || list[0].Size != int64(len(raw)) {
				t.Errorf("quarantine = %+v, want one entry with the reason", list)
			}
			kept, err := w.blobs.Read(list[0].Blob)
			if err != nil || string(kept) != string(raw) {
				t.Errorf("quarantined bytes differ from what arrived (%v)", err)
			}
		})
		t.Run("deleted conversations are not re-imported", func(t *testing.T) {
			e := eml{from: "zed@customer.example", id: "z1@customer.example"}
			r := w.deliver(e)
			if _, err := w.svc.Trash(ctx, w.root, r.ConversationID); err != nil {
				t.Fatal(err)
			}
			if err := w.svc.Delete(ctx, w.root, r.ConversationID); err != nil {
				t.Fatal(err)
			}
			again := w.deliver(e)
			if !again.Deleted || again.ConversationID != 0 {
				t.Errorf("re-delivery = %+v, want acknowledged as deleted", again)
			}
			if _, err := s.Conversation(ctx, r.ConversationID); parley.ErrorCode(err) != parley.ENOTFOUND {
				t.Errorf("conversation came back: %v", err)
			}
		})
		t.Run("trash is not joined", func(t *testing.T) {
			r := w.deliver(eml{from: "yan@customer.example", id: "y1@customer.example"})
			if _, err := w.svc.Trash(ctx, w.root, r.ConversationID); err != nil {
				t.Fatal(err)
			}
			again := w.deliver(eml{from: "yan@customer.example", id: "y2@customer.example", inReplyTo: "y1@customer.example"})
			if again.ConversationID == r.ConversationID {
				t.Errorf("a reply joined a conversation in the trash")
			}
		})
		t.Run("channel off", func(t *testing.T) {
			off := *w.ch
			off.Enabled = false
			if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateChannel(ctx, &off) }); err != nil {
				t.Fatal(err)
			}
			_, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: w.ch.ID, Raw: eml{from: "x@y.example", id: "off@y.example"}.raw()})
			if parley.ErrorCode(err) != parley.ECONFLICT {
				t.Errorf("delivery to a channel that is off: %v, want ECONFLICT", err)
			}
		})
	})
}

// TestEmailGroupCommit: many deliveries at once, some the same message
// twice, land in shared transactions: each message is stored once, every
// caller gets its own answer, and each conversation's timeline is whole.
func TestEmailGroupCommit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newMailWorld(t, s)
		ctx := context.Background()
		const n = 60
		results := make([]*conversation.EmailReceived, 2*n)
		errs := make([]error, 2*n)
		var wg sync.WaitGroup
		for i := range 2 * n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				k := i % n // every message is sent twice
				raw := eml{from: fmt.Sprintf("c%d@customers.example", k), id: fmt.Sprintf("g%d@customers.example", k)}.raw()
				results[i], errs[i] = w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: w.ch.ID, Raw: raw, Source: "test"})
			}()
		}
		wg.Wait()
		seen := map[parley.ID]int{}
		for i, r := range results {
			if errs[i] != nil {
				t.Fatalf("delivery %d: %v", i, errs[i])
			}
			seen[r.MessageID]++
			other := results[(i+n)%(2*n)]
			if r.MessageID != other.MessageID || r.Duplicate == other.Duplicate {
				t.Errorf("message %d: %+v and %+v, want one stored and one duplicate of it", i%n, r, other)
			}
		}
		if len(seen) != n {
			t.Errorf("%d messages stored, want %d", len(seen), n)
		}
		for _, r := range results[:n] {
			if types := w.types(r.ConversationID); len(types) != 2 {
				t.Errorf("conversation %d timeline %v, want created + received", r.ConversationID, types)
			}
		}
	})
}
