// Package bench measures Parley as BENCHMARKS.md asks: it makes realistic
// datasets and loads a running server from another process, bounded in
// count and time, and prints one table.
package bench

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// SeedOptions size a dataset.
type SeedOptions struct {
	Conversations int
	Messages      int // in all; spread over the conversations
	Inboxes       int
	Agents        int
	// Contacts is how many contacts there are at least: those of the
	// conversations, then as many more without conversations (imported).
	Contacts int
	// Companies are made with a domain each; every third contact works at
	// one.
	Companies int
	// Tickets are opened in a pipeline of three stages, each linked to a
	// conversation.
	Tickets  int
	Seed     uint64
	Progress io.Writer
}

// Dataset says what Seed made, for the workloads.
type Dataset struct {
	Conversations int      `json:"conversations"`
	Messages      int      `json:"messages"`
	Contacts      int      `json:"contacts,omitempty"`
	Companies     int      `json:"companies,omitempty"`
	Tickets       int      `json:"tickets,omitempty"`
	Tokens        []string `json:"tokens"`     // agents' API tokens, the first an admin's
	Channels      []int64  `json:"channels"`   // an API channel per inbox
	AgentIDs      []int64  `json:"agent_ids"`  //
	Engine        string   `json:"engine"`     //
	SeededIn      string   `json:"seeded_in"`  //
	RareWord      string   `json:"rare_word"`  //
	CreatedAt     string   `json:"created_at"` //
}

