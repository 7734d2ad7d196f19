package crm_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestContactFields: admins define typed fields, checked and keyed once;
// whoever may act for a contact sets values, each checked by type and
// kept as written, or refused naming the value; a field removed keeps its
// values for when it comes back.
func TestContactFields(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o, inbox, boss := firstStart(t, s)
		agent := person(t, o, boss, "ag", parley.RoleAgent)
		viewer := person(t, o, boss, "vi", parley.RoleViewer)
		c := crm.New(s, crm.Options{})
		if _, err := c.CreateField(ctx, agent, parley.ContactField{Key: "plan", Label: "Plan", Type: "text"}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent defines a field: %v", err)
		}
		for _, bad := range []struct {
			f     parley.ContactField
			field string
		}{
			{parley.ContactField{Key: "Plan!", Label: "Plan", Type: "text"}, "key"},
			{parley.ContactField{Key: "email", Label: "Email", Type: "text"}, "key"},
			{parley.ContactField{Key: "plan", Label: " ", Type: "text"}, "label"},
			{parley.ContactField{Key: "plan", Label: "Plan", Type: "colour"}, "type"},
			{parley.ContactField{Key: "plan", Label: "Plan", Type: "choice"}, "choices"},
			{parley.ContactField{Key: "plan", Label: "Plan", Type: "choice", Choices: []string{"Free", "Free"}}, "choices[1]"},
		} {
			if _, err := c.CreateField(ctx, boss, bad.f); parley.ErrorField(err) != bad.field {
				t.Errorf("%+v: %v, want the field %s", bad.f, err, bad.field)
			}
		}
		plan, err := c.CreateField(ctx, boss, parley.ContactField{Key: "plan", Label: " Plan ", Type: "choice", Choices: []string{" Free", "Pro "}})
		if err != nil || plan.Label != "Plan" || plan.Choices[0] != "Free" || plan.Choices[1] != "Pro" {
			t.Fatalf("create: %+v %v", plan, err)
		}
		if _, err := c.CreateField(ctx, boss, parley.ContactField{Key: "plan", Label: "Again", Type: "text"}); parley.ErrorReason(err) != "field_key_taken" {
			t.Errorf("a taken key: %v", err)
		}
		seats, err := c.CreateField(ctx, boss, parley.ContactField{Key: "seats", Label: "Seats", Type: "number"})
		if err != nil {
			t.Fatal(err)
		}
		c.CreateField(ctx, boss, parley.ContactField{Key: "renewal", Label: "Renewal", Type: "date"})

		conv := conversation.New(s, conversation.Options{MailDomain: "parley.test"})
		in, err := conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: channelOf(t, s, inbox, parley.ChannelAPI), ContactEmail: "jo@client.example", Text: "Hi"})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.Conversation(ctx, in.ConversationID)
		jo := *got.ContactID
		for _, tc := range []struct {
			key, value, want string
			ok               bool
		}{
			{"plan", "Pro", "Pro", true},
			{"plan", "Gold", "", false},
			{"seats", " 12,5 ", "12.5", true},
			{"seats", "twelve", "", false},
			{"renewal", "2027-01-31", "2027-01-31", true},
			{"renewal", "31/01/2027", "", false},
			{"nothing", "x", "", false},
		} {
			err := c.SetField(ctx, agent, jo, tc.key, tc.value)
			if tc.ok != (err == nil) {
				t.Errorf("%s = %q: %v", tc.key, tc.value, err)
				continue
			}
			if !tc.ok {
				if f := parley.ErrorField(err); f != "value" && f != "key" {
					t.Errorf("%s = %q refused naming %q", tc.key, tc.value, f)
				}
				continue
			}
			contact, _ := s.Contact(ctx, jo)
			if contact.Details[tc.key] != tc.want {
				t.Errorf("%s = %q kept as %q, want %q", tc.key, tc.value, contact.Details[tc.key], tc.want)
			}
		}
		if err := c.SetField(ctx, viewer, jo, "plan", "Free"); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer sets a value: %v", err)
		}
		if err := c.SetField(ctx, agent, jo+1000, "plan", "Free"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a guessed contact: %v", err)
		}
		// Removed, the field's values stay; back, they are there.
		if err := c.DeleteField(ctx, boss, plan.ID); err != nil {
			t.Fatal(err)
		}
		if err := c.SetField(ctx, agent, jo, "plan", "Free"); parley.ErrorField(err) != "key" {
			t.Errorf("a removed field: %v", err)
		}
		if contact, _ := s.Contact(ctx, jo); contact.Details["plan"] != "Pro" {
			t.Errorf("the value after the field went: %v", contact.Details)
		}
		if err := c.SetField(ctx, agent, jo, "seats", ""); err != nil {
			t.Fatal(err)
		}
		if contact, _ := s.Contact(ctx, jo); contact.Details["seats"] != "" {
			t.Errorf("cleared: %v", contact.Details)
		}
		renamed, err := c.UpdateField(ctx, boss, seats.ID, "Seat count", nil)
		if err != nil || renamed.Label != "Seat count" || renamed.Key != "seats" {
			t.Errorf("rename: %+v %v", renamed, err)
		}
	})
}
