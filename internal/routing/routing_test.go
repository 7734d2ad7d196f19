package routing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// world is an organisation with a team of agents in a Support inbox and an
// API channel customers write through.
type world struct {
	t       *testing.T
	s       *store.Store
	org     *org.Service
	conv    *conversation.Service
	routing *routing.Service
	inbox   parley.ID
	channel parley.ID
	team    parley.ID
	people  map[string]parley.ID
	names   map[parley.ID]string
}

func newWorld(t *testing.T, s *store.Store) *world {
	ctx := context.Background()
	w := &world{t: t, s: s, org: org.New(s, org.Options{}), conv: conversation.New(s, conversation.Options{}),
		routing: routing.New(s, nil), people: map[string]parley.ID{}, names: map[parley.ID]string{}}
	inbox, err := w.org.CreateInbox(ctx, parley.System, org.NewInbox{Name: "Support", Access: "specific"})
	if err != nil {
		t.Fatal(err)
	}
	w.inbox = inbox.ID
	var team []parley.ID
	for _, p := range []struct {
		name     string
		role     parley.Role
		routable bool
	}{
		{"ana", parley.RoleAgent, true}, {"ben", parley.RoleAgent, true}, {"cy", parley.RoleAgent, true},
		{"sam", parley.RoleAgent, false}, {"vic", parley.RoleViewer, true},
	} {
		routable := p.routable
		u, err := w.org.CreateUser(ctx, parley.System, org.NewUser{Email: p.name + "@acme.example", Name: p.name, Role: p.role, Routable: &routable})
		if err != nil {
			t.Fatal(err)
		}
		w.people[p.name], w.names[u.ID] = u.ID, p.name
		team = append(team, u.ID)
	}
	// dee is routable but not a member of the inbox.
	dee, err := w.org.CreateUser(ctx, parley.System, org.NewUser{Email: "dee@acme.example", Name: "dee", Role: parley.RoleAgent})
	if err != nil {
		t.Fatal(err)
	}
	w.people["dee"], w.names[dee.ID] = dee.ID, "dee"
	tm, err := w.org.CreateTeam(ctx, parley.System, "Billing", append(team, dee.ID))
	if err != nil {
		t.Fatal(err)
	}
	w.team = tm.ID
	if _, err := w.org.SetInboxMembers(ctx, parley.System, w.inbox, team, nil); err != nil {
		t.Fatal(err)
	}
	ch, err := w.org.CreateChannel(ctx, parley.System, w.inbox, org.NewChannel{Kind: parley.ChannelAPI, Name: "Bridge"})
	if err != nil {
		t.Fatal(err)
	}
	w.channel = ch.ID
	return w
}

func (w *world) rule(r routing.Rule) {
	w.t.Helper()
	if _, err := w.routing.SetRule(context.Background(), parley.System, w.channel, r); err != nil {
		w.t.Fatal(err)
	}
}

// write is a customer's message; it returns the conversation.
func (w *world) write(email string, conv parley.ID) parley.ID {
	w.t.Helper()
	in := conversation.Inbound{ChannelID: w.channel, ContactEmail: email, Text: "hello", ConversationID: conv, NewConversation: conv == 0}
	r, err := w.conv.Receive(context.Background(), parley.System, in)
	if err != nil {
		w.t.Fatal(err)
	}
	return r.ConversationID
}

// owner is who owns a conversation, by name ("" for nobody).
func (w *world) owner(id parley.ID) string {
	w.t.Helper()
	c, err := w.s.Conversation(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	if c.AssigneeID == nil {
		return ""
	}
	return w.names[*c.AssigneeID]
}

// reasons are the routing reasons in a conversation's timeline, in order,
// as "code" or "code→name", with "queued" and "previous" when said.
func (w *world) reasons(id parley.ID) []string {
	w.t.Helper()
	evs, err := w.s.ConversationEvents(context.Background(), id, 0, 100)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		if e.Type != parley.EventRouted {
			continue
		}
		var d struct {
			routing.Reason
			To *parley.ID `json:"to_user_id"`
		}
		if err := json.Unmarshal(e.Data, &d); err != nil {
			w.t.Fatal(err)
		}
		s := d.Code
		if d.To != nil {
			s += "→" + w.names[*d.To]
		}
		if d.Queued {
			s += " queued"
		}
		if d.Away {
			s += " away"
		}
		if d.Previous != nil {
			s += fmt.Sprintf(" (%s %s)", w.names[*d.Previous], d.Why)
		}
		out = append(out, s)
	}
	return out
}

