package conversation

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/store"
)

// ChatInbound is a visitor's message from the chat widget (SPEC CHT-13).
type ChatInbound struct {
	Channel *parley.Channel // the chat channel the widget was loaded for
	// Visitor is the visitor's verified identity (the chat package checks
	// its signature): their first message stores them, with a contact.
	Visitor string
	// ClientID is the widget's id for the message: a retry, after a lost
	// acknowledgement, is stored once.
	ClientID string
	Text     string
	PageURL  string // the page the visitor is on, shown to agents
	// Consents are what the visitor agreed to before writing (SPEC
	// CHT-10): recorded on their contact with the message.
	Consents []ChatConsent
	// Email and Name are a signed-in user's, as their site vouched (SPEC
	// CHT-11): their first message is from the contact with that email.
	Email, Name string
	// Rule routes a conversation the message opens (the chat flow's);
	// nil: the channel's.
	Rule *routing.Rule
	// Files come with the message (a photo, a document).
	Files []ChatFile
	// Bot, when set, is the chat flow's bot: a conversation the message
	// opens is its own until it hands off (SPEC CHT-14), and Answer runs
	// once the message is stored, in its transaction, so the bot's move
	// commits with the message that made it — a retried message is a
	// duplicate and never reaches it.
	Bot *ChatBot
}

// ChatBot is the chat flow's bot as ReceiveChat runs it.
type ChatBot struct {
	// Opens says a conversation this message opens starts with the bot.
	Opens bool
	// Answer moves the bot of c (a conversation with a bot, or one whose
	// bot finished) with the visitor's message m.
	Answer func(ctx context.Context, tx *store.Tx, c *parley.Conversation, m *parley.Message) error
}

// ChatFile is a file a visitor sends.
type ChatFile struct {
	Name, ContentType string
	Data              []byte
}

// ChatConsent is a visitor's agreement, in the words they agreed to.
type ChatConsent struct {
	Kind         string // processing, subscription
	Subscription string // for subscription: what they may be contacted about
	Text         string
}

// MaxChatText bounds a chat message, in bytes.
const MaxChatText = 16 << 10

// ReceiveChat takes a visitor's message in through the one way in: their
// first creates them as a visitor with a contact of their own; each
// continues their latest conversation on the channel (reopening it when
// closed) or opens one. A channel that is off takes nothing (ECONFLICT).
func (s *Service) ReceiveChat(ctx context.Context, in ChatInbound) (*Received, error) {
	ch := in.Channel
	if ch == nil || ch.Kind != parley.ChannelChat {
		return nil, parley.Invalid("channel", "is not a chat channel")
	}
	if !ch.Enabled {
		return nil, (&parley.Error{Code: parley.ECONFLICT, Message: "this chat is turned off"}).Because("channel_off")
	}
	switch {
	case in.Visitor == "":
		return nil, parley.Invalid("visitor", "is required")
	case in.ClientID == "" || len(in.ClientID) > 100:
		return nil, parley.Invalid("client_id", "is required, up to 100 characters")
	case len(in.Text) > MaxChatText:
		return nil, &parley.Error{Code: parley.ETOOLARGE, Field: "text", Message: "the message is too long"}
	case len(in.PageURL) > 2000:
		in.PageURL = in.PageURL[:2000]
	}
	// The page is the visitor's word, shown to agents as a link: a web
	// address only.
	if u, err := url.Parse(in.PageURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		in.PageURL = ""
	}
	text := strings.TrimSpace(in.Text)
	if text == "" && len(in.Files) == 0 {
		return nil, parley.Invalid("text", "is empty")
	}
	if len(in.Files) > maxAttachments {
		return nil, parley.Invalid("files", "has more than %d files", maxAttachments)
	}
	// The files are stored before the message, as an email's are: a
	// message that fails leaves an unreferenced blob, never a message
	// without its file.
	var files []parley.Attachment
	for i, f := range in.Files {
		name, contentType, err := parley.File(f.Name, f.ContentType, f.Data)
		if err != nil {
			if pe, ok := err.(*parley.Error); ok {
				c := *pe
				c.Field = fmt.Sprintf("files[%d]", i)
				return nil, &c
			}
			return nil, err
		}
		if s.blobs == nil {
			return nil, parley.Errorf(parley.EUNAVAILABLE, "files are not available on this server")
		}
		key, err := s.blobs.Put(f.Data)
		if err != nil {
			return nil, err
		}
		files = append(files, parley.Attachment{Name: name, ContentType: contentType, Size: int64(len(f.Data)), Blob: key})
	}
	subject := text
	if subject == "" {
		subject = files[0].Name
	}
	for i, c := range in.Consents {
		if (c.Kind != "processing" && c.Kind != "subscription") || c.Text == "" || len(c.Text) > 2000 || len(c.Subscription) > 100 {
			return nil, parley.Invalid(fmt.Sprintf("consents[%d]", i), "names processing or a subscription, with the text agreed to")
		}
	}
	var visitor *store.Visitor
	arr := &arrival{
		ch: ch, keys: []string{"chat:" + in.Visitor + ":" + in.ClientID}, at: s.clock(),
		subject: subjectOf(Inbound{Text: subject}), msg: parley.Message{Text: text}, rule: in.Rule,
		data: map[string]any{"page_url": in.PageURL, "visitor": in.Visitor},
		// The visitor's conversation is theirs, never found through their
		// contact: an email they type must not open someone else's.
		thread: func(ctx context.Context, tx *store.Tx) (*parley.Conversation, string, error) {
			v, err := tx.VisitorByUID(ctx, in.Visitor)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				visitor = nil
				return nil, "new", nil
			}
			if err != nil {
				return nil, "", err
			}
			if v.ChannelID != ch.ID {
				return nil, "", parley.Invalid("visitor", "belongs to another chat")
			}
			visitor = v
			if v.ConversationID == nil {
				return nil, "new", nil
			}
			c, err := tx.Conversation(ctx, *v.ConversationID)
			if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && (c.Placement == parley.PlacementTrash || c.Placement == parley.PlacementSpam) {
				return nil, "new", nil
			}
			return c, "visitor", err
		},
		contact: func(ctx context.Context, tx *store.Tx) (*parley.Contact, error) {
			if visitor != nil {
				return tx.Contact(ctx, visitor.ContactID)
			}
			now := s.clock()
			var contact *parley.Contact
			if in.Email != "" {
				c, err := s.resolveContact(ctx, tx, parley.Mailbox{Name: in.Name, Email: in.Email}, nil, ch.InboxID, now)
				if err != nil {
					return nil, err
				}
				contact = c
			} else {
				contact = &parley.Contact{Name: in.Name, CreatedAt: now}
				if in.Name != "" {
					contact.NameInbox = &ch.InboxID
				}
				if err := tx.CreateContact(ctx, contact); err != nil {
					return nil, err
				}
				tx.Append(parley.NewEvent(parley.EventContactCreated, parley.System, now, map[string]any{"contact_id": contact.ID}))
			}
			visitor = &store.Visitor{ChannelID: ch.ID, UID: in.Visitor, ContactID: contact.ID, CreatedAt: now}
			return contact, tx.CreateVisitor(ctx, visitor)
		},
		stored: func(ctx context.Context, tx *store.Tx, c *parley.Conversation, m *parley.Message) error {
			for _, f := range files {
				f.MessageID, f.CreatedAt = m.ID, m.CreatedAt
				if err := tx.CreateAttachment(ctx, &f); err != nil {
					return err
				}
			}
			for _, consent := range in.Consents {
				if err := tx.AddConsent(ctx, &store.Consent{ContactID: visitor.ContactID, Kind: consent.Kind, Subscription: consent.Subscription,
					Text: consent.Text, ChannelID: &ch.ID, GivenAt: s.clock()}); err != nil {
					return err
				}
			}
			if visitor.ConversationID != nil && *visitor.ConversationID == c.ID {
				return nil
			}
			visitor.ConversationID = &c.ID
			return tx.SetVisitor(ctx, visitor)
		},
	}
	if in.Bot != nil {
		arr.bot, arr.after = in.Bot.Opens, in.Bot.Answer
	}
	out, err := s.take(ctx, arr)
	if err != nil {
		return nil, err
	}
	if out.Deleted {
		return nil, parley.Errorf(parley.ECONFLICT, "this conversation was deleted")
	}
	return &Received{ConversationID: out.ConversationID, MessageID: out.MessageID, Duplicate: out.Duplicate}, nil
}

