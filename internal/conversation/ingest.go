package conversation

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/store"
)

// One way in. Every item a customer sends — an email from the SMTP
// listener, a connected mailbox, the raw-MIME API or an import; a message
// pushed through the API; the chat, form and call channels to come — is
// made ready by its channel (MIME parsed, threading headers read, files
// stored) as an arrival, and then taken in by admit, in one transaction:
// dedupe by the item's keys, contact, classification and placement,
// threading or opening the conversation, the message, the events.

// An arrival is one inbound item, ready to be taken in.
type arrival struct {
	ch *parley.Channel
	// keys identify the item on its channel: delivered again under any of
	// them, it is recognised and stored once. None for an item that has
	// no identity.
	keys []string
	at   time.Time      // when it happened: now, or an imported message's date
	from parley.Mailbox // the sender, as the channel names them
	// rule, when set, routes a new conversation instead of the channel's
	// rule (a chat flow's), and stays with it.
	rule *routing.Rule
	// contact, when set, is who the channel knows the sender to be (a
	// chat visitor's contact), in place of finding them by from.
	contact func(ctx context.Context, tx *store.Tx) (*parley.Contact, error)
	// thread finds the conversation the item continues, or nil for a new
	// one, with the rule that found it.
	thread  func(ctx context.Context, tx *store.Tx) (*parley.Conversation, string, error)
	subject string // a new conversation's title
	filter  string // the channel's reason to file a new conversation in filtered, "" for none
	// notice is a mail server's report about a message we sent (a bounce):
	// it is nobody's message, so joined to a conversation it has no
	// contact, and it reopens a closed one because someone must act.
	notice bool
	auto   bool // sent by a machine (an auto-reply): not the customer's word, does not reopen
	// history is an import: a new conversation opens closed and a closed
	// one stays closed.
	history bool
	msg     parley.Message // text, HTML and email headers; admit fills in the rest
	data    map[string]any // the channel's own details on the message's event
	// stored writes what is particular to the channel once the message has
	// its id: raw mail, attachments, threading keys, participants.
	stored func(ctx context.Context, tx *store.Tx, c *parley.Conversation, m *parley.Message) error
	// bot opens a new conversation with a chat flow's bot (SPEC CHT-14),
	// and after, when set, runs once the item and its events are written,
	// in the same transaction: the bot answering.
	bot   bool
	after func(ctx context.Context, tx *store.Tx, c *parley.Conversation, m *parley.Message) error

	out  EmailReceived
	err  error
	done chan struct{}
}

// inboundChannel loads a channel that accepts an item from the actor: one
// the actor may act in (anyone but the system and admins is checked), of
// kind (any when ""), and turned on (ECONFLICT, SPEC CHN-1).
func (s *Service) inboundChannel(ctx context.Context, a parley.Actor, id parley.ID, kind parley.ChannelKind) (*parley.Channel, error) {
	ch, err := s.store.Channel(ctx, id)
	if err != nil {
		return nil, err
	}
	if auth.Admin(a) != nil {
		if err := auth.Inbox(ctx, s.store, a, ch.InboxID, auth.Act); err != nil {
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				return nil, parley.NotFound("channel")
			}
			return nil, err
		}
	}
	if kind != "" && ch.Kind != kind {
		return nil, parley.Invalid("channel", "is not an %s channel", kind)
	}
	if !ch.Enabled {
		return nil, parley.Errorf(parley.ECONFLICT, "channel %q is turned off: it accepts no messages", ch.Name)
	}
	return ch, nil
}

// take stores an arrival (in a group commit with the others arriving at
// the same time) and returns what became of it once it is committed. A
// concurrent delivery of the same item that won the race is answered as
// the duplicate it is.
func (s *Service) take(ctx context.Context, a *arrival) (*EmailReceived, error) {
	s.ingest(a)
	if parley.ErrorCode(a.err) == parley.ECONFLICT && len(a.keys) > 0 {
		var dup EmailReceived
		if ok, err := s.seen(ctx, nil, a.ch, a.keys, &dup); err == nil && ok {
			return &dup, nil
		}
	}
	if a.err != nil {
		return nil, a.err
	}
	return &a.out, nil
}