func (w *world) away(name string, reassign bool) {
	w.t.Helper()
	a := parley.Actor{Kind: parley.ActorUser, UserID: w.people[name], Role: parley.RoleAgent}
	if _, err := w.org.SetAvailability(context.Background(), a, parley.Away, reassign); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) close(id parley.ID) {
	w.t.Helper()
	if _, err := w.conv.Close(context.Background(), parley.System, id); err != nil {
		w.t.Fatal(err)
	}
}

func TestRoutesByTheRule(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		team := []parley.ID{w.team}

		// No rule: unassigned, and nothing to say.
		c := w.write("first@customer.example", 0)
		if got := w.owner(c); got != "" || len(w.reasons(c)) != 0 {
			t.Errorf("without a rule: owner %q, reasons %q; want nobody, none", got, w.reasons(c))
		}

		// Round-robin among Billing with capacity 2: sam is not
		// routable, vic a viewer, dee not a member.
		w.rule(routing.Rule{Rule: routing.Specific, TeamIDs: team, Capacity: 2})
		var got []string
		convs := map[string][]parley.ID{}
		for i := range 7 {
			c := w.write(fmt.Sprintf("rr%d@customer.example", i), 0)
			got = append(got, w.owner(c))
			convs[w.owner(c)] = append(convs[w.owner(c)], c)
		}
		if want := []string{"ana", "ben", "cy", "ana", "ben", "cy", ""}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("round-robin, capacity 2: %q, want %q", got, want)
		}
		last := convs[""][0]
		if r := w.reasons(last); fmt.Sprint(r) != "[at_capacity queued]" {
			t.Errorf("the seventh: reasons %q", r)
		}
		if r := w.reasons(convs["ana"][0]); fmt.Sprint(r) != "[strategy→ana]" {
			t.Errorf("the first: reasons %q", r)
		}

		// ana closes one: capacity frees; ben goes away.
		w.close(convs["ana"][0])
		w.away("ben", false)
		if c := w.write("after@customer.example", 0); w.owner(c) != "ana" {
			t.Errorf("after ana closed one and ben went away: %q, want ana", w.owner(c))
		}

		// A customer writes again to a closed conversation: its owner
		// keeps it.
		cyConv := convs["cy"][0]
		w.close(cyConv)
		w.write("rr2@customer.example", cyConv)
		if w.owner(cyConv) != "cy" {
			t.Errorf("reopened: owner %q, want cy", w.owner(cyConv))
		}

		// ben is away with reassign replies off: he keeps his; with it on,
		// a customer's reply goes to someone available.
		benConv := convs["ben"][0]
		w.write("rr1@customer.example", benConv)
		if w.owner(benConv) != "ben" {
			t.Errorf("ben away, reassign off: owner %q, want ben", w.owner(benConv))
		}
		w.away("ben", true)
		w.close(convs["cy"][1]) // room for one more
		w.write("rr1@customer.example", benConv)
		if got := w.owner(benConv); got != "cy" {
			t.Errorf("ben away with reassign on: owner %q, want cy", got)
		}
		if r := w.reasons(benConv); fmt.Sprint(r) != "[strategy→ben strategy→cy (ben away)]" {
			t.Errorf("reasons %q", r)
		}

		// A deactivated owner loses a conversation the customer writes to;
		// nobody has room: it waits.
		off := false
		anaConv := convs["ana"][1]
		if _, err := w.org.UpdateUser(ctx, parley.System, w.people["ana"], org.UserPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		w.write("rr3@customer.example", anaConv)
		if got, r := w.owner(anaConv), w.reasons(anaConv); got != "" || fmt.Sprint(r) != "[strategy→ana at_capacity queued (ana deactivated)]" {
			t.Errorf("ana deactivated: owner %q, reasons %q", got, r)
		}
	})
}