// ChatEmail records the email a visitor gives in the chat (SPEC CHT-6,
// CHT-11). Nobody has proved it is theirs, so it never moves them onto
// another contact: an address nobody has becomes their own contact's
// (their replies and transcript go there); an address another contact has
// is only said in the conversation's timeline, for an agent to associate
// that contact if it is them. Either way the widget shows the visitor
// their own conversation only, and what they agree to stays on their own
// contact.
func (s *Service) ChatEmail(ctx context.Context, ch *parley.Channel, visitorUID, email string) error {
	who := parley.Mailbox{Email: email}
	if err := checkAddress("email", &who); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		now := s.clock()
		v, err := tx.VisitorByUID(ctx, visitorUID)
		switch {
		case parley.ErrorCode(err) == parley.ENOTFOUND:
			contact := &parley.Contact{CreatedAt: now}
			if err := tx.CreateContact(ctx, contact); err != nil {
				return err
			}
			tx.Append(parley.NewEvent(parley.EventContactCreated, parley.System, now, map[string]any{"contact_id": contact.ID}))
			v = &store.Visitor{ChannelID: ch.ID, UID: visitorUID, ContactID: contact.ID, CreatedAt: now}
			if err := tx.CreateVisitor(ctx, v); err != nil {
				return err
			}
		case err != nil:
			return err
		case v.ChannelID != ch.ID:
			return parley.Invalid("visitor", "belongs to another chat")
		}
		if v.ConversationID == nil {
			return GiveEmail(ctx, tx, v.ContactID, nil, who.Email, parley.System, now)
		}
		c, err := tx.Conversation(ctx, *v.ConversationID)
		if err != nil {
			return err
		}
		return GiveEmail(ctx, tx, v.ContactID, c, who.Email, parley.System, now)
	})
}

// GiveEmail records an address a chat visitor gave as their contact's,
// in tx: an address nobody has becomes theirs; another contact's is only
// said in the conversation c's timeline (nil: not said), never taken —
// see ChatEmail. email is already checked.
func GiveEmail(ctx context.Context, tx *store.Tx, contactID parley.ID, c *parley.Conversation, email string, a parley.Actor, now time.Time) error {
	owner, err := tx.ContactByEmail(ctx, email)
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND:
		return tx.AddContactEmail(ctx, contactID, email)
	case err != nil:
		return err
	case owner.ID == contactID || c == nil:
		return nil
	}
	e := parley.NewEvent(parley.EventContactClaimed, a, now, map[string]any{"email": email, "contact_id": owner.ID})
	tx.Append(e.In(c))
	return nil
}