// admit takes an arrival in, inside tx: once only (a repeat is answered
// with the original), from its contact, placed, threaded or opening its
// conversation, with its message and events.
func (s *Service) admit(ctx context.Context, tx *store.Tx, a *arrival) error {
	if dup, err := s.seen(ctx, tx, a.ch, a.keys, &a.out); err != nil || dup {
		return err
	}
	ch, at := a.ch, a.at
	c, rule, err := a.thread(ctx, tx)
	if err != nil {
		return err
	}
	var contact *parley.Contact
	switch {
	case a.contact != nil:
		if contact, err = a.contact(ctx, tx); err != nil {
			return err
		}
	case !a.notice || c == nil:
		if contact, err = s.resolveContact(ctx, tx, a.from, c, ch.InboxID, s.clock()); err != nil {
			return err
		}
	}
	actor := parley.System
	if contact != nil {
		actor = parley.ContactActor(contact)
	}
	fromCustomer := !a.notice && !a.auto
	body := Body{Text: a.msg.Text, HTML: a.msg.HTML}

	var evs []parley.Event
	rerouted := false
	created := c == nil
	if created {
		c = &parley.Conversation{
			InboxID: ch.InboxID, ChannelID: ch.ID, ChannelKind: ch.Kind, Subject: a.subject,
			Status: parley.StatusOpen, Placement: parley.PlacementInbox, CreatedAt: at, LastActivityAt: at,
		}
		if fromCustomer {
			c.Preview, c.LastCustomerAt = preview(body), &at
		}
		reason := a.filter
		if contact != nil {
			c.ContactID = &contact.ID
			if contact.BlockedAt != nil {
				reason = "sender blocked" // SPEC CNV-7
			}
		}
		if reason != "" {
			c.Placement = parley.PlacementFiltered
		}
		c.Bot = a.bot && c.Placement == parley.PlacementInbox && !a.history
		if a.history {
			c.Status, c.ClosedAt = parley.StatusClosed, &at
		}
		opened, err := openConversation(ctx, tx, c, actor, at, reason, a.rule)
		if err != nil {
			return err
		}
		evs = append(evs, opened...)
	} else {
		reopened := c.Status == parley.StatusClosed && !a.history && (!a.auto || a.notice)
		if reopened {
			// A customer's new message reopens the thread (SPEC CNV-5);
			// so does a bounce, which needs someone. An auto-reply does
			// not.
			reason := "customer message"
			if a.notice {
				reason = "delivery failed"
			}
			c.Status, c.ClosedAt = parley.StatusOpen, nil
			evs = append(evs, parley.NewEvent(parley.EventReopened, actor, s.clock(), map[string]string{"reason": reason}))
		}
		if fromCustomer && c.Status == parley.StatusOpen && c.Placement == parley.PlacementInbox && !c.Bot {
			// The customer is back: routing says whether the owner keeps
			// it (SPEC RTE-5, ORG-4).
			decision, err := routing.Again(ctx, tx, c, reopened, s.clock())
			if err != nil {
				return err
			}
			if decision != nil {
				evs, rerouted = append(evs, *decision), true
			}
		}
	}

	m := a.msg
	m.ConversationID, m.Kind, m.Direction, m.CreatedAt = c.ID, parley.KindMessage, parley.Inbound, at
	if contact != nil {
		m.ContactID = &contact.ID
	}
	if err := tx.CreateMessage(ctx, &m); err != nil {
		return err
	}
	if a.stored != nil {
		if err := a.stored(ctx, tx, c, &m); err != nil {
			return err
		}
	}
	now := s.clock()
	for _, k := range a.keys {
		if err := tx.PutInboundKey(ctx, ch.ID, k, &m, now); err != nil {
			return err
		}
	}
	typ := parley.EventMessageReceived
	if a.notice {
		typ = parley.EventDeliveryFailed
	}
	data := map[string]any{"channel_id": ch.ID}
	if rerouted {
		// Routing gave the conversation to someone else as this came in:
		// the new owner is told it is theirs, not of the message as well.
		data["rerouted"] = true
	}
	for k, v := range a.data {
		data[k] = v
	}
	received := parley.NewEvent(typ, actor, at, data)
	received.MessageID = &m.ID
	evs = append(evs, received)

	if !created {
		// A new conversation was created whole; an existing one moves on.
		if fromCustomer {
			c.Preview, c.LastCustomerAt = preview(body), &at
		}
		if at.After(c.LastActivityAt) {
			c.LastActivityAt = at
		}
		if err := tx.UpdateConversation(ctx, c); err != nil {
			return err
		}
	}
	for _, e := range evs {
		tx.Append(e.In(c))
	}
	a.out = EmailReceived{ConversationID: c.ID, MessageID: m.ID, Rule: rule}
	if a.after != nil {
		return a.after(ctx, tx, c, &m)
	}
	return nil
}

