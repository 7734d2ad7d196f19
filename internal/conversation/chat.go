package conversation

import (
	"context"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
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
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return nil, parley.Invalid("text", "is empty")
	}
	var visitor *store.Visitor
	arr := &arrival{
		ch: ch, keys: []string{"chat:" + in.Visitor + ":" + in.ClientID}, at: s.clock(),
		subject: subjectOf(Inbound{Text: text}), msg: parley.Message{Text: text},
		data: map[string]any{"page_url": in.PageURL},
		contact: func(ctx context.Context, tx *store.Tx) (*parley.Contact, error) {
			if visitor != nil {
				return tx.Contact(ctx, visitor.ContactID)
			}
			now := s.clock()
			contact := &parley.Contact{CreatedAt: now}
			if err := tx.CreateContact(ctx, contact); err != nil {
				return nil, err
			}
			tx.Append(parley.NewEvent(parley.EventContactCreated, parley.System, now, map[string]any{"contact_id": contact.ID}))
			visitor = &store.Visitor{ChannelID: ch.ID, UID: in.Visitor, ContactID: contact.ID, CreatedAt: now}
			return contact, tx.CreateVisitor(ctx, visitor)
		},
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
			id, err := tx.LatestConversation(ctx, ch.ID, v.ContactID)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				return nil, "new", nil
			}
			if err != nil {
				return nil, "", err
			}
			c, err := tx.Conversation(ctx, id)
			return c, "latest", err
		},
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
