package crm_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/chat"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// firstStart makes an organisation and returns it, its first inbox and
// its first admin.
func firstStart(t *testing.T, s *store.Store) (*org.Service, parley.ID, parley.Actor) {
	t.Helper()
	o := org.New(s, org.Options{})
	setup, err := o.FirstStart(context.Background(), "Acme", "boss@example.com")
	if err != nil {
		t.Fatal(err)
	}
	users, _ := s.Users(context.Background())
	return o, setup.Inbox.ID, parley.UserActor(&users[0])
}

// TestLists: names are tidied and unique; a list in use is kept, naming
// what uses it; membership is set twice without harm, and only by whoever
// may act for the contact; the log says each change.
func TestLists(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o, inbox, boss := firstStart(t, s)
		viewer, err := o.CreateUser(ctx, boss, org.NewUser{Email: "vi@example.com", Name: "Vi", Role: parley.RoleViewer, Password: "password-vi"})
		if err != nil {
			t.Fatal(err)
		}
		conv := conversation.New(s, conversation.Options{MailDomain: "parley.test"})
		chs, _ := s.Channels(ctx, inbox)
		in, err := conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: chs[1].ID, ContactEmail: "jo@client.example", Text: "Hello"})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := s.Conversation(ctx, in.ConversationID)
		jo := *c.ContactID

		var used []string
		lists := crm.New(s, crm.Options{InUse: func(context.Context, *store.Q, parley.ID) ([]string, error) { return used, nil }})
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

// TestDeleteListRace: deleting a list while a chat flow that names it is
// saved never leaves the flow naming a list that is gone: one of the two
// waits for the other and is refused.
func TestDeleteListRace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		_, inbox, boss := firstStart(t, s)
		conv := conversation.New(s, conversation.Options{MailDomain: "parley.test"})
		chats := chat.New(s, conv, chat.NewIdentities([]byte("secret")), "parley.test", nil)
		lists := crm.New(s, crm.Options{InUse: chat.FlowsUsingList})
		for i := range 20 {
			l, err := lists.CreateList(ctx, boss, fmt.Sprintf("List %d", i))
			if err != nil {
				t.Fatal(err)
			}
			var saveErr, deleteErr error
			var wg sync.WaitGroup
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, saveErr = chats.SaveFlow(ctx, boss, inbox, chat.Flow{Name: fmt.Sprintf("Flow %d", i), Enabled: true, Audience: "in_list", AudienceList: l.ID})
			}()
			go func() {
				defer wg.Done()
				deleteErr = lists.DeleteList(ctx, boss, l.ID)
			}()
			wg.Wait()
			if saveErr == nil && deleteErr == nil {
				t.Fatalf("round %d: the flow was saved naming list %d and the list was deleted", i, l.ID)
			}
			if saveErr != nil && deleteErr != nil {
				t.Fatalf("round %d: both refused: %v / %v", i, saveErr, deleteErr)
			}
		}
	})
}
