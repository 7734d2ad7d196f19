package conversation_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// withFiles is an email with attachments (name → content).
func withFiles(e eml, files ...[2]string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: support@parley.test\r\n", e.from)
	if e.cc != "" {
		fmt.Fprintf(&b, "Cc: %s\r\n", e.cc)
	}
	fmt.Fprintf(&b, "Subject: %s\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\nMessage-ID: <%s>\r\n", cmpOr(e.subject, "Help"), e.id)
	if e.inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", e.inReplyTo, e.inReplyTo)
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n")
	fmt.Fprintf(&b, "--b0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", e.body)
	for _, f := range files {
		enc := base64.StdEncoding.EncodeToString([]byte(f[1]))
		fmt.Fprintf(&b, "--b0\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=%q\r\nContent-Transfer-Encoding: base64\r\n\r\n", f[0])
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
	}
	b.WriteString("--b0--\r\n")
	return []byte(b.String())
}

// TestEraseContact erases a customer who wrote to two inboxes and into
// someone else's thread, and checks that nothing of theirs is left — in
// any table that names a contact, a conversation or a message (read from
// the schema), in the search index, in the blobs and the raw mail — that
// what they shared with others stays, and that a re-delivery of what was
// erased is not taken in again while a new message is.
func TestEraseContact(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newMailWorld(t, s)
		f := storetest.NewFixtures(t, s)
		restrMail := f.Channel(w.restricted, parley.ChannelEmail)
		deliver := func(ch *parley.Channel, raw []byte, keys ...string) *conversation.EmailReceived {
			t.Helper()
			r, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: ch.ID, Raw: raw, Source: "imap", Keys: keys})
			if err != nil {
				t.Fatal(err)
			}
			w.clock.Advance(time.Second)
			return r
		}
		big := strings.Repeat("eve's big scan ", 20000) // 300 kB: the raw mail is a blob too
		e1 := withFiles(eml{from: "Eve Erased <eve@customer.example>", id: "e1@customer.example", body: "zanzibar is where I live"},
			[2]string{"passport.txt", "eve's passport number"}, [2]string{"terms.txt", "the shop's terms, sent by everyone"})
		e2 := withFiles(eml{from: "eve@customer.example", id: "e2@customer.example", body: "my scan attached"}, [2]string{"scan.txt", big})
		k1 := withFiles(eml{from: "kim@customer.example", cc: "eve@customer.example", id: "k1@customer.example", body: "kept words from kim"},
			[2]string{"terms.txt", "the shop's terms, sent by everyone"})
		r1 := deliver(w.ch, e1, "imap:1:1")
		r2 := deliver(restrMail, e2, "imap:1:2")
		rk := deliver(w.ch, k1, "imap:1:3")
		// Eve answers in kim's thread, where she is a participant.
		e3 := withFiles(eml{from: "eve@customer.example", id: "e3@customer.example", inReplyTo: "k1@customer.example", body: "zanzibar again, in kim's thread"})
		r3 := deliver(w.ch, e3, "imap:1:4")
		if r3.ConversationID != rk.ConversationID {
			t.Fatalf("eve's answer went to %d, want kim's conversation %d", r3.ConversationID, rk.ConversationID)
		}
		eve, err := s.ContactByEmail(ctx, "eve@customer.example")
		if err != nil {
			t.Fatal(err)
		}
		// Kim's conversation was hers a moment: its timeline names her.
		kim, _ := s.ContactByEmail(ctx, "kim@customer.example")
		for _, to := range []parley.ID{eve.ID, kim.ID} {
			if _, err := w.svc.Associate(ctx, w.ana, rk.ConversationID, to, ""); err != nil {
				t.Fatal(err)
			}
		}
		// What else names her: a list, a consent, a chat visitor.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			l := &store.ContactList{Name: "VIP", CreatedAt: w.clock.Now()}
			if err := tx.CreateContactList(ctx, l); err != nil {
				return err
			}
			if _, err := tx.AddToContactList(ctx, l.ID, eve.ID, w.clock.Now()); err != nil {
				return err
			}
			if err := tx.AddConsent(ctx, &store.Consent{ContactID: eve.ID, Kind: "subscription", Subscription: "news", Text: "yes", GivenAt: w.clock.Now()}); err != nil {
				return err
			}
			return tx.CreateVisitor(ctx, &store.Visitor{ChannelID: w.supportAPI.ID, UID: "v-eve", ContactID: eve.ID, ConversationID: &r1.ConversationID, CreatedAt: w.clock.Now()})
		})
		if err != nil {
			t.Fatal(err)
		}
		var blobs []string // passport, terms, scan, e2's raw mail
		atts, err := s.MessageAttachments(ctx, []parley.ID{r1.MessageID, r2.MessageID})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []parley.ID{r1.MessageID, r2.MessageID} {
			for _, a := range atts[id] {
				blobs = append(blobs, a.Blob)
			}
		}
		m2, _ := s.Message(ctx, r2.MessageID)
		if m2.Email == nil || m2.Email.Raw == "" {
			t.Fatal("a 300 kB message's raw mail should be a blob")
		}
		blobs = append(blobs, m2.Email.Raw)
		terms := blob.Key([]byte("the shop's terms, sent by everyone"))
		if len(blobs) != 4 || !slices.Contains(blobs, terms) {
			t.Fatalf("eve's blobs = %v", blobs)
		}
		convs := []parley.ID{r1.ConversationID, r2.ConversationID}
		msgs := []parley.ID{r1.MessageID, r2.MessageID, r3.MessageID}
		// The check sees what is there: before, every kind of row is found.
		before, err := s.Remnants(ctx, eve.ID, convs, msgs)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"contacts.id", "contact_emails.contact_id", "contact_list_members.contact_id", "contact_consents.contact_id",
			"visitors.contact_id", "conversations.id", "messages.id", "messages.conversation_id", "attachments.message_id",
			"inbound_keys.conversation_id", "events.conversation_id", "mail_threads.conversation_id", "mail_participants.conversation_id"} {
			if !slices.ContainsFunc(before, func(r string) bool { return strings.HasPrefix(r, want+":") }) {
				t.Errorf("before erasure, no remnant in %s: %v", want, before)
			}
		}
		search := func(q string) []parley.ID {
			terms, err := store.ParseSearch(q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []parley.ID
			if err := s.Search(ctx, terms, []parley.ID{w.support.ID, w.restricted.ID}, []parley.Placement{parley.PlacementInbox, parley.PlacementFiltered, parley.PlacementSpam}, 100,
				func(hits []parley.ID) (bool, error) { ids = append(ids, hits...); return true, nil }); err != nil {
				t.Fatal(err)
			}
			return ids
		}
		if got := search("zanzibar"); len(got) != 2 {
			t.Fatalf("before: search zanzibar = %v, want eve's and kim's conversations", got)
		}

		// Who may erase, and how it is confirmed.
		for _, tc := range []struct {
			name    string
			actor   parley.Actor
			id      parley.ID
			confirm string
			code    string
			field   string
		}{
			{"an agent", w.ana, eve.ID, "Eve Erased", parley.EFORBIDDEN, ""},
			{"a viewer", w.vic, eve.ID, "Eve Erased", parley.EFORBIDDEN, ""},
			{"nothing typed", w.root, eve.ID, "", parley.EINVALID, "confirm"},
			{"another name", w.root, eve.ID, "Eve", parley.EINVALID, "confirm"},
			{"another address", w.root, eve.ID, "kim@customer.example", parley.EINVALID, "confirm"},
			{"another id", w.root, eve.ID, fmt.Sprintf("#%d", eve.ID+1), parley.EINVALID, "confirm"},
			{"a guessed id", w.root, eve.ID + 1000, "Eve Erased", parley.ENOTFOUND, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := w.svc.EraseContact(ctx, tc.actor, tc.id, tc.confirm)
				if parley.ErrorCode(err) != tc.code || parley.ErrorField(err) != tc.field {
					t.Errorf("= %v, want %s on %q", err, tc.code, tc.field)
				}
			})
		}
		if _, err := s.Contact(ctx, eve.ID); err != nil {
			t.Fatalf("a refused erasure erased: %v", err)
		}

		// Her files were written over an hour ago: no ingest may be about
		// to name them (blob.Grace).
		w.clock.Advance(blob.Grace)
		head, _ := s.EventsAfter(ctx, 0, 100000)
		got, err := w.svc.EraseContact(ctx, w.root, eve.ID, "  EVE@customer.example ")
		if err != nil {
			t.Fatal(err)
		}
		if want := (conversation.Erased{ContactID: eve.ID, Conversations: 2, Messages: 3, Attachments: 3, Blobs: 3}); *got != want {
			t.Errorf("erased %+v, want %+v", *got, want)
		}

		// Nothing of hers is left in any table…
		left, err := s.Remnants(ctx, eve.ID, convs, msgs)
		if err != nil || len(left) > 0 {
			t.Errorf("left after erasure: %v (%v)", left, err)
		}
		// …in the search index…
		if got := search("zanzibar"); len(got) != 0 {
			t.Errorf("after: search zanzibar = %v, want nothing", got)
		}
		if got := search("kept"); !slices.Equal(got, []parley.ID{rk.ConversationID}) {
			t.Errorf("after: search kept = %v, want kim's conversation", got)
		}
		// …in the blobs and the raw mail, but what kim sent too stays.
		for _, k := range blobs {
			_, err := w.blobs.Read(k)
			if kept := err == nil; kept != (k == terms) {
				t.Errorf("blob %s… kept = %v (%v), want %v", k[:8], kept, err, k == terms)
			}
		}
		if ps, _ := s.Participants(ctx, rk.ConversationID); slices.Contains(ps, "eve@customer.example") {
			t.Errorf("kim's conversation still lists eve as a participant: %v", ps)
		}
		if texts := w.types(rk.ConversationID); len(texts) == 0 {
			t.Error("kim's conversation went with eve's")
		}
		// One contact.erased, saying nothing of who she was; her
		// conversations' events keep their type and no data.
		evs, _ := s.EventsAfter(ctx, head[len(head)-1].Seq, 1000)
		var erased []parley.Event
		for _, e := range evs {
			if e.Type == parley.EventContactErased {
				erased = append(erased, e)
			}
		}
		if len(erased) != 1 || erased[0].ActorID == nil || *erased[0].ActorID != w.root.UserID ||
			strings.Contains(strings.ToLower(string(erased[0].Data)), "eve@") || !hasID(erased[0].Data, "contact_id", eve.ID) {
			t.Errorf("contact.erased events = %+v", erased)
		}
		all, _ := s.EventsAfter(ctx, 0, 100000)
		for _, e := range all {
			if d := strings.ToLower(string(e.Data)); strings.Contains(d, "eve@") || strings.Contains(d, "eve erased") || strings.Contains(d, "zanzibar") {
				t.Errorf("event %d %s still says %s", e.Seq, e.Type, e.Data)
			}
		}
		for _, e := range all {
			if e.Type != parley.EventContactErased && (hasID(e.Data, "contact_id", eve.ID) || hasID(e.Data, "from_contact_id", eve.ID)) {
				t.Errorf("event %d %s still names her: %s", e.Seq, e.Type, e.Data)
			}
		}
		if c := w.get(rk.ConversationID); strings.Contains(c.Preview, "zanzibar") {
			t.Errorf("kim's conversation still previews eve's words: %q", c.Preview)
		}

		// What was erased is not taken in again, by any of its keys — a
		// re-sync under new UIDs, or the same UIDs.
		for _, again := range []struct {
			ch   *parley.Channel
			raw  []byte
			keys []string
		}{{w.ch, e1, []string{"imap:2:1"}}, {restrMail, e2, []string{"imap:2:2"}}, {w.ch, e3, []string{"imap:2:4"}}, {w.ch, e1, nil},
			{w.ch, eml{from: "eve@customer.example", id: "other-id@customer.example"}.raw(), []string{"imap:1:1"}}} {
			r := deliver(again.ch, again.raw, again.keys...)
			if !r.Duplicate || !r.Deleted {
				t.Errorf("re-delivered %v: %+v, want recognised as deleted", again.keys, r)
			}
		}
		if _, err := s.ContactByEmail(ctx, "eve@customer.example"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a re-delivery made eve a contact again: %v", err)
		}
		// A new message from her later is a new contact: erasure forgets,
		// it does not block.
		r := deliver(w.ch, eml{from: "eve@customer.example", id: "e9@customer.example", body: "hello again"}.raw(), "imap:2:9")
		if r.Duplicate || r.ConversationID == 0 {
			t.Errorf("a new message after erasure: %+v, want a new conversation", r)
		}
		if c, err := s.ContactByEmail(ctx, "eve@customer.example"); err != nil || c.ID == eve.ID || c.Name != "" {
			t.Errorf("the new message's contact: %+v, %v; want a new contact who knows nothing", c, err)
		}
	})
}

// hasID reports whether an event's data has id under key.
func hasID(data []byte, key string, id parley.ID) bool {
	var d map[string]any
	if json.Unmarshal(data, &d) != nil {
		return false
	}
	v, ok := d[key].(float64)
	return ok && parley.ID(v) == id
}
