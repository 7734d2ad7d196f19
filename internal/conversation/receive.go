package conversation

import (
	"context"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Inbound is a customer message arriving through a channel.
type Inbound struct {
	ChannelID parley.ID
	// ClientID is the sender's id for this message; receiving the same id
	// on the same channel twice stores it once.
	ClientID     string
	ContactEmail string
	ContactName  string
	Subject      string
	Text         string
	HTML         string
	// Attachments are the pusher's uploads (see Upload): the files, a
	// photo say, that came with the message.
	Attachments []parley.ID
	// ConversationID continues an existing conversation of the channel's inbox.
	ConversationID parley.ID
	// NewConversation opens a conversation even when the contact has one on
	// this channel. Without it, a message with no ConversationID continues
	// the contact's latest conversation on the channel that is not in spam or
	// trash, as a messaging app's thread does.
	NewConversation bool
}

// Received says where an inbound message went.
type Received struct {
	ConversationID parley.ID
	MessageID      parley.ID
	// Duplicate is true when the message had been received before; the ids
	// are the original's.
	Duplicate bool
}

// MaxClientIDLength caps an inbound dedupe key.
const MaxClientIDLength = 255

func (in *Inbound) validate() error {
	in.ContactEmail = strings.TrimSpace(in.ContactEmail)
	in.ContactName = strings.TrimSpace(in.ContactName)
	if len(in.ClientID) > MaxClientIDLength {
		return parley.Invalid("client_id", "is longer than %d characters", MaxClientIDLength)
	}
	if in.ContactEmail != "" {
		if _, err := parley.EmailAddress("contact.email", in.ContactEmail); err != nil {
			return err
		}
	}
	if in.ContactEmail == "" && in.ContactName == "" && in.ConversationID == 0 {
		return parley.Invalid("contact", "an email or a name is required")
	}
	if len(in.Subject) > 1000 {
		return parley.Invalid("subject", "is longer than 1000 characters")
	}
	if len(in.Attachments) > 0 && strings.TrimSpace(in.Text) == "" && strings.TrimSpace(in.HTML) == "" {
		return nil // a photo with no caption
	}
	return Body{Text: in.Text, HTML: in.HTML}.validate()
}

// Receive stores a customer message from a channel: it finds or creates the
// contact, opens a conversation or continues one (reopening it if closed), and
// files it in *filtered* when the sender is blocked (SPEC CNV-7). A disabled
// channel accepts nothing (ECONFLICT, SPEC CHN-1). The same ClientID twice
// returns the original with Duplicate set; one whose conversation was deleted
// is ECONFLICT. Its attachments must be the actor's own uploads (EINVALID).
//
// The actor is who pushes the message: an admin, or a member who may act in
// the channel's inbox.
func (s *Service) Receive(ctx context.Context, a parley.Actor, in Inbound) (*Received, error) {
	b := Body{Text: in.Text, HTML: in.HTML}.normalized()
	in.Text, in.HTML = b.Text, b.HTML // normalized once, validated and stored as such
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out Received
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		ch, err := tx.Channel(ctx, in.ChannelID)
		if err != nil {
			return err
		}
		if auth.Admin(a) != nil {
			if err := auth.Inbox(ctx, tx, a, ch.InboxID, auth.Act); err != nil {
				if parley.ErrorCode(err) == parley.ENOTFOUND {
					return parley.NotFound("channel")
				}
				return err
			}
		}
		if !ch.Enabled {
			return parley.Errorf(parley.ECONFLICT, "channel %q is turned off: it accepts no messages", ch.Name)
		}
		if in.ClientID != "" {
			k, err := tx.InboundKey(ctx, ch.ID, in.ClientID)
			switch {
			case err == nil && k.Tombstone():
				return parley.Errorf(parley.ECONFLICT, "a message with this client_id was received before and its conversation was deleted")
			case err == nil:
				out = Received{ConversationID: *k.ConversationID, MessageID: *k.MessageID, Duplicate: true}
				return nil
			case parley.ErrorCode(err) != parley.ENOTFOUND:
				return err
			}
		}
		return s.receive(ctx, tx, a, ch, in, &out)
	})
	if err != nil && in.ClientID != "" && parley.ErrorCode(err) == parley.ECONFLICT {
		// A concurrent delivery of the same item won the race: answer with it.
		if k, kerr := s.store.InboundKey(ctx, in.ChannelID, in.ClientID); kerr == nil && !k.Tombstone() {
			return &Received{ConversationID: *k.ConversationID, MessageID: *k.MessageID, Duplicate: true}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (s *Service) receive(ctx context.Context, tx *store.Tx, a parley.Actor, ch *parley.Channel, in Inbound, out *Received) error {
	now := s.clock()
	var (
		c   *parley.Conversation
		err error
	)
	if in.ConversationID != 0 {
		c, err = tx.Conversation(ctx, in.ConversationID)
		if err != nil || c.InboxID != ch.InboxID {
			return parley.Invalid("conversation_id", "no such conversation in this channel's inbox")
		}
	}
	contact, err := s.resolveContact(ctx, tx, in, c, ch.InboxID, now)
	if err != nil {
		return err
	}
	if c == nil && contact != nil && !in.NewConversation {
		id, err := tx.LatestConversation(ctx, ch.ID, contact.ID)
		switch {
		case err == nil:
			if c, err = tx.Conversation(ctx, id); err != nil {
				return err
			}
		case parley.ErrorCode(err) != parley.ENOTFOUND:
			return err
		}
	}
	if c != nil && contact != nil && (c.ContactID == nil || *c.ContactID != contact.ID) {
		// Never join a thread that belongs to a different customer.
		return parley.Invalid("conversation_id", "the conversation belongs to another contact")
	}
	var evs []parley.Event
	actor := parley.System
	if contact != nil {
		actor = parley.ContactActor(contact)
	}
	if c == nil {
		c = &parley.Conversation{
			InboxID: ch.InboxID, ChannelID: ch.ID, ChannelKind: ch.Kind, Subject: subjectOf(in),
			Status: parley.StatusOpen, Placement: parley.PlacementInbox, CreatedAt: now,
		}
		reason := ""
		if contact != nil {
			c.ContactID = &contact.ID
			if contact.BlockedAt != nil {
				c.Placement, reason = parley.PlacementFiltered, "sender blocked"
			}
		}
		c.LastActivityAt = now
		created, err := openConversation(ctx, tx, c, actor, now, reason)
		if err != nil {
			return err
		}
		evs = append(evs, created)
	} else if c.Status == parley.StatusClosed {
		c.Status, c.ClosedAt = parley.StatusOpen, nil
		evs = append(evs, parley.NewEvent(parley.EventReopened, actor, now, map[string]string{"reason": "customer message"}))
	}
	m := &parley.Message{
		ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Inbound,
		Text: in.Text, HTML: in.HTML, CreatedAt: now,
	}
	if contact != nil {
		m.ContactID = &contact.ID
	}
	if err := tx.CreateMessage(ctx, m); err != nil {
		return err
	}
	if err := attach(ctx, tx, a, m, in.Attachments); err != nil {
		return err
	}
	if in.ClientID != "" {
		if err := tx.PutInboundKey(ctx, ch.ID, in.ClientID, m, now); err != nil {
			return err
		}
	}
	received := parley.NewEvent(parley.EventMessageReceived, actor, now, map[string]any{"channel_id": ch.ID})
	received.MessageID = &m.ID
	evs = append(evs, received)

	c.Preview = preview(Body{Text: in.Text, HTML: in.HTML})
	c.LastActivityAt, c.LastCustomerAt = now, &now
	if err := tx.UpdateConversation(ctx, c); err != nil {
		return err
	}
	for _, e := range evs {
		tx.Append(e.In(c))
	}
	*out = Received{ConversationID: c.ID, MessageID: m.ID}
	return nil
}

// resolveContact finds the sender by email or creates them. A message that
// continues a conversation without naming a sender is the conversation's
// contact's. A name the message gives, when the contact has none, is
// recorded as learnt in inbox: only its readers see it.
func (s *Service) resolveContact(ctx context.Context, tx *store.Tx, in Inbound, c *parley.Conversation, inbox parley.ID, now time.Time) (*parley.Contact, error) {
	if in.ContactEmail == "" && c != nil {
		if c.ContactID == nil {
			return nil, nil
		}
		return tx.Contact(ctx, *c.ContactID)
	}
	if in.ContactEmail != "" {
		contact, err := tx.ContactByEmail(ctx, in.ContactEmail)
		if err == nil {
			if contact.Name == "" && in.ContactName != "" {
				contact.Name, contact.NameInbox = in.ContactName, &inbox
				if err := tx.UpdateContact(ctx, contact); err != nil {
					return nil, err
				}
			}
			return contact, nil
		}
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			return nil, err
		}
	}
	contact := &parley.Contact{Name: in.ContactName, Email: in.ContactEmail, CreatedAt: now}
	if contact.Name != "" {
		contact.NameInbox = &inbox
	}
	if err := tx.CreateContact(ctx, contact); err != nil {
		return nil, err
	}
	tx.Append(parley.NewEvent(parley.EventContactCreated, parley.System, now, map[string]any{"contact_id": contact.ID}))
	return contact, nil
}

// maxTitle is the longest title taken from a first message, in characters.
const maxTitle = 60

// subjectOf names a new conversation: its subject if the message has one,
// else the first line of the first message, cut short at a word — a
// messaging thread is titled by how it began, not by its latest message.
func subjectOf(in Inbound) string {
	if s := strings.TrimSpace(in.Subject); s != "" {
		return s
	}
	text := in.Text
	if strings.TrimSpace(text) == "" {
		text = stripTags(in.HTML)
	}
	for _, line := range strings.Split(text, "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			return shorten(line, maxTitle)
		}
	}
	return ""
}

// shorten cuts s to at most n characters, at the last space if there is one
// in its second half, and marks the cut with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	if i := strings.LastIndex(cut, " "); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
