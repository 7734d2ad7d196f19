package conversation_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func TestReceiveIsIdempotent(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		in := conversation.Inbound{ClientID: "sms-1", ContactEmail: "jo@example.org", ContactName: "Jo", Text: "hi"}
		first := w.receive(w.supportAPI, in)
		again := w.receive(w.supportAPI, in)
		if first.Duplicate || !again.Duplicate {
			t.Fatalf("Duplicate: first %v, again %v; want false, true", first.Duplicate, again.Duplicate)
		}
		if first.ConversationID != again.ConversationID || first.MessageID != again.MessageID {
			t.Fatalf("repeat answered %+v, want the original %+v", again, first)
		}
		if diff := cmp.Diff([]string{parley.EventConversationCreated, parley.EventMessageReceived}, w.types(first.ConversationID)); diff != "" {
			t.Errorf("timeline (-want +got):\n%s", diff)
		}
		// The same client id on another channel is another message.
		other := w.receive(w.restrAPI, in)
		if other.Duplicate || other.ConversationID == first.ConversationID {
			t.Errorf("another channel's same client_id was taken as a repeat: %+v", other)
		}
	})
}

func TestReceiveContinuesAndReopens(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		id := w.open(w.supportAPI, "jo@example.org")
		if _, err := w.svc.Close(ctx, w.ana, id); err != nil {
			t.Fatal(err)
		}
		r := w.receive(w.supportAPI, conversation.Inbound{ConversationID: id, Text: "still late"})
		if r.ConversationID != id {
			t.Fatalf("continued into %d, want %d", r.ConversationID, id)
		}
		c := w.get(id)
		if c.Status != parley.StatusOpen || c.ClosedAt != nil {
			t.Errorf("after a customer message: status %s, closed_at %v; want open, nil", c.Status, c.ClosedAt)
		}
		want := []string{parley.EventConversationCreated, parley.EventMessageReceived, parley.EventClosed,
			parley.EventReopened, parley.EventMessageReceived}
		if diff := cmp.Diff(want, w.types(id)); diff != "" {
			t.Errorf("timeline (-want +got):\n%s", diff)
		}
	})
}

func TestReceiveRefuses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		jo := w.open(w.supportAPI, "jo@example.org")
		restricted := w.open(w.restrAPI, "jo@example.org")
		off := storetest.NewFixtures(t, s).Channel(w.support, parley.ChannelAPI)
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			off.Enabled = false
			return tx.UpdateChannel(ctx, off)
		}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			actor parley.Actor
			in    conversation.Inbound
			code  string
			field string
		}{
			{"disabled channel", parley.System, conversation.Inbound{ChannelID: off.ID, ContactEmail: "a@example.org", Text: "x"}, parley.ECONFLICT, ""},
			{"no body", parley.System, conversation.Inbound{ChannelID: w.supportAPI.ID, ContactEmail: "a@example.org"}, parley.EINVALID, "text"},
			{"no contact", parley.System, conversation.Inbound{ChannelID: w.supportAPI.ID, Text: "x"}, parley.EINVALID, "contact"},
			{"bad email", parley.System, conversation.Inbound{ChannelID: w.supportAPI.ID, ContactEmail: "not an email", Text: "x"}, parley.EINVALID, "contact.email"},
			{"conversation of another inbox", parley.System, conversation.Inbound{ChannelID: w.supportAPI.ID, ConversationID: restricted, Text: "x"}, parley.EINVALID, "conversation_id"},
			{"another customer's conversation", parley.System, conversation.Inbound{ChannelID: w.supportAPI.ID, ConversationID: jo, ContactEmail: "eve@example.org", Text: "x"}, parley.EINVALID, "conversation_id"},
			{"unknown channel", parley.System, conversation.Inbound{ChannelID: 9999, ContactEmail: "a@example.org", Text: "x"}, parley.ENOTFOUND, ""},
			{"outsider's push", w.bob, conversation.Inbound{ChannelID: w.restrAPI.ID, ContactEmail: "a@example.org", Text: "x"}, parley.ENOTFOUND, ""},
			{"viewer's push", w.vic, conversation.Inbound{ChannelID: w.restrAPI.ID, ContactEmail: "a@example.org", Text: "x"}, parley.EFORBIDDEN, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, err := s.LastSeq(ctx)
				if err != nil {
					t.Fatal(err)
				}
				_, err = w.svc.Receive(ctx, tt.actor, tt.in)
				wantCode(t, err, tt.code)
				if f := parley.ErrorField(err); f != tt.field {
					t.Errorf("field = %q, want %q", f, tt.field)
				}
				if after, _ := s.LastSeq(ctx); after != before {
					t.Errorf("a refused message wrote events %d..%d", before+1, after)
				}
			})
		}
	})
}

