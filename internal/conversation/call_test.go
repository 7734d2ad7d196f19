package conversation_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// call is a valid call of the given direction, started a minute ago.
func (w *world) call(direction string) parley.Call {
	return parley.Call{Direction: direction, From: "+33 6 12 34 56 78", To: "+33 1 00 00 00 00",
		StartedAt: w.clock.Now().Add(-time.Minute), Duration: 125, Outcome: "answered"}
}

// TestLogCall: an inbound call comes in the one way in (its customer found
// by number, once per client id, reopening and routed as a message is); an
// outbound one is the agent's, on a new conversation assigned to them or on
// any conversation they may act in, and is delivered nowhere.
func TestLogCall(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		calls := storetest.NewFixtures(t, s).Channel(w.support, parley.ChannelCall)
		// Jo wrote by SMS before: her number makes her known.
		sms := w.receive(w.supportAPI, conversation.Inbound{ContactPhone: "+33 6 12 34 56 78", ContactName: "Jo", Text: "hi"})
		jo := *w.get(sms.ConversationID).ContactID

		in := conversation.LoggedCall{Call: w.call(parley.CallInbound), Notes: "Asked about her refund.", ChannelID: calls.ID, ClientID: "pbx-1"}
		first, err := w.svc.LogCall(ctx, w.ana, in)
		if err != nil {
			t.Fatal(err)
		}
		c := w.get(first.ConversationID)
		if c.ContactID == nil || *c.ContactID != jo || c.ChannelID != calls.ID || c.Subject != "Asked about her refund." || c.LastCustomerAt == nil {
			t.Errorf("the conversation a call opens: %+v", c)
		}
		m := first.Message
		if m.Direction != parley.Inbound || m.ContactID == nil || *m.ContactID != jo || m.Text != in.Notes {
			t.Errorf("the call's message: %+v", m)
		}
		if diff := cmp.Diff(&in.Call, m.Call); diff != "" {
			t.Errorf("the call as stored (-want +got):\n%s", diff)
		}
		again, err := w.svc.LogCall(ctx, w.ana, in)
		if err != nil || !again.Duplicate || again.Message.ID != m.ID {
			t.Errorf("the same client id again: %+v, %v", again, err)
		}

		// Outbound, on a channel: a new conversation, Ana's; a new number is a new contact.
		out := conversation.LoggedCall{Call: w.call(parley.CallOutbound), ChannelID: calls.ID, ContactName: "Max"}
		out.Call.To = "+44 20 7946 0000"
		made, err := w.svc.LogCall(ctx, w.ana, out)
		if err != nil {
			t.Fatal(err)
		}
		c = w.get(made.ConversationID)
		if c.Origin != parley.OriginAgent || c.AssigneeID == nil || *c.AssigneeID != w.ana.UserID || c.Subject != "+44 20 7946 0000" || c.ContactID == nil || *c.ContactID == jo {
			t.Errorf("an outbound call's conversation: %+v", c)
		}
		if made.Message.Direction != parley.Outbound || made.Message.AuthorID == nil || *made.Message.AuthorID != w.ana.UserID || made.Message.Text != "" {
			t.Errorf("an outbound call's message: %+v", made.Message)
		}
		want := []string{parley.EventConversationCreated, parley.EventAssigned, parley.EventMessageSent}
		if diff := cmp.Diff(want, w.types(made.ConversationID)); diff != "" {
			t.Errorf("timeline (-want +got):\n%s", diff)
		}

		// On an email-like conversation, closed: outbound reopens it and
		// is delivered nowhere; inbound is the customer's, reopening it.
		conv := w.open(w.supportAPI, "amy@example.org")
		if _, err := w.svc.Close(ctx, w.bob, conv); err != nil {
			t.Fatal(err)
		}
		back := conversation.LoggedCall{Call: w.call(parley.CallOutbound), Notes: "Called back.", ConversationID: conv}
		if _, err := w.svc.LogCall(ctx, w.bob, back); err != nil {
			t.Fatal(err)
		}
		c = w.get(conv)
		if c.Status != parley.StatusOpen || c.Preview != "Called back." || c.LastAgentAt == nil {
			t.Errorf("after an outbound call: %+v", c)
		}
		evs, err := s.ConversationEvents(ctx, conv, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		sent := evs[len(evs)-1]
		var data struct{ Delivery string }
		json.Unmarshal(sent.Data, &data)
		if sent.Type != parley.EventMessageSent || data.Delivery != "call" {
			t.Errorf("an outbound call's event: %s %s", sent.Type, sent.Data)
		}
		if _, err := w.svc.Close(ctx, w.bob, conv); err != nil {
			t.Fatal(err)
		}
		rang := conversation.LoggedCall{Call: w.call(parley.CallInbound), ConversationID: conv}
		got, err := w.svc.LogCall(ctx, w.bob, rang)
		if err != nil {
			t.Fatal(err)
		}
		c = w.get(conv)
		if got.ConversationID != conv || c.Status != parley.StatusOpen || got.Message.ContactID == nil || *got.Message.ContactID != *c.ContactID {
			t.Errorf("an inbound call on a conversation: %+v, %+v", got, c)
		}
	})
}