func TestContactOwner(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		setOwner := func(email, name string) {
			err := s.InTx(ctx, func(tx *store.Tx) error {
				c, err := tx.ContactByEmail(ctx, email)
				if err != nil {
					return err
				}
				id := w.people[name]
				c.OwnerID = &id
				return tx.UpdateContact(ctx, c)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		known := w.write("known@customer.example", 0) // unassigned: no rule yet
		w.close(known)
		setOwner("known@customer.example", "ben")
		stranger := w.write("stranger@customer.example", 0)
		w.close(stranger)
		setOwner("stranger@customer.example", "dee") // not a member: as no owner

		w.rule(routing.Rule{Rule: routing.ContactOwner, Fallback: &routing.Fallback{Rule: routing.Specific, UserIDs: []parley.ID{w.people["cy"]}}})
		w.away("ben", false)
		tests := []struct {
			email string
			owner string
			why   string
		}{
			{"known@customer.example", "ben", "[contact_owner→ben away]"},
			{"stranger@customer.example", "cy", "[new_visitor→cy]"},
			{"new@customer.example", "cy", "[new_visitor→cy]"},
		}
		for _, tt := range tests {
			c := w.write(tt.email, 0)
			if got, r := w.owner(c), w.reasons(c); got != tt.owner || fmt.Sprint(r) != tt.why {
				t.Errorf("%s: owner %q, reasons %q; want %q, %s", tt.email, got, r, tt.owner, tt.why)
			}
		}
		// A closed conversation that had no owner is routed when the
		// customer writes again.
		w.write("known@customer.example", known)
		if got := w.owner(known); got != "ben" {
			t.Errorf("reopened with no owner: %q, want ben (the contact's owner)", got)
		}

		// Ben, away with reassign replies on, still owns his contact's
		// conversations: the rule would give them back to him.
		w.away("ben", true)
		before := len(w.reasons(known))
		w.write("known@customer.example", known)
		if got := w.owner(known); got != "ben" || len(w.reasons(known)) != before {
			t.Errorf("the contact owner away with reassign on: owner %q, reasons %q", got, w.reasons(known))
		}

		w.rule(routing.Rule{Rule: routing.ContactOwner})
		if c := w.write("another@customer.example", 0); w.owner(c) != "" || fmt.Sprint(w.reasons(c)) != "[no_owner]" {
			t.Errorf("no owner, no fallback: owner %q, reasons %q", w.owner(c), w.reasons(c))
		}
	})
}

func TestSetRule(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		agent := parley.Actor{Kind: parley.ActorUser, UserID: w.people["ana"], Role: parley.RoleAgent}
		specific := func(users ...parley.ID) routing.Rule { return routing.Rule{Rule: routing.Specific, UserIDs: users} }
		tests := []struct {
			name  string
			a     parley.Actor
			rule  routing.Rule
			code  string
			field string
		}{
			{"an agent", agent, specific(w.people["ana"]), parley.EFORBIDDEN, ""},
			{"a non-routable person", parley.System, specific(w.people["ana"], w.people["sam"]), parley.EINVALID, "user_ids[1]"},
			{"nobody", parley.System, routing.Rule{Rule: routing.Specific}, parley.EINVALID, "user_ids"},
			{"no such team", parley.System, routing.Rule{Rule: routing.Specific, TeamIDs: []parley.ID{999}}, parley.EINVALID, "team_ids[0]"},
			{"a non-routable fallback", parley.System, routing.Rule{Rule: routing.ContactOwner,
				Fallback: &routing.Fallback{Rule: routing.Specific, UserIDs: []parley.ID{w.people["sam"]}}}, parley.EINVALID, "fallback.user_ids[0]"},
		}
		for _, tt := range tests {
			_, err := w.routing.SetRule(ctx, tt.a, w.channel, tt.rule)
			if parley.ErrorCode(err) != tt.code || parley.ErrorField(err) != tt.field {
				t.Errorf("%s: %v, want %s on %q", tt.name, err, tt.code, tt.field)
			}
		}
		if _, err := w.routing.SetRule(ctx, parley.System, 999, specific(w.people["ana"])); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a missing channel: %v, want ENOTFOUND", err)
		}
		w.rule(routing.Rule{Rule: routing.Specific, TeamIDs: []parley.ID{w.team}, Strategy: routing.LeastOpen, Capacity: 3})
		got, err := w.routing.Rule(ctx, parley.System, w.channel)
		if err != nil || got.Strategy != routing.LeastOpen || got.Capacity != 3 || !got.Available() || len(got.TeamIDs) != 1 {
			t.Errorf("read back: %+v, %v", got, err)
		}
	})
}