// seen reports whether any of keys was received on the channel before,
// filling out with the original, and records the keys that were missing so
// the next delivery is recognised by any of them. With tx nil it only reads.
func (s *Service) seen(ctx context.Context, tx *store.Tx, ch *parley.Channel, keys []string, out *EmailReceived) (bool, error) {
	q := &s.store.Q
	if tx != nil {
		q = &tx.Q
	}
	var found *store.InboundKey
	var missing []string
	for _, k := range keys {
		ik, err := q.InboundKey(ctx, ch.ID, k)
		switch {
		case err == nil:
			if found == nil {
				found = ik
			}
		case parley.ErrorCode(err) == parley.ENOTFOUND:
			missing = append(missing, k)
		default:
			return false, err
		}
	}
	if found == nil {
		return s.erased(ctx, q, tx, keys, out)
	}
	*out = EmailReceived{Duplicate: true, Deleted: found.Tombstone()}
	if !found.Tombstone() {
		out.ConversationID, out.MessageID = *found.ConversationID, *found.MessageID
	}
	if tx == nil {
		return true, nil
	}
	now := s.clock()
	for _, k := range missing {
		var err error
		if found.Tombstone() {
			err = tx.PutTombstone(ctx, ch.ID, k, now)
		} else {
			err = tx.PutInboundKey(ctx, ch.ID, k, &parley.Message{ID: out.MessageID, ConversationID: out.ConversationID}, now)
		}
		if err != nil {
			return false, err
		}
	}
	return true, nil
}

// erased reports whether any of keys names an item of an erased contact
// (store.EraseContact keeps their hashes): it is answered as deleted and
// not taken in again, and its other keys are recorded the same way.
func (s *Service) erased(ctx context.Context, q *store.Q, tx *store.Tx, keys []string, out *EmailReceived) (bool, error) {
	erased, err := q.AnyErased(ctx, store.ErasedKey, keys)
	if err != nil || !erased {
		return false, err
	}
	*out = EmailReceived{Duplicate: true, Deleted: true}
	if tx != nil {
		now := s.clock()
		for _, k := range keys {
			if err := tx.PutErased(ctx, store.ErasedKey, k, now); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

// resolveContact finds the sender by email or creates them. An item that
// continues a conversation without naming a sender is the conversation's
// contact's. A name the item gives, when the contact has none, is recorded
// as learnt in inbox: only its readers see it.
func (s *Service) resolveContact(ctx context.Context, tx *store.Tx, from parley.Mailbox, c *parley.Conversation, inbox parley.ID, now time.Time) (*parley.Contact, error) {
	if from.Email == "" && c != nil {
		if c.ContactID == nil {
			return nil, nil
		}
		return tx.Contact(ctx, *c.ContactID)
	}
	if from.Email != "" {
		contact, err := tx.ContactByEmail(ctx, from.Email)
		if err == nil {
			return contact, learnName(ctx, tx, contact, from, inbox)
		}
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			return nil, err
		}
	}
	return createContact(ctx, tx, &parley.Contact{Name: from.Name, Email: from.Email, CreatedAt: now}, inbox)
}

// learnName gives a contact without a name the one from gave, learnt in
// inbox.
func learnName(ctx context.Context, tx *store.Tx, contact *parley.Contact, from parley.Mailbox, inbox parley.ID) error {
	if contact.Name != "" || from.Name == "" {
		return nil
	}
	contact.Name, contact.NameInbox = from.Name, &inbox
	return tx.NameContact(ctx, contact)
}

// createContact makes a contact a channel met; the name it gave is
// learnt in inbox.
func createContact(ctx context.Context, tx *store.Tx, contact *parley.Contact, inbox parley.ID) (*parley.Contact, error) {
	if contact.Name != "" {
		contact.NameInbox = &inbox
	}
	if err := tx.CreateContact(ctx, contact); err != nil {
		return nil, err
	}
	tx.Append(parley.NewEvent(parley.EventContactCreated, parley.System, contact.CreatedAt, map[string]any{"contact_id": contact.ID}))
	return contact, nil
}
