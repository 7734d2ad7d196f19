package conversation

import (
	"context"
	"strings"
	"time"

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
	// ContactPhone finds the sender by phone when there is no email (an
	// SMS or messaging bridge): the oldest contact with that number, or a
	// new one.
	ContactPhone string
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
	if in.ContactPhone != "" {
		phone, err := parley.PhoneNumber("contact.phone", in.ContactPhone)
		if err != nil {
			return err
		}
		in.ContactPhone = phone
	}
	if in.ContactEmail == "" && in.ContactName == "" && in.ContactPhone == "" && in.ConversationID == 0 {
		return parley.Invalid("contact", "an email, a phone or a name is required")
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
// files it in *filtered* when the sender is blocked (SPEC CNV-7), through
// the one way in every channel shares (admit). A disabled
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
	ch, err := s.inboundChannel(ctx, a, in.ChannelID, "")
	if err != nil {
		return nil, err
	}
	var keys []string
	if in.ClientID != "" {
		keys = []string{in.ClientID}
	}
	var known *parley.Contact // found by its email while threading
	arr := &arrival{
		ch: ch, keys: keys, at: s.clock(), from: parley.Mailbox{Name: in.ContactName, Email: in.ContactEmail},
		subject: subjectOf(in), msg: parley.Message{Text: in.Text, HTML: in.HTML},
		thread: func(ctx context.Context, tx *store.Tx) (*parley.Conversation, string, error) {
			c, rule, contact, err := pushThread(ctx, tx, ch, in)
			known = contact
			return c, rule, err
		},
		stored: func(ctx context.Context, tx *store.Tx, _ *parley.Conversation, m *parley.Message) error {
			return attach(ctx, tx, a, m, in.Attachments)
		},
	}
	switch {
	case in.ContactEmail == "" && in.ContactPhone != "" && in.ConversationID == 0:
		arr.contact = func(ctx context.Context, tx *store.Tx) (*parley.Contact, error) {
			return s.contactByPhone(ctx, tx, in, ch.InboxID, arr.at)
		}
	case in.ContactEmail != "":
		// The contact threading just read, in this transaction, is not
		// read again (three statements of a push's seventeen).
		arr.contact = func(ctx context.Context, tx *store.Tx) (*parley.Contact, error) {
			if known != nil {
				return known, learnName(ctx, tx, known, arr.from, ch.InboxID)
			}
			return s.resolveContact(ctx, tx, arr.from, nil, ch.InboxID, arr.at)
		}
	}
	out, err := s.take(ctx, arr)
	if err != nil {
		return nil, err
	}
	if out.Deleted {
		return nil, parley.Errorf(parley.ECONFLICT, "a message with this client_id was received before and its conversation was deleted")
	}
	return &Received{ConversationID: out.ConversationID, MessageID: out.MessageID, Duplicate: out.Duplicate}, nil
}

// pushThread finds the conversation a pushed message continues, and the
// contact it found by the message's email on the way (nil if none): the one it
// names, else the contact's latest on the channel that is not in spam or
// trash, unless it asks for a new one. It never joins a thread that
// belongs to a different customer.
func pushThread(ctx context.Context, tx *store.Tx, ch *parley.Channel, in Inbound) (*parley.Conversation, string, *parley.Contact, error) {
	if in.ConversationID != 0 {
		c, err := tx.Conversation(ctx, in.ConversationID)
		if err != nil || c.InboxID != ch.InboxID {
			return nil, "", nil, parley.Invalid("conversation_id", "no such conversation in this channel's inbox")
		}
		var contact *parley.Contact
		if in.ContactEmail != "" {
			contact, err = tx.ContactByEmail(ctx, in.ContactEmail)
			if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
				return nil, "", nil, err
			}
			if contact == nil || c.ContactID == nil || *c.ContactID != contact.ID {
				return nil, "", nil, parley.Invalid("conversation_id", "the conversation belongs to another contact")
			}
		}
		return c, "conversation_id", contact, nil
	}
	if in.NewConversation || in.ContactEmail == "" && in.ContactPhone == "" {
		return nil, "new", nil, nil
	}
	var contact *parley.Contact
	var err error
	if in.ContactEmail != "" {
		contact, err = tx.ContactByEmail(ctx, in.ContactEmail)
	} else {
		contact, err = tx.ContactByPhone(ctx, in.ContactPhone)
	}
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, "new", nil, nil
	}
	if err != nil {
		return nil, "", nil, err
	}
	found := contact
	if in.ContactEmail == "" {
		found = nil // found by phone: the contact step finds them so too
	}
	c, err := tx.LatestConversation(ctx, ch.ID, contact.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, "new", found, nil
	}
	if err != nil {
		return nil, "", nil, err
	}
	return c, "latest", found, nil
}

// contactByPhone finds a pushed message's sender by their phone, the
// oldest contact with that number, or creates them.
func (s *Service) contactByPhone(ctx context.Context, tx *store.Tx, in Inbound, inbox parley.ID, now time.Time) (*parley.Contact, error) {
	contact, err := tx.ContactByPhone(ctx, in.ContactPhone)
	if parley.ErrorCode(err) != parley.ENOTFOUND {
		return contact, err
	}
	return createContact(ctx, tx, &parley.Contact{Name: in.ContactName, Phone: in.ContactPhone, CreatedAt: now}, inbox)
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