// Seed fills an empty database: agents and teams, inboxes with channels of
// every kind, contacts, and conversations whose statuses, placements,
// assignees and activity spread over two years look like a busy help desk:
// about a fifth open, most closed, a few filtered, spam or trash. It writes
// no events: the log of a seeded database starts empty. orgs is the
// organisation's service on s.
func Seed(ctx context.Context, s *store.Store, orgs *org.Service, o SeedOptions) (*Dataset, error) {
	if o.Inboxes == 0 {
		o.Inboxes = 5
	}
	if o.Agents == 0 {
		o.Agents = 20
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	began := time.Now()
	w := newWriter(o.Seed + 1)
	ds := &Dataset{Conversations: o.Conversations, Messages: o.Messages, Engine: s.Engine(), RareWord: RareWord}
	if _, err := orgs.FirstStart(ctx, "Bench Corp", ""); err != nil {
		return nil, err
	}
	var agents []parley.ID
	for i := range o.Agents {
		role := parley.RoleAgent
		if i == 0 {
			role = parley.RoleAdmin
		}
		name, _ := w.person(i)
		u, err := orgs.CreateUser(ctx, parley.System, org.NewUser{Email: fmt.Sprintf("agent%d@bench.example", i), Name: name, Role: role})
		if err != nil {
			return nil, err
		}
		tok, err := orgs.CreateToken(ctx, parley.System, u.ID, org.NewAPIToken{Name: "bench"})
		if err != nil {
			return nil, err
		}
		agents = append(agents, u.ID)
		ds.Tokens = append(ds.Tokens, tok)
		ds.AgentIDs = append(ds.AgentIDs, int64(u.ID))
	}
	team, err := orgs.CreateTeam(ctx, parley.System, "Tier 2", agents[:o.Agents/2])
	if err != nil {
		return nil, err
	}
	kinds := []parley.ChannelKind{parley.ChannelEmail, parley.ChannelChat, parley.ChannelForm, parley.ChannelCall, parley.ChannelAPI}
	type inboxChannels struct {
		id       parley.ID
		channels []*parley.Channel
	}
	var inboxes []inboxChannels
	for i := range o.Inboxes {
		ib, err := orgs.CreateInbox(ctx, parley.System, org.NewInbox{Name: fmt.Sprintf("Inbox %d", i+1)})
		if err != nil {
			return nil, err
		}
		ic := inboxChannels{id: ib.ID}
		for _, k := range kinds {
			ch, err := orgs.CreateChannel(ctx, parley.System, ib.ID, org.NewChannel{Kind: k, Name: string(k)})
			if err != nil {
				return nil, err
			}
			ic.channels = append(ic.channels, ch)
			if k == parley.ChannelAPI {
				ds.Channels = append(ds.Channels, int64(ch.ID))
			}
		}
		inboxes = append(inboxes, ic)
	}

	// Conversations in order of creation over two years, so ids and times
	// grow together as in real life.
	end := parley.Now()
	start := end.Add(-2 * 365 * 24 * time.Hour)
	step := end.Sub(start) / time.Duration(max(o.Conversations, 1))
	perConv := max(1, o.Messages/max(o.Conversations, 1))
	var contacts []parley.ID
	const batch = 250
	made, msgs := 0, 0
	for made < o.Conversations {
		var pending []*parley.Message
		err := s.InTx(ctx, func(tx *store.Tx) error {
			pending = pending[:0]
			for i := 0; i < batch && made < o.Conversations; i++ {
				at := start.Add(step * time.Duration(made))
				contactID, err := seedContact(ctx, tx, w, &contacts, at)
				if err != nil {
					return err
				}
				ic := inboxes[w.rng.IntN(len(inboxes))]
				ch := ic.channels[w.rng.IntN(len(ic.channels))]
				c := &parley.Conversation{InboxID: ic.id, ChannelID: ch.ID, ChannelKind: ch.Kind, ContactID: &contactID,
					Subject: w.subject(), Status: parley.StatusClosed, Placement: parley.PlacementInbox, CreatedAt: at,
					Origin: parley.OriginCustomer}
				switch p := w.rng.IntN(100); {
				case p < 20:
					c.Status = parley.StatusOpen
				case p < 22:
					c.Placement = parley.PlacementFiltered
				case p < 24:
					c.Placement = parley.PlacementSpam
				case p < 25:
					c.Placement, c.TrashedAt = parley.PlacementTrash, &at
				}
				if c.Status == parley.StatusClosed {
					c.ClosedAt = &at
				}
				if w.rng.IntN(10) < 7 {
					a := agents[w.rng.IntN(len(agents))]
					c.AssigneeID = &a
					if w.rng.IntN(4) == 0 {
						c.TeamID = &team.ID
					}
				}
				if ch.Kind == parley.ChannelChat && c.Status == parley.StatusOpen && w.rng.IntN(5) == 0 {
					c.Bot = true
				}
				if w.rng.IntN(20) == 0 {
					c.Origin, c.LastSentAt = parley.OriginAgent, &at // in Sent
				}
				// About perConv each, every conversation at least one, and
				// exactly o.Messages in all.
				left := o.Conversations - made
				n := min(1+w.rng.IntN(2*perConv), max(1, o.Messages-msgs-(left-1)))
				if left == 1 {
					n = max(1, o.Messages-msgs)
				}
				texts := make([]string, n)
				for k := range texts {
					texts[k] = w.message()
				}
				last := at.Add(time.Duration(n) * time.Minute)
				c.LastActivityAt = last
				c.LastCustomerAt = &last
				c.Preview = clip(texts[n-1], 120)
				if err := tx.CreateConversation(ctx, c); err != nil {
					return err
				}
				for k, text := range texts {
					m := &parley.Message{ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Inbound,
						ContactID: &contactID, Text: text, CreatedAt: at.Add(time.Duration(k) * time.Minute)}
					if k%2 == 1 {
						m.Direction, m.ContactID, m.AuthorID = parley.Outbound, nil, c.AssigneeID
					}
					pending = append(pending, m)
				}
				made++
				msgs += n
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if err := s.CopyMessages(ctx, pending); err != nil {
			return nil, err
		}
		if made%(batch*40) == 0 || made == o.Conversations {
			fmt.Fprintf(o.Progress, "  %d conversations, %d messages (%s)\n", made, msgs, time.Since(began).Round(time.Second))
		}
	}
	ds.Messages = msgs
	for len(contacts) < o.Contacts {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := 0; i < batch*4 && len(contacts) < o.Contacts; i++ {
				name, email := w.person(len(contacts))
				c := &parley.Contact{Name: name, Email: email, CreatedAt: end}
				if err := tx.CreateContact(ctx, c); err != nil {
					return err
				}
				contacts = append(contacts, c.ID)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(contacts)%(batch*40) == 0 || len(contacts) == o.Contacts {
			fmt.Fprintf(o.Progress, "  %d contacts (%s)\n", len(contacts), time.Since(began).Round(time.Second))
		}
	}
	ds.Contacts = len(contacts)
	if err := seedCompanies(ctx, s, o.Companies); err != nil {
		return nil, err
	}
	if err := seedTickets(ctx, s, w, o.Tickets, o.Conversations, start, step); err != nil {
		return nil, err
	}
	ds.Companies, ds.Tickets = o.Companies, o.Tickets
	if o.Companies > 0 || o.Tickets > 0 {
		fmt.Fprintf(o.Progress, "  %d companies, %d tickets (%s)\n", o.Companies, o.Tickets, time.Since(began).Round(time.Second))
	}
	// As autovacuum would after such a load: PostgreSQL's search tells
	// rare words from common ones by these statistics.
	if err := s.Analyze(ctx); err != nil {
		return nil, err
	}
	ds.SeededIn = time.Since(began).Round(time.Second).String()
	ds.CreatedAt = time.Now().UTC().Format(time.RFC3339)
	return ds, nil
}

// seedContact returns a returning customer a third of the time, else a new
// one.
func seedContact(ctx context.Context, tx *store.Tx, w *writer, contacts *[]parley.ID, at time.Time) (parley.ID, error) {
	if len(*contacts) > 0 && w.rng.IntN(3) == 0 {
		return (*contacts)[w.rng.IntN(len(*contacts))], nil
	}
	name, email := w.person(len(*contacts))
	c := &parley.Contact{Name: name, Email: email, CreatedAt: at}
	if err := tx.CreateContact(ctx, c); err != nil {
		return 0, err
	}
	*contacts = append(*contacts, c.ID)
	return c.ID, nil
}

// seedCompanies makes n companies, company-<i>.example each, and puts
// every third contact at one of them.
func seedCompanies(ctx context.Context, s *store.Store, n int) error {
	if n == 0 {
		return nil
	}
	var first parley.ID
	for made := 0; made < n; {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := 0; i < 1000 && made < n; i++ {
				c := &parley.Company{Name: fmt.Sprintf("Company %d", made+1), Domain: fmt.Sprintf("company-%d.example", made+1), CreatedAt: parley.Now()}
				if err := tx.CreateCompany(ctx, c); err != nil {
					return err
				}
				if first == 0 {
					first = c.ID
				}
				made++
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// Made in one run, their ids follow each other.
	return s.InTx(ctx, func(tx *store.Tx) error { return tx.AttachCompanies(ctx, first, n) })
}

// seedTickets opens n tickets in a pipeline of three stages, each about a
// conversation, changed over the two years as the conversations were.
func seedTickets(ctx context.Context, s *store.Store, w *writer, n, conversations int, start time.Time, step time.Duration) error {
	if n == 0 || conversations == 0 {
		return nil
	}
	p := &parley.Pipeline{Kind: parley.PipelineTickets, Name: "Support", Stages: []parley.Stage{{Name: "New"}, {Name: "Doing"}, {Name: "Done", Closed: true}}}
	if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreatePipeline(ctx, p) }); err != nil {
		return err
	}
	for made := 0; made < n; {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := 0; i < 500 && made < n; i++ {
				conv := w.rng.IntN(conversations)
				at := start.Add(step * time.Duration(conv))
				st := p.Stages[w.rng.IntN(len(p.Stages))]
				t := &parley.Ticket{Subject: w.subject(), PipelineID: p.ID, StageID: st.ID, Status: parley.StatusOpen, Priority: "normal",
					ConversationIDs: []parley.ID{parley.ID(conv + 1)}, CreatedAt: at, UpdatedAt: at}
				if st.Closed {
					t.Status = parley.StatusClosed
				}
				if err := tx.CreateTicket(ctx, t); err != nil {
					return err
				}
				made++
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