func TestReceiveFollowsTheContactsThread(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		first := w.receive(w.supportAPI, conversation.Inbound{ContactEmail: "jo@example.org", Text: "one"}).ConversationID
		if _, err := w.svc.Close(ctx, w.bob, first); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name string
			in   conversation.Inbound
			same bool
		}{
			{"a closed thread continues and reopens", conversation.Inbound{ContactEmail: "jo@example.org"}, true},
			{"another contact opens their own", conversation.Inbound{ContactEmail: "amy@example.org"}, false},
			{"new_conversation opens one", conversation.Inbound{ContactEmail: "jo@example.org", NewConversation: true}, false},
		}
		for _, st := range steps {
			got := w.receive(w.supportAPI, st.in).ConversationID
			if (got == first) != st.same {
				t.Errorf("%s: went to %d (first is %d)", st.name, got, first)
			}
		}
		if c := w.get(first); c.Status != parley.StatusOpen {
			t.Errorf("first conversation is %s, want reopened", c.Status)
		}
		// A thread in the trash is not continued: the customer starts afresh.
		latest := w.receive(w.supportAPI, conversation.Inbound{ContactEmail: "jo@example.org"}).ConversationID
		if _, err := w.svc.Trash(ctx, w.bob, latest); err != nil {
			t.Fatal(err)
		}
		if got := w.receive(w.supportAPI, conversation.Inbound{ContactEmail: "jo@example.org"}).ConversationID; got == latest {
			t.Errorf("a message continued conversation %d in the trash", latest)
		}
	})
}

// TestReceiveTitlesMessaging: a messaging conversation (no subject) is
// titled by the first line of its first message, cut short, and keeps that
// title when later messages come.
func TestReceiveTitlesMessaging(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		for _, tc := range []struct{ name, subject, text, want string }{
			{"first line", "", "  My parcel never arrived  \nOrder 4411, sent on Monday", "My parcel never arrived"},
			{"blank lines first", "", "\n\n hello?\nanyone", "hello?"},
			{"long", "", "I ordered the blue kettle three weeks ago and it still has not been shipped to me", "I ordered the blue kettle three weeks ago and it still has…"},
			{"given subject", "Refund", "Please refund me\nThanks", "Refund"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := w.receive(w.supportAPI, conversation.Inbound{ContactName: tc.name, Subject: tc.subject, Text: tc.text, NewConversation: true})
				w.receive(w.supportAPI, conversation.Inbound{ConversationID: r.ConversationID, Text: "Thanks\nIt is the blue box\nTwo of them\nLeft at the door\nPlease hurry"})
				if got := w.get(r.ConversationID).Subject; got != tc.want {
					t.Errorf("subject = %q, want %q", got, tc.want)
				}
			})
		}
	})
}

// TestReceiveAttachments: a messaging app's photo comes with its message,
// caption or not, from the pusher's own uploads only.
func TestReceiveAttachments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		photo, err := w.svc.Upload(ctx, w.ana, "photo.jpg", "image/jpeg", []byte("\xff\xd8\xff\xe0jpeg"))
		if err != nil {
			t.Fatal(err)
		}
		in := conversation.Inbound{ChannelID: w.supportAPI.ID, ContactName: "Kim", Attachments: []parley.ID{photo.ID}}
		r, err := w.svc.Receive(ctx, w.ana, in)
		if err != nil {
			t.Fatalf("a photo with no caption: %v", err)
		}
		byMessage, err := s.MessageAttachments(ctx, []parley.ID{r.MessageID})
		if err != nil {
			t.Fatal(err)
		}
		atts := byMessage[r.MessageID]
		if len(atts) != 1 || atts[0].Name != "photo.jpg" || atts[0].ContentType != "image/jpeg" || atts[0].Inline {
			t.Errorf("attachments = %+v, want photo.jpg, image/jpeg, not inline", atts)
		}
		other, err := w.svc.Upload(ctx, w.bob, "bob.jpg", "image/jpeg", []byte("\xff\xd8\xff\xe0bob"))
		if err != nil {
			t.Fatal(err)
		}
		in.Attachments = []parley.ID{other.ID}
		if _, err := w.svc.Receive(ctx, w.ana, in); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("someone else's upload: err = %v, want EINVALID", err)
		}
		in.Attachments = nil
		if _, err := w.svc.Receive(ctx, w.ana, in); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("no text and no file: err = %v, want EINVALID", err)
		}
	})
}