func TestLogCallRefuses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		f := storetest.NewFixtures(t, s)
		calls := f.Channel(w.support, parley.ChannelCall)
		restrCalls := f.Channel(w.restricted, parley.ChannelCall)
		restricted := w.open(w.restrAPI, "jo@example.org")
		supported := w.open(w.supportAPI, "amy@example.org")
		with := func(change func(*conversation.LoggedCall)) conversation.LoggedCall {
			in := conversation.LoggedCall{Call: w.call(parley.CallInbound), ChannelID: calls.ID}
			change(&in)
			return in
		}
		tests := []struct {
			name  string
			actor parley.Actor
			in    conversation.LoggedCall
			code  string
			field string
		}{
			{"no direction", w.ana, with(func(in *conversation.LoggedCall) { in.Call.Direction = "" }), parley.EINVALID, "call.direction"},
			{"a from that is no number", w.ana, with(func(in *conversation.LoggedCall) { in.Call.From = "call me" }), parley.EINVALID, "call.from"},
			{"no to", w.ana, with(func(in *conversation.LoggedCall) { in.Call.To = "" }), parley.EINVALID, "call.to"},
			{"no start", w.ana, with(func(in *conversation.LoggedCall) { in.Call.StartedAt = time.Time{} }), parley.EINVALID, "call.started_at"},
			{"a start tomorrow", w.ana, with(func(in *conversation.LoggedCall) { in.Call.StartedAt = w.clock.Now().Add(24 * time.Hour) }), parley.EINVALID, "call.started_at"},
			{"a negative duration", w.ana, with(func(in *conversation.LoggedCall) { in.Call.Duration = -1 }), parley.EINVALID, "call.duration"},
			{"a day and a second", w.ana, with(func(in *conversation.LoggedCall) { in.Call.Duration = 86401 }), parley.EINVALID, "call.duration"},
			{"an unknown outcome", w.ana, with(func(in *conversation.LoggedCall) { in.Call.Outcome = "dropped" }), parley.EINVALID, "call.outcome"},
			{"a recording that is a script", w.ana, with(func(in *conversation.LoggedCall) { in.Call.RecordingURL = "javascript:alert(1)" }), parley.EINVALID, "call.recording_url"},
			{"a recording too long", w.ana, with(func(in *conversation.LoggedCall) {
				in.Call.RecordingURL = "https://r.example/" + strings.Repeat("a", 2000)
			}), parley.EINVALID, "call.recording_url"},
			{"notes too long", w.ana, with(func(in *conversation.LoggedCall) { in.Notes = strings.Repeat("a", conversation.MaxBodyLength+1) }), parley.EINVALID, "notes"},
			{"a conversation of another inbox", w.ana, with(func(in *conversation.LoggedCall) { in.ConversationID = restricted }), parley.EINVALID, "conversation_id"},
			{"an outbound one of another inbox", w.ana, with(func(in *conversation.LoggedCall) {
				in.Call.Direction, in.ConversationID = parley.CallOutbound, restricted
			}), parley.EINVALID, "conversation_id"},
			{"not a call channel", w.ana, with(func(in *conversation.LoggedCall) { in.ChannelID = w.supportAPI.ID }), parley.EINVALID, "channel"},
			{"an outsider's channel", w.bob, with(func(in *conversation.LoggedCall) { in.ChannelID = restrCalls.ID }), parley.ENOTFOUND, ""},
			{"a viewer's channel", w.vic, with(func(in *conversation.LoggedCall) { in.ChannelID = restrCalls.ID }), parley.EFORBIDDEN, ""},
			{"an outsider's conversation", w.bob, with(func(in *conversation.LoggedCall) { in.ChannelID, in.ConversationID = 0, restricted }), parley.ENOTFOUND, ""},
			{"a viewer's conversation", w.vic, with(func(in *conversation.LoggedCall) { in.ChannelID, in.ConversationID = 0, restricted }), parley.EFORBIDDEN, ""},
			{"a viewer's outbound call", w.vic, with(func(in *conversation.LoggedCall) {
				in.Call.Direction, in.ChannelID, in.ConversationID = parley.CallOutbound, 0, restricted
			}), parley.EFORBIDDEN, ""},
			{"a guessed conversation", w.ana, with(func(in *conversation.LoggedCall) { in.ChannelID, in.ConversationID = 0, supported+1000 }), parley.ENOTFOUND, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, err := s.LastSeq(ctx)
				if err != nil {
					t.Fatal(err)
				}
				_, err = w.svc.LogCall(ctx, tt.actor, tt.in)
				wantCode(t, err, tt.code)
				if f := parley.ErrorField(err); f != tt.field {
					t.Errorf("field = %q, want %q", f, tt.field)
				}
				if after, _ := s.LastSeq(ctx); after != before {
					t.Errorf("a refused call wrote events %d..%d", before+1, after)
				}
			})
		}
	})
}
