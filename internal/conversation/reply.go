package conversation

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Reply stores an agent's reply to the customer. It reopens a closed
// conversation (SPEC CNV-5). Delivery is the channel's business: the
// message.sent event carries it (for the API channel, a webhook will). A
// disabled channel sends nothing (ECONFLICT, SPEC CHN-1).
func (s *Service) Reply(ctx context.Context, a parley.Actor, id parley.ID, b Body) (*parley.Message, error) {
	b = b.normalized() // before validating: cleaning may leave nothing
	if err := b.validate(); err != nil {
		return nil, err
	}
	var m *parley.Message
	_, err := s.mutate(ctx, a, id, func(tx *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		ch, err := tx.Channel(ctx, c.ChannelID)
		if err != nil {
			return nil, err
		}
		var evs []parley.Event
		if c.Bot && a.Kind == parley.ActorUser {
			// Answering a chat its bot is in takes it over (SPEC CHT-14).
			if evs, err = takeFromBot(ctx, tx, a, c, now, false); err != nil {
				return nil, err
			}
		}
		var because string
		if b.Via == "" && ch.Kind == parley.ChannelChat {
			// A chat visitor who has left, and whose email is known, is
			// answered by email; their answer threads back (SPEC CNV-12).
			if left, err := visitorLeft(ctx, tx, c, now); err != nil {
				return nil, err
			} else if left {
				b.Via, because = parley.ChannelEmail, "visitor_left"
			}
		}
		if b.Via == "" && ch.Kind == parley.ChannelForm {
			// A form's submitter is answered by email, and their answer
			// threads back (SPEC CHN-7).
			b.Via, because = parley.ChannelEmail, "form"
		}
		switch {
		case b.Via == "" || b.Via == ch.Kind:
		case b.Via == parley.ChannelEmail:
			// Switch channel: the inbox's email channel sends it, and the
			// customer's answer threads back into this conversation.
			from := ch
			if ch, err = tx.BuiltinChannelOf(ctx, c.InboxID); err != nil {
				return nil, err
			}
			if because == "" {
				evs = append(evs, parley.NewEvent(parley.EventChannelSwitched, a, now, map[string]any{
					"from_channel_id": from.ID, "from_kind": from.Kind, "to_channel_id": ch.ID, "to_kind": ch.Kind}))
			}
		default:
			return nil, parley.Invalid("via", "can only be email")
		}
		if !ch.Enabled {
			return nil, parley.Errorf(parley.ECONFLICT, "channel %q is turned off: nothing can be sent from it", ch.Name).Because("channel_off")
		}
		var contact *parley.Contact
		if c.ContactID != nil {
			if contact, err = tx.Contact(ctx, *c.ContactID); err != nil {
				return nil, err
			}
		}
		if b, err = fillTokens(ctx, tx, b, contact, c.InboxID, a.UserID); err != nil {
			return nil, err
		}
		m = &parley.Message{ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Outbound,
			AuthorID: &a.UserID, Text: b.Text, HTML: b.HTML, CreatedAt: now}
		if ch.Kind == parley.ChannelEmail {
			if err := s.prepareEmail(ctx, tx, c, ch, a, m, now, b.To, b.Cc, b.Bcc); err != nil {
				return nil, err
			}
		} else if len(b.To)+len(b.Cc)+len(b.Bcc) > 0 {
			return nil, parley.Invalid("cc", "only an email can be copied to others")
		}
		if err := tx.CreateMessage(ctx, m); err != nil {
			return nil, err
		}
		if err := attach(ctx, tx, a, m, b.Attachments); err != nil {
			return nil, err
		}
		if ch.Kind == parley.ChannelAPI {
			// Said now, not when the webhooks consumer queues it: the reply
			// and its event show "sending" from the start (the consumer
			// used to race the stream, and the thread missed it).
			if err := markBridged(ctx, tx, ch.ID, m, now); err != nil {
				return nil, err
			}
		}
		if m.Email != nil {
			if err := enqueueSend(ctx, tx, m, now); err != nil {
				return nil, err
			}
		}
		if c.Status == parley.StatusClosed {
			c.Status, c.ClosedAt = parley.StatusOpen, nil
			evs = append(evs, parley.NewEvent(parley.EventReopened, a, now, map[string]string{"reason": "agent reply"}))
		}
		data := map[string]any{"channel_id": ch.ID, "delivery": ch.Kind}
		if because != "" {
			data["because"] = because
		}
		sent := parley.NewEvent(parley.EventMessageSent, a, now, data)
		sent.MessageID = &m.ID
		c.Preview = preview(b)
		c.LastActivityAt, c.LastAgentAt = now, &now
		if m.Email != nil {
			c.LastSentAt = &now // in the Sent view (SPEC VEW-1)
		}
		return append(evs, sent), nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Comment stores an internal comment, never sent to the customer, and records
// a mention event for each mentioned teammate who can see the conversation
// (SPEC COL-1). A mention is "@" followed by a user's email or the part of it
// before the "@".
func (s *Service) Comment(ctx context.Context, a parley.Actor, id parley.ID, b Body) (*parley.Message, error) {
	b = b.normalized() // before validating: cleaning may leave nothing
	if err := b.validate(); err != nil {
		return nil, err
	}
	var m *parley.Message
	_, err := s.mutate(ctx, a, id, func(tx *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		m = &parley.Message{ConversationID: c.ID, Kind: parley.KindComment, Direction: parley.Outbound,
			AuthorID: &a.UserID, Text: b.Text, HTML: b.HTML, CreatedAt: now}
		if err := tx.CreateMessage(ctx, m); err != nil {
			return nil, err
		}
		added := parley.NewEvent(parley.EventCommentAdded, a, now, nil)
		added.MessageID = &m.ID
		evs := []parley.Event{added}
		mentioned, err := mentions(ctx, tx, c, b.Text+" "+stripTags(b.HTML))
		if err != nil {
			return nil, err
		}
		for _, u := range mentioned {
			// Stored, so that someone signed out learns of it later.
			if err := tx.AddMention(ctx, u.ID, m); err != nil {
				return nil, err
			}
			e := parley.NewEvent(parley.EventMentioned, a, now, map[string]any{"user_id": u.ID, "message_id": m.ID})
			e.MessageID = &m.ID
			evs = append(evs, e)
		}
		c.LastActivityAt = now
		return evs, nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

var mentionPattern = regexp.MustCompile(`(?:^|[^\w.@+-])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)`)

// mentions returns the users mentioned in text who may read c, each once.
func mentions(ctx context.Context, tx *store.Tx, c *parley.Conversation, text string) ([]parley.User, error) {
	found := mentionPattern.FindAllStringSubmatch(text, -1)
	if len(found) == 0 {
		return nil, nil
	}
	users, err := tx.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []parley.User
	seen := map[parley.ID]bool{}
	for _, f := range found {
		handle := strings.ToLower(strings.TrimRight(f[1], "."))
		for _, u := range users {
			local, _, _ := strings.Cut(u.Email, "@")
			if seen[u.ID] || (u.Email != handle && local != handle) {
				continue
			}
			if auth.Inbox(ctx, tx, parley.UserActor(&u), c.InboxID, auth.Read) != nil {
				continue
			}
			seen[u.ID] = true
			out = append(out, u)
		}
	}
	return out, nil
}

// visitorLeft reports whether a chat conversation's visitor has closed the
// widget (no sign of life for VisitorHereFor) and can be written to: their
// contact has an email. A chat conversation with no visitor (imported, or
// pushed through the API) is not theirs to leave.
func visitorLeft(ctx context.Context, tx *store.Tx, c *parley.Conversation, now time.Time) (bool, error) {
	if c.ContactID == nil {
		return false, nil
	}
	contact, err := tx.Contact(ctx, *c.ContactID)
	if err != nil || contact.Email == "" {
		return false, err
	}
	known, here, err := tx.VisitorHere(ctx, c.ID, now.Add(-VisitorHereFor))
	if err != nil || !known || here {
		return false, err
	}
	// The inbox's email must be on to send it; else it waits in the chat.
	mail, err := tx.BuiltinChannelOf(ctx, c.InboxID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return false, nil
	}
	return err == nil && mail.Enabled, err
}

// VisitorHereFor is how long after its last sign of life a chat visitor's
// widget counts as open (the chat package keeps it alive).
const VisitorHereFor = 90 * time.Second

// markBridged marks a reply on an API channel as sending when the channel
// has a messaging bridge (on or off: one turned off keeps its replies for
// when it is on again), which the webhooks consumer then posts to.
func markBridged(ctx context.Context, tx *store.Tx, channelID parley.ID, m *parley.Message, now time.Time) error {
	has, err := tx.HasBridge(ctx, channelID)
	if err != nil || !has {
		return err
	}
	m.Bridge = &parley.Bridged{State: parley.BridgeSending, At: now}
	return tx.SetMessageBridge(ctx, m)
}
