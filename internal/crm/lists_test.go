package crm_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestLists: names are tidied and unique; a list in use is kept, naming
// what uses it; membership is set twice without harm, and only by whoever
// may act for the contact; the log says each change.
func TestLists(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := org.New(s, org.Options{})
		setup, err := o.FirstStart(ctx, "Acme", "boss@example.com")
		if err != nil {
			t.Fatal(err)
		}
		users, _ := s.Users(ctx)
		boss := parley.UserActor(&users[0])
		viewer, err := o.CreateUser(ctx, boss, org.NewUser{Email: "vi@example.com", Name: "Vi", Role: parley.RoleViewer, Password: "password-vi"})
		if err != nil {
			t.Fatal(err)
		}
		conv := conversation.New(s, conversation.Options{MailDomain: "parley.test"})
		chs, _ := s.Channels(ctx, setup.Inbox.ID)
		in, err := conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: chs[1].ID, ContactEmail: "jo@client.example", Text: "Hello"})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := s.Conversation(ctx, in.ConversationID)
		jo := *c.ContactID

		var used []string
		lists := crm.New(s, crm.Options{InUse: func(context.Context, parley.ID) ([]string, error) { return used, nil }})
		vip, err := lists.CreateList(ctx, boss, "  Big \t customers ")
		if err != nil || vip.Name != "Big customers" {
			t.Fatalf("create: %+v %v", vip, err)
		}
		if _, err := lists.CreateList(ctx, boss, "Big customers"); parley.ErrorField(err) != "name" || parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("a taken name: %v", err)
		}
		if _, err := lists.CreateList(ctx, boss, " "); parley.ErrorField(err) != "name" {
			t.Errorf("no name: %v", err)
		}
		if _, err := lists.CreateList(ctx, parley.UserActor(viewer), "Mine"); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer making a list: %v", err)
		}

		head, _ := s.LastSeq(ctx)
		for range 2 {
			if err := lists.SetMember(ctx, boss, vip.ID, jo, true); err != nil {
				t.Fatal(err)
			}
		}
		if err := lists.SetMember(ctx, parley.UserActor(viewer), vip.ID, jo, false); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer taking a contact out: %v", err)
		}
		if of, _ := lists.ListsOf(ctx, parley.UserActor(viewer), jo); len(of) != 1 || of[0].Members != 1 {
			t.Errorf("the viewer reads jo's lists: %+v, want the one, with one member", of)
		}
		evs, _ := s.EventsAfter(ctx, head, 10)
		if len(evs) != 1 || evs[0].Type != parley.EventContactListAdded {
			t.Errorf("added twice: %d events, want one contact_list.member_added", len(evs))
		}

		used = []string{"For VIPs"}
		if err := lists.DeleteList(ctx, boss, vip.ID); parley.ErrorReason(err) != "list_in_use" {
			t.Errorf("a list a flow uses: %v", err)
		}
		used = nil
		if err := lists.DeleteList(ctx, boss, vip.ID); err != nil {
			t.Fatal(err)
		}
		if of, _ := s.ContactListsOf(ctx, jo); len(of) != 0 {
			t.Errorf("a deleted list's member is in %v", of)
		}
		if _, err := s.Contact(ctx, jo); err != nil {
			t.Errorf("a deleted list took its contact: %v", err)
		}
	})
}
