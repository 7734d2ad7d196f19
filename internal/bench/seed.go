// Package bench measures Parley as BENCHMARKS.md asks: it makes realistic
// datasets and loads a running server from another process, bounded in
// count and time, and prints one table.
package bench

import (
	"context"
	"fmt"
	"io"
	"time"

	"golang.org/x/sync/errgroup"

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
	agents, team, inboxes, err := seedOrganisation(ctx, orgs, o, w, ds)
	if err != nil {
		return nil, err
	}

	// Conversations in order of creation over two years, so ids and times
	// grow together as in real life.
	end := parley.Now()
	start := end.Add(-2 * 365 * 24 * time.Hour)
	step := end.Sub(start) / time.Duration(max(o.Conversations, 1))
	perConv := max(1, o.Messages/max(o.Conversations, 1))
	var contacts []parley.ID // those copied in
	const batch = 1000
	made, msgs := 0, 0
	// Each batch is made in memory and copied in (PostgreSQL: COPY), and
	// the indexes are built once after the load, not row by row.
	err = s.WithoutIndexes(ctx, []string{"conversations", "messages", "contacts", "contact_emails", "contact_phones"}, func() error {
		// Messages are most of the work (PostgreSQL makes each one's
		// search vector): two copiers take them while the next batch is
		// made. (Message ids of neighbouring batches may interleave; their
		// times stay in order within a conversation.)
		g, gctx := errgroup.WithContext(ctx)
		copies := make(chan []*parley.Message)
		for range 2 {
			g.Go(func() error {
				for ms := range copies {
					if err := s.CopyMessages(gctx, ms); err != nil {
						return err
					}
				}
				return nil
			})
		}
		g.Go(func() error {
			defer close(copies)
			for made < o.Conversations {
				var (
					newContacts []*parley.Contact
					convs       []*parley.Conversation
					convContact []*parley.Contact
					convMsgs    [][]*parley.Message
				)
				for i := 0; i < batch && made < o.Conversations; i++ {
					at := start.Add(step * time.Duration(made))
					contact := seedContact(w, contacts, &newContacts, at)
					ic := inboxes[w.rng.IntN(len(inboxes))]
					ch := ic.channels[w.rng.IntN(len(ic.channels))]
					c := seedConversation(w, ic.id, ch, agents, team, at, end)
					// About perConv each, every conversation at least one, and
					// exactly o.Messages in all.
					left := o.Conversations - made
					n := min(1+w.rng.IntN(2*perConv), max(1, o.Messages-msgs-(left-1)))
					if left == 1 {
						n = max(1, o.Messages-msgs)
					}
					ms := seedMessages(w, c, n)
					last := at.Add(time.Duration(n) * time.Minute)
					c.LastActivityAt = last
					c.LastCustomerAt = &last
					c.Preview = clip(ms[n-1].Text, 120)
					convs, convContact, convMsgs = append(convs, c), append(convContact, contact), append(convMsgs, ms)
					made++
					msgs += n
				}
				if err := s.CopyContacts(gctx, newContacts); err != nil {
					return err
				}
				for _, c := range newContacts {
					contacts = append(contacts, c.ID)
				}
				for i, c := range convs {
					id := convContact[i].ID
					c.ContactID = &id
				}
				if err := s.CopyConversations(gctx, convs); err != nil {
					return err
				}
				var pending []*parley.Message
				for i, c := range convs {
					for _, m := range convMsgs[i] {
						m.ConversationID = c.ID
						if m.Direction == parley.Inbound {
							m.ContactID = c.ContactID
						}
					}
					pending = append(pending, convMsgs[i]...)
				}
				select {
				case copies <- pending:
				case <-gctx.Done():
					return gctx.Err()
				}
				if made%(batch*10) == 0 || made == o.Conversations {
					fmt.Fprintf(o.Progress, "  %d conversations, %d messages (%s)\n", made, msgs, time.Since(began).Round(time.Second))
				}
			}
			return nil
		})
		if err := g.Wait(); err != nil {
			return err
		}
		// Then those without a conversation (imported), to o.Contacts.
		total := len(contacts)
		for total < o.Contacts {
			var more []*parley.Contact
			for ; len(more) < batch && total < o.Contacts; total++ {
				name, email := w.person(total)
				more = append(more, &parley.Contact{Name: name, Email: email, CreatedAt: end})
			}
			if err := s.CopyContacts(ctx, more); err != nil {
				return err
			}
			if total%(batch*10) == 0 || total == o.Contacts {
				fmt.Fprintf(o.Progress, "  %d contacts (%s)\n", total, time.Since(began).Round(time.Second))
			}
		}
		ds.Contacts = total
		return nil
	})
	if err != nil {
		return nil, err
	}
	ds.Messages = msgs
	fmt.Fprintf(o.Progress, "  indexes built (%s)\n", time.Since(began).Round(time.Second))
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

// inboxChannels is an inbox and its channels, one of each kind.
type inboxChannels struct {
	id       parley.ID
	channels []*parley.Channel
}

// seedOrganisation makes o's agents (the first an admin) with an API token
// each, a team of half of them, and o's inboxes with a channel of every
// kind, recording the tokens, agents and API channels in ds.
func seedOrganisation(ctx context.Context, orgs *org.Service, o SeedOptions, w *writer, ds *Dataset) ([]parley.ID, parley.ID, []inboxChannels, error) {
	var agents []parley.ID
	for i := range o.Agents {
		role := parley.RoleAgent
		if i == 0 {
			role = parley.RoleAdmin
		}
		name, _ := w.person(i)
		u, err := orgs.CreateUser(ctx, parley.System, org.NewUser{Email: fmt.Sprintf("agent%d@bench.example", i), Name: name, Role: role})
		if err != nil {
			return nil, 0, nil, err
		}
		tok, err := orgs.CreateToken(ctx, parley.System, u.ID, org.NewAPIToken{Name: "bench"})
		if err != nil {
			return nil, 0, nil, err
		}
		agents = append(agents, u.ID)
		ds.Tokens = append(ds.Tokens, tok)
		ds.AgentIDs = append(ds.AgentIDs, int64(u.ID))
	}
	team, err := orgs.CreateTeam(ctx, parley.System, "Tier 2", agents[:o.Agents/2])
	if err != nil {
		return nil, 0, nil, err
	}
	kinds := []parley.ChannelKind{parley.ChannelEmail, parley.ChannelChat, parley.ChannelForm, parley.ChannelCall, parley.ChannelAPI}
	var inboxes []inboxChannels
	for i := range o.Inboxes {
		ib, err := orgs.CreateInbox(ctx, parley.System, org.NewInbox{Name: fmt.Sprintf("Inbox %d", i+1)})
		if err != nil {
			return nil, 0, nil, err
		}
		ic := inboxChannels{id: ib.ID}
		for _, k := range kinds {
			ch, err := orgs.CreateChannel(ctx, parley.System, ib.ID, org.NewChannel{Kind: k, Name: string(k)})
			if err != nil {
				return nil, 0, nil, err
			}
			ic.channels = append(ic.channels, ch)
			if k == parley.ChannelAPI {
				ds.Channels = append(ds.Channels, int64(ch.ID))
			}
		}
		inboxes = append(inboxes, ic)
	}
	return agents, team.ID, inboxes, nil
}

// seedConversation makes a conversation of ch in inbox begun at at: a fifth
// open, the rest closed; a few filtered, spam or trash; seven in ten
// assigned, a quarter of those with the team; some open chats with a bot;
// one in twenty started by an agent (in Sent). What is in the trash was
// put there in the last fortnight before end: older, the server would
// purge it as it starts (parley.TrashRetention), thousands of deletions
// under the first benchmark run on a new dataset.
func seedConversation(w *writer, inbox parley.ID, ch *parley.Channel, agents []parley.ID, team parley.ID, at, end time.Time) *parley.Conversation {
	c := &parley.Conversation{InboxID: inbox, ChannelID: ch.ID, ChannelKind: ch.Kind,
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
		trashed := end.Add(-parley.TrashRetention / 2)
		if at.After(trashed) {
			trashed = at
		}
		c.Placement, c.TrashedAt = parley.PlacementTrash, &trashed
	}
	if c.Status == parley.StatusClosed {
		c.ClosedAt = &at
	}
	if w.rng.IntN(10) < 7 {
		a := agents[w.rng.IntN(len(agents))]
		c.AssigneeID = &a
		if w.rng.IntN(4) == 0 {
			c.TeamID = &team
		}
	}
	if ch.Kind == parley.ChannelChat && c.Status == parley.StatusOpen && w.rng.IntN(5) == 0 {
		c.Bot = true
	}
	if w.rng.IntN(20) == 0 {
		c.Origin, c.LastSentAt = parley.OriginAgent, &at // in Sent
	}
	return c
}

// seedMessages makes c's n messages a minute apart, the customer's and the
// assignee's in turn.
func seedMessages(w *writer, c *parley.Conversation, n int) []*parley.Message {
	ms := make([]*parley.Message, n)
	for k := range ms {
		m := &parley.Message{Kind: parley.KindMessage, Direction: parley.Inbound, Text: w.message(),
			CreatedAt: c.CreatedAt.Add(time.Duration(k) * time.Minute)}
		if k%2 == 1 {
			m.Direction, m.AuthorID = parley.Outbound, c.AssigneeID
		}
		ms[k] = m
	}
	return ms
}

// seedContact returns a returning customer a third of the time — one of
// those copied in (known, a Contact with only its ID) or of this batch's
// fresh ones — else a new one, added to fresh without an ID until it is
// copied in.
func seedContact(w *writer, known []parley.ID, fresh *[]*parley.Contact, at time.Time) *parley.Contact {
	all := len(known) + len(*fresh)
	if all > 0 && w.rng.IntN(3) == 0 {
		i := w.rng.IntN(all)
		if i < len(known) {
			return &parley.Contact{ID: known[i]}
		}
		return (*fresh)[i-len(known)]
	}
	name, email := w.person(all)
	c := &parley.Contact{Name: name, Email: email, CreatedAt: at}
	*fresh = append(*fresh, c)
	return c
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
