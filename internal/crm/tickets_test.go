package crm_test

import (
	"context"
	"slices"
	"testing"

	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestPipelines: admins define pipelines of ordered stages, checked and
// named; a stage or a pipeline holding tickets is never removed under
// them; a stage that closes closes its tickets.
func TestPipelines(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o, inbox, boss := firstStart(t, s)
		agent := person(t, o, boss, "ag", parley.RoleAgent)
		c := crm.New(s, crm.Options{})
		stages := func(names ...string) []parley.Stage {
			var out []parley.Stage
			for _, n := range names {
				out = append(out, parley.Stage{Name: n, Closed: n == "Done"})
			}
			return out
		}
		if _, err := c.CreatePipeline(ctx, agent, parley.Pipeline{Kind: parley.PipelineTickets, Name: "X", Stages: stages("New")}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent defines a pipeline: %v", err)
		}
		for _, bad := range []struct {
			p     parley.Pipeline
			field string
		}{
			{parley.Pipeline{Kind: parley.PipelineTickets, Name: " ", Stages: stages("New")}, "name"},
			{parley.Pipeline{Kind: "boards", Name: "X", Stages: stages("New")}, "kind"},
			{parley.Pipeline{Kind: parley.PipelineTickets, Name: "X"}, "stages"},
			{parley.Pipeline{Kind: parley.PipelineTickets, Name: "X", Stages: stages("New", " new ")}, "stages[1].name"},
			{parley.Pipeline{Kind: parley.PipelineTickets, Name: "X", Stages: stages("Done")}, "stages"},
		} {
			if _, err := c.CreatePipeline(ctx, boss, bad.p); parley.ErrorField(err) != bad.field {
				t.Errorf("%+v: %v, want the field %s", bad.p, err, bad.field)
			}
		}
		support, err := c.CreatePipeline(ctx, boss, parley.Pipeline{Kind: parley.PipelineTickets, Name: " Support ", Stages: stages("New", "Waiting", "Done")})
		if err != nil || support.Name != "Support" || len(support.Stages) != 3 || support.Stages[2].Position != 3 {
			t.Fatalf("create: %+v %v", support, err)
		}
		if _, err := c.CreatePipeline(ctx, boss, parley.Pipeline{Kind: parley.PipelineTickets, Name: "Support", Stages: stages("New")}); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("a taken name: %v", err)
		}

		tk, err := c.CreateTicket(ctx, agent, crm.TicketInput{Subject: "Refund", StageID: support.Stages[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		// Waiting holds a ticket: it stays. New is empty and may go; Done
		// becomes open and its tickets with it.
		without := slices.Clone(support.Stages)
		without = slices.Delete(without, 1, 2)
		if _, err := c.UpdatePipeline(ctx, boss, support.ID, parley.Pipeline{Name: "Support", Stages: without}); parley.ErrorReason(err) != "stage_in_use" {
			t.Errorf("removing a stage with a ticket: %v", err)
		}
		done, _ := c.UpdateTicket(ctx, agent, tk.ID, crm.TicketPatch{StageID: &support.Stages[2].ID})
		if done.Status != parley.StatusClosed {
			t.Errorf("moved to Done: %s", done.Status)
		}
		renamed := []parley.Stage{{ID: support.Stages[2].ID, Name: "Solved", Closed: false}, {ID: support.Stages[1].ID, Name: "Waiting"}, {Name: "Archived", Closed: true}}
		p, err := c.UpdatePipeline(ctx, boss, support.ID, parley.Pipeline{Name: "Support desk", Stages: renamed})
		if err != nil || p.Name != "Support desk" || len(p.Stages) != 3 || p.Stages[0].Name != "Solved" || p.Stages[2].ID == 0 {
			t.Fatalf("update: %+v %v", p, err)
		}
		if got, _ := c.Ticket(ctx, agent, tk.ID); got.Status != parley.StatusOpen {
			t.Errorf("its stage opened: the ticket is %s", got.Status)
		}
		other, _ := c.CreatePipeline(ctx, boss, parley.Pipeline{Kind: parley.PipelineTickets, Name: "Other", Stages: stages("New")})
		foreign := []parley.Stage{{ID: other.Stages[0].ID, Name: "Stolen"}}
		if _, err := c.UpdatePipeline(ctx, boss, support.ID, parley.Pipeline{Name: "Support", Stages: foreign}); parley.ErrorField(err) != "stages[0].id" {
			t.Errorf("another pipeline's stage: %v", err)
		}
		if err := c.DeletePipeline(ctx, boss, support.ID); parley.ErrorReason(err) != "pipeline_in_use" {
			t.Errorf("deleting a pipeline with a ticket: %v", err)
		}
		if err := c.DeleteTicket(ctx, agent, tk.ID); err != nil {
			t.Fatal(err)
		}
		if err := c.DeletePipeline(ctx, boss, support.ID); err != nil {
			t.Errorf("deleting an empty pipeline: %v", err)
		}
		if ps, _ := c.Pipelines(ctx, agent, parley.PipelineTickets); len(ps) != 1 || ps[0].Name != "Other" {
			t.Errorf("pipelines left: %+v", ps)
		}
		_ = inbox
	})
}

// person makes a teammate and returns them as an actor.
func person(t *testing.T, o *org.Service, boss parley.Actor, name string, role parley.Role) parley.Actor {
	t.Helper()
	u, err := o.CreateUser(context.Background(), boss, org.NewUser{Email: name + "@example.com", Name: name, Role: role, Password: "password-" + name})
	if err != nil {
		t.Fatal(err)
	}
	return parley.UserActor(u)
}

// TestTickets: a ticket made from a conversation is linked to it and its
// contact and says so in its timeline; stage moves close and reopen it;
// who may see and change one follows from its conversations — an agent
// outside an inbox never sees a ticket linked only to its conversations,
// nor is told it exists; viewers read.
func TestTickets(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o, inbox, boss := firstStart(t, s)
		agent := person(t, o, boss, "ag", parley.RoleAgent)
		viewer := person(t, o, boss, "vi", parley.RoleViewer)
		c := crm.New(s, crm.Options{})
		if _, err := c.CreateTicket(ctx, agent, crm.TicketInput{Subject: "Too soon"}); parley.ErrorReason(err) != "no_pipeline" {
			t.Errorf("no pipeline yet: %v", err)
		}
		support, _ := c.CreatePipeline(ctx, boss, parley.Pipeline{Kind: parley.PipelineTickets, Name: "Support",
			Stages: []parley.Stage{{Name: "New"}, {Name: "Doing"}, {Name: "Done", Closed: true}}})
		deals, _ := c.CreatePipeline(ctx, boss, parley.Pipeline{Kind: parley.PipelineDeals, Name: "Sales", Stages: []parley.Stage{{Name: "Lead"}}})

		conv := conversation.New(s, conversation.Options{MailDomain: "parley.test"})
		receive := func(inboxID parley.ID, email string) *parley.Conversation {
			in, err := conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: channelOf(t, s, inboxID, parley.ChannelAPI), ContactEmail: email, Text: "Help"})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := s.Conversation(ctx, in.ConversationID)
			return got
		}
		open := receive(inbox, "jo@client.example")
		hidden, err := o.CreateInbox(ctx, boss, org.NewInbox{Name: "Board", Access: parley.AccessSpecific, UserIDs: []parley.ID{boss.UserID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.CreateChannel(ctx, boss, hidden.ID, org.NewChannel{Kind: parley.ChannelAPI, Name: "Board API"}); err != nil {
			t.Fatal(err)
		}
		secret := receive(hidden.ID, "ceo@client.example")

		for _, bad := range []struct {
			in    crm.TicketInput
			field string
		}{
			{crm.TicketInput{Subject: " "}, "subject"},
			{crm.TicketInput{Subject: "x", Priority: "whenever"}, "priority"},
			{crm.TicketInput{Subject: "x", PipelineID: deals.ID}, "pipeline_id"},
			{crm.TicketInput{Subject: "x", StageID: deals.Stages[0].ID}, "stage_id"},
			{crm.TicketInput{Subject: "x", ConversationIDs: []parley.ID{secret.ID}}, "conversation_ids[0]"}, // not the agent's to see
			{crm.TicketInput{Subject: "x", OwnerID: &viewer.UserID}, "owner_id"},
		} {
			if _, err := c.CreateTicket(ctx, agent, bad.in); parley.ErrorField(err) != bad.field {
				t.Errorf("%+v: %v, want the field %s", bad.in, err, bad.field)
			}
		}
		if _, err := c.CreateTicket(ctx, viewer, crm.TicketInput{Subject: "x"}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer opens a ticket: %v", err)
		}

		mine, err := c.CreateTicket(ctx, agent, crm.TicketInput{Subject: " Refund for order 12 ", Priority: "high", OwnerID: &agent.UserID, ConversationIDs: []parley.ID{open.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if mine.StageID != support.Stages[0].ID || mine.Status != parley.StatusOpen || mine.ContactID == nil || *mine.ContactID != *open.ContactID || mine.Subject != "Refund for order 12" {
			t.Errorf("from a conversation: %+v", mine)
		}
		board, err := c.CreateTicket(ctx, boss, crm.TicketInput{Subject: "Board matter", ConversationIDs: []parley.ID{secret.ID}})
		if err != nil {
			t.Fatal(err)
		}
		loose, err := c.CreateTicket(ctx, agent, crm.TicketInput{Subject: "Loose ends"})
		if err != nil {
			t.Fatal(err)
		}

		// Who sees what.
		if _, err := c.Ticket(ctx, agent, board.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("an agent outside the inbox reads its ticket: %v", err)
		}
		if _, err := c.Ticket(ctx, agent, board.ID+1000); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a guessed id: %v", err)
		}
		if _, err := c.UpdateTicket(ctx, agent, board.ID, crm.TicketPatch{Subject: ptr("mine now")}); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("an agent outside the inbox edits its ticket: %v", err)
		}
		ids := func(a parley.Actor, f store.TicketFilter) []parley.ID {
			ts, err := c.Tickets(ctx, a, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []parley.ID
			for _, tk := range ts {
				out = append(out, tk.ID)
			}
			slices.Sort(out)
			return out
		}
		if got := ids(agent, store.TicketFilter{}); !slices.Equal(got, []parley.ID{mine.ID, loose.ID}) {
			t.Errorf("the agent's tickets: %v", got)
		}
		if got := ids(boss, store.TicketFilter{}); len(got) != 3 {
			t.Errorf("the admin's tickets: %v", got)
		}
		if got := ids(viewer, store.TicketFilter{ConversationID: open.ID}); !slices.Equal(got, []parley.ID{mine.ID}) {
			t.Errorf("the viewer's, for a conversation: %v", got)
		}
		if _, err := c.UpdateTicket(ctx, viewer, loose.ID, crm.TicketPatch{Subject: ptr("x")}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("a viewer edits: %v", err)
		}

		// Stage moves: closed by a closed stage, in the conversation's timeline.
		done, err := c.UpdateTicket(ctx, agent, mine.ID, crm.TicketPatch{StageID: &support.Stages[2].ID, Priority: ptr("urgent")})
		if err != nil || done.Status != parley.StatusClosed || done.Priority != "urgent" {
			t.Fatalf("to Done: %+v %v", done, err)
		}
		if got := ids(agent, store.TicketFilter{Status: parley.StatusClosed}); !slices.Equal(got, []parley.ID{mine.ID}) {
			t.Errorf("closed tickets: %v", got)
		}
		var types []string
		evs, _ := s.ConversationEvents(ctx, open.ID, 0, 100)
		for _, e := range evs {
			if e.Type == parley.EventTicketCreated || e.Type == parley.EventTicketStageChanged || e.Type == parley.EventTicketUpdated {
				types = append(types, e.Type)
			}
		}
		if !slices.Equal(types, []string{parley.EventTicketCreated, parley.EventTicketUpdated, parley.EventTicketStageChanged}) {
			t.Errorf("the conversation's timeline: %v", types)
		}

		// The Board conversation is purged: its ticket stays its inbox's,
		// never suddenly everyone's.
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteConversation(ctx, secret.ID) }); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Ticket(ctx, agent, board.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a purged conversation's ticket, for an agent outside its inbox: %v", err)
		}
		if got := ids(agent, store.TicketFilter{}); slices.Contains(got, board.ID) {
			t.Errorf("the agent's tickets after the purge: %v", got)
		}
		if got, err := c.Ticket(ctx, boss, board.ID); err != nil || len(got.ConversationIDs) != 0 {
			t.Errorf("the inbox's member after the purge: %+v %v", got, err)
		}

		// Linking the loose ticket to the open conversation, then away.
		if got, err := c.LinkTicket(ctx, agent, loose.ID, open.ID, true); err != nil || !slices.Equal(got.ConversationIDs, []parley.ID{open.ID}) {
			t.Errorf("link: %+v %v", got, err)
		}
		if _, err := c.LinkTicket(ctx, agent, loose.ID, secret.ID, true); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("linking to a conversation the agent cannot see: %v", err)
		}
		if got, err := c.LinkTicket(ctx, agent, loose.ID, open.ID, false); err != nil || len(got.ConversationIDs) != 0 {
			t.Errorf("unlink: %+v %v", got, err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// channelOf returns an inbox's channel of a kind.
func channelOf(t *testing.T, s *store.Store, inbox parley.ID, kind parley.ChannelKind) parley.ID {
	t.Helper()
	chs, err := s.Channels(context.Background(), inbox)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chs {
		if ch.Kind == kind {
			return ch.ID
		}
	}
	t.Fatalf("inbox %d has no %s channel", inbox, kind)
	return 0
}

// TestChannelTickets: a channel that treats its conversations as tickets
// opens one per new conversation, once, in the chosen stage; its owner
// follows the conversation's through reassignments until someone gives the
// ticket to another by hand; a fixed owner stays. A pipeline or stage a
// channel uses is kept.
func TestChannelTickets(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o, inbox, boss := firstStart(t, s)
		agent := person(t, o, boss, "ag", parley.RoleAgent)
		other := person(t, o, boss, "ot", parley.RoleAgent)
		c := crm.New(s, crm.Options{})
		support, _ := c.CreatePipeline(ctx, boss, parley.Pipeline{Kind: parley.PipelineTickets, Name: "Support",
			Stages: []parley.Stage{{Name: "New"}, {Name: "Triage"}, {Name: "Done", Closed: true}}})
		triage := support.Stages[1].ID
		api := channelOf(t, s, inbox, parley.ChannelAPI)
		if _, err := c.SetChannelTickets(ctx, agent, api, support.ID, triage, nil); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("an agent sets it: %v", err)
		}
		if _, err := c.SetChannelTickets(ctx, boss, api, support.ID, 999_999, nil); parley.ErrorField(err) != "stage_id" {
			t.Errorf("a stage of nothing: %v", err)
		}
		if _, err := c.SetChannelTickets(ctx, boss, api, support.ID, triage, nil); err != nil {
			t.Fatal(err)
		}

		seq := int64(0)
		settle := func() {
			t.Helper()
			var err error
			if seq, err = consume.Replay(ctx, s, crm.Consumer(nil), seq); err != nil {
				t.Fatal(err)
			}
		}
		conv := conversation.New(s, conversation.Options{MailDomain: "parley.test"})
		in, err := conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: api, ContactEmail: "jo@client.example", Subject: "Broken kettle", Text: "It whistles"})
		if err != nil {
			t.Fatal(err)
		}
		settle()
		ticketOf := func(id parley.ID) parley.Ticket {
			t.Helper()
			ts, err := c.Tickets(ctx, boss, store.TicketFilter{ConversationID: id})
			if err != nil || len(ts) != 1 {
				t.Fatalf("the tickets of conversation %d: %+v %v", id, ts, err)
			}
			return ts[0]
		}
		tk := ticketOf(in.ConversationID)
		if tk.Subject != "Broken kettle" || tk.StageID != triage || tk.OwnerID != nil || tk.ContactID == nil {
			t.Errorf("the ticket opened: %+v", tk)
		}
		// The log read again (a crash before the cursor moved) opens no second.
		seq = 0
		settle()
		ticketOf(in.ConversationID)

		owner := func() *parley.ID { return ticketOf(in.ConversationID).OwnerID }
		if _, err := conv.Assign(ctx, boss, in.ConversationID, conversation.Assignment{UserID: &agent.UserID}); err != nil {
			t.Fatal(err)
		}
		settle()
		if o := owner(); o == nil || *o != agent.UserID {
			t.Errorf("after the conversation went to the agent: %v", o)
		}
		if _, err := conv.Assign(ctx, boss, in.ConversationID, conversation.Assignment{UserID: &other.UserID}); err != nil {
			t.Fatal(err)
		}
		settle()
		if o := owner(); o == nil || *o != other.UserID {
			t.Errorf("after a reassignment: %v", o)
		}
		// Given to someone by hand, it stays theirs.
		if _, err := c.UpdateTicket(ctx, boss, tk.ID, crm.TicketPatch{OwnerID: &agent.UserID}); err != nil {
			t.Fatal(err)
		}
		if _, err := conv.Assign(ctx, boss, in.ConversationID, conversation.Assignment{}); err != nil {
			t.Fatal(err)
		}
		settle()
		if o := owner(); o == nil || *o != agent.UserID {
			t.Errorf("a ticket given by hand, after the conversation changed hands: %v", o)
		}

		// A fixed owner stays whoever has the conversation.
		if _, err := c.SetChannelTickets(ctx, boss, api, support.ID, support.Stages[0].ID, &boss.UserID); err != nil {
			t.Fatal(err)
		}
		second, _ := conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: api, ContactEmail: "al@client.example", Subject: "Lid", Text: "Loose lid"})
		settle()
		conv.Assign(ctx, boss, second.ConversationID, conversation.Assignment{UserID: &agent.UserID})
		settle()
		if got := ticketOf(second.ConversationID); got.OwnerID == nil || *got.OwnerID != boss.UserID || got.StageID != support.Stages[0].ID {
			t.Errorf("with a fixed owner: %+v", got)
		}

		// An empty pipeline a channel uses, and the stage it uses, stay.
		empty, _ := c.CreatePipeline(ctx, boss, parley.Pipeline{Kind: parley.PipelineTickets, Name: "Empty", Stages: []parley.Stage{{Name: "A"}, {Name: "B"}}})
		if _, err := c.SetChannelTickets(ctx, boss, api, empty.ID, empty.Stages[1].ID, nil); err != nil {
			t.Fatal(err)
		}
		if err := c.DeletePipeline(ctx, boss, empty.ID); parley.ErrorReason(err) != "pipeline_used_by_channel" {
			t.Errorf("deleting a pipeline a channel uses: %v", err)
		}
		if _, err := c.UpdatePipeline(ctx, boss, empty.ID, parley.Pipeline{Name: "Empty", Stages: empty.Stages[:1]}); parley.ErrorReason(err) != "stage_used_by_channel" {
			t.Errorf("removing the stage a channel opens tickets in: %v", err)
		}
		// A conversation an agent starts is no customer's request: no ticket.
		if _, err := c.SetChannelTickets(ctx, boss, channelOf(t, s, inbox, parley.ChannelEmail), support.ID, support.Stages[0].ID, nil); err != nil {
			t.Fatal(err)
		}
		started, _, err := conv.SendEmail(ctx, agent, conversation.NewEmail{InboxID: inbox, To: parley.Mailbox{Email: "out@client.example"}, Subject: "Hello",
			Body: conversation.Body{Text: "Hi"}})
		if err != nil {
			t.Fatal(err)
		}
		settle()
		if ts, _ := c.Tickets(ctx, boss, store.TicketFilter{ConversationID: started.ID}); len(ts) != 0 {
			t.Errorf("a conversation an agent started opened a ticket: %+v", ts)
		}
		if err := c.ClearChannelTickets(ctx, boss, api); err != nil {
			t.Fatal(err)
		}
		third, _ := conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: api, ContactEmail: "mo@client.example", Subject: "Cord", Text: "Frayed"})
		settle()
		if ts, _ := c.Tickets(ctx, boss, store.TicketFilter{ConversationID: third.ConversationID}); len(ts) != 0 {
			t.Errorf("after the channel stopped: %+v", ts)
		}
	})
}
