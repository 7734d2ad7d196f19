package conversation

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Calls (SPEC CHN-8). A phone call is logged, never placed: through a call
// channel (a phone system's integration, or an agent in the app), opening a
// conversation or continuing one, or on any conversation. An inbound call is
// the customer's word and comes in the one way in (admit), so routing,
// contacts and events treat it as any customer message; an outbound one is
// the agent's, recorded as a reply is but delivered nowhere (its
// message.sent says delivery "call", which no channel sends).

// LoggedCall is a call to log: the call itself and its notes, where it goes,
// and for a call channel, who the customer is.
type LoggedCall struct {
	Call  parley.Call
	Notes string // what was said, the message's text; may be empty
	// ChannelID is the call channel the call comes through; 0 logs it on
	// the conversation ConversationID names, whatever its channel.
	ChannelID parley.ID
	// ConversationID continues a conversation (of the channel's inbox when
	// ChannelID is set); 0, on a channel, opens a new one.
	ConversationID parley.ID
	// ClientID is the phone system's id for an inbound call: the same id
	// on the same channel twice is stored once.
	ClientID string
	// ContactEmail and ContactName tell more of the customer, who is
	// found by their number (the from of an inbound call, the to of an
	// outbound one) when a call opens a conversation.
	ContactEmail string
	ContactName  string
	Subject      string // a new conversation's title; else the notes' first line, else the number
}

// CallLogged is where a logged call went.
type CallLogged struct {
	ConversationID parley.ID
	Message        *parley.Message
	// Duplicate is true when an inbound call with this ClientID was logged
	// before; the message is the original.
	Duplicate bool
}

// Limits of a logged call.
const (
	maxCallDuration    = 24 * 60 * 60 // seconds
	maxRecordingURL    = 2000
	callClockTolerance = time.Minute // a phone system's clock may run a little ahead
)

// validate checks and normalises a call, naming the field at fault.
func (in *LoggedCall) validate(now time.Time) error {
	c := &in.Call
	if c.Direction != parley.CallInbound && c.Direction != parley.CallOutbound {
		return parley.Invalid("call.direction", "is required: inbound or outbound")
	}
	var err error
	if c.From, err = parley.PhoneNumber("call.from", c.From); err != nil {
		return err
	}
	if c.To, err = parley.PhoneNumber("call.to", c.To); err != nil {
		return err
	}
	switch {
	case c.StartedAt.IsZero():
		return parley.Invalid("call.started_at", "is required")
	case c.StartedAt.After(now.Add(callClockTolerance)):
		return parley.Invalid("call.started_at", "is in the future")
	}
	c.StartedAt = parley.Normalize(c.StartedAt)
	if c.Duration < 0 || c.Duration > maxCallDuration {
		return parley.Invalid("call.duration", "is not between 0 and %d seconds", maxCallDuration)
	}
	if !slices.Contains(parley.CallOutcomes, c.Outcome) {
		return parley.Invalid("call.outcome", "is not one of %s", strings.Join(parley.CallOutcomes, ", "))
	}
	c.RecordingURL = strings.TrimSpace(c.RecordingURL)
	if c.RecordingURL != "" {
		u, err := url.Parse(c.RecordingURL)
		if len(c.RecordingURL) > maxRecordingURL || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return parley.Invalid("call.recording_url", "is not an http or https address of at most %d characters", maxRecordingURL)
		}
	}
	if strings.TrimSpace(in.Notes) == "" {
		in.Notes = ""
	}
	if len(in.Notes) > MaxBodyLength {
		return parley.Invalid("notes", "is longer than %d bytes", MaxBodyLength)
	}
	if len(in.ClientID) > MaxClientIDLength {
		return parley.Invalid("client_id", "is longer than %d characters", MaxClientIDLength)
	}
	in.ContactEmail, in.ContactName, in.Subject = strings.TrimSpace(in.ContactEmail), strings.TrimSpace(in.ContactName), strings.TrimSpace(in.Subject)
	if in.ContactEmail != "" {
		if in.ContactEmail, err = parley.EmailAddress("contact.email", in.ContactEmail); err != nil {
			return err
		}
	}
	if len(in.ContactName) > 200 {
		return parley.Invalid("contact.name", "is longer than 200 characters")
	}
	if len(in.Subject) > 1000 {
		return parley.Invalid("subject", "is longer than 1000 characters")
	}
	if in.ChannelID == 0 && in.ConversationID == 0 {
		return parley.Invalid("conversation_id", "is required")
	}
	return nil
}

// customer is the customer's number: who called, or who was called.
func (in *LoggedCall) customer() string {
	if in.Call.Direction == parley.CallInbound {
		return in.Call.From
	}
	return in.Call.To
}

// LogCall logs a phone call (SPEC CHN-8) through a call channel (ChannelID)
// or on a conversation (ConversationID alone). The actor must be able to act
// where the call goes: the channel's inbox (an admin may push through any
// channel, as with Receive) or the conversation's; viewers cannot. A call
// channel that is not one or is turned off refuses it (EINVALID, ECONFLICT).
// An inbound ClientID logged before returns the original with Duplicate
// set; one whose conversation was deleted is ECONFLICT. Bad fields are
// EINVALID naming the field (call.duration, call.recording_url, notes…).
func (s *Service) LogCall(ctx context.Context, a parley.Actor, in LoggedCall) (*CallLogged, error) {
	if err := in.validate(s.clock()); err != nil {
		return nil, err
	}
	var ch *parley.Channel
	if in.ChannelID != 0 {
		var err error
		if ch, err = s.inboundChannel(ctx, a, in.ChannelID, parley.ChannelCall); err != nil {
			return nil, err
		}
	}
	if in.Call.Direction == parley.CallOutbound {
		return s.callOut(ctx, a, ch, in)
	}
	if ch == nil {
		c, err := auth.Conversation(ctx, s.store, a, in.ConversationID, auth.Act)
		if err != nil {
			return nil, err
		}
		if ch, err = s.store.Channel(ctx, c.ChannelID); err != nil {
			return nil, err
		}
	}
	return s.callIn(ctx, ch, in)
}

// callIn takes an inbound call in as the customer's message, through admit.
func (s *Service) callIn(ctx context.Context, ch *parley.Channel, in LoggedCall) (*CallLogged, error) {
	var keys []string
	if in.ClientID != "" {
		keys = []string{in.ClientID}
	}
	call := in.Call
	arr := &arrival{
		ch: ch, keys: keys, at: s.clock(), from: parley.Mailbox{Name: in.ContactName, Email: in.ContactEmail},
		subject: callSubject(in), msg: parley.Message{Text: in.Notes, Call: &call},
		thread: func(ctx context.Context, tx *store.Tx) (*parley.Conversation, string, error) {
			if in.ChannelID == 0 {
				c, err := tx.Conversation(ctx, in.ConversationID)
				return c, "conversation_id", err
			}
			c, rule, _, err := pushThread(ctx, tx, ch, Inbound{ConversationID: in.ConversationID, ContactEmail: in.ContactEmail, NewConversation: true})
			return c, rule, err
		},
	}
	if in.ConversationID == 0 {
		arr.contact = func(ctx context.Context, tx *store.Tx) (*parley.Contact, error) {
			return callContact(ctx, tx, in, ch.InboxID, arr.at)
		}
	}
	out, err := s.take(ctx, arr)
	if err != nil {
		return nil, err
	}
	if out.Deleted {
		return nil, parley.Errorf(parley.ECONFLICT, "a call with this client_id was logged before and its conversation was deleted")
	}
	m, err := s.store.Message(ctx, out.MessageID)
	if err != nil {
		return nil, err
	}
	return &CallLogged{ConversationID: out.ConversationID, Message: m, Duplicate: out.Duplicate}, nil
}

// callOut records an outbound call as the agent's: on the conversation named
// (ch nil: any the actor may act in; else one of the channel's inbox), or on
// a new conversation of the channel that is theirs, as an email they start
// is (origin agent, assigned to them when they may act in the inbox).
func (s *Service) callOut(ctx context.Context, a parley.Actor, ch *parley.Channel, in LoggedCall) (*CallLogged, error) {
	call := in.Call
	var m *parley.Message
	var c *parley.Conversation
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		switch {
		case ch == nil:
			if c, err = auth.Conversation(ctx, tx, a, in.ConversationID, auth.Act); err != nil {
				return err
			}
		case in.ConversationID != 0:
			if c, err = tx.Conversation(ctx, in.ConversationID); err != nil || c.InboxID != ch.InboxID {
				return parley.Invalid("conversation_id", "no such conversation in this channel's inbox")
			}
		}
		now := s.clock()
		var author *parley.ID
		if a.Kind == parley.ActorUser {
			author = &a.UserID
		}
		var evs []parley.Event
		created := c == nil
		if created {
			contact, err := callContact(ctx, tx, in, ch.InboxID, now)
			if err != nil {
				return err
			}
			c = &parley.Conversation{InboxID: ch.InboxID, ChannelID: ch.ID, ChannelKind: ch.Kind, Origin: parley.OriginAgent,
				ContactID: &contact.ID, Subject: callSubject(in), Status: parley.StatusOpen, Placement: parley.PlacementInbox,
				CreatedAt: now, LastActivityAt: now, LastAgentAt: &now, Preview: preview(Body{Text: in.Notes})}
			mine := author != nil && auth.Inbox(ctx, tx, a, ch.InboxID, auth.Act) == nil
			if mine {
				c.AssigneeID = author
			}
			if evs, err = openConversation(ctx, tx, c, a, now, "", nil); err != nil {
				return err
			}
			if mine {
				evs = append(evs, parley.NewEvent(parley.EventAssigned, a, now, map[string]any{
					"from_user_id": nil, "to_user_id": a.UserID, "from_team_id": nil, "to_team_id": nil}))
			}
		} else if c.Status == parley.StatusClosed {
			c.Status, c.ClosedAt = parley.StatusOpen, nil
			evs = append(evs, parley.NewEvent(parley.EventReopened, a, now, map[string]string{"reason": "agent call"}))
		}
		m = &parley.Message{ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Outbound,
			AuthorID: author, Text: in.Notes, Call: &call, CreatedAt: now}
		if err := tx.CreateMessage(ctx, m); err != nil {
			return err
		}
		sent := parley.NewEvent(parley.EventMessageSent, a, now, map[string]any{"channel_id": c.ChannelID, "delivery": parley.ChannelCall})
		sent.MessageID = &m.ID
		evs = append(evs, sent)
		if !created {
			if in.Notes != "" {
				c.Preview = preview(Body{Text: in.Notes})
			}
			c.LastActivityAt, c.LastAgentAt = now, &now
			if err := tx.UpdateConversation(ctx, c); err != nil {
				return err
			}
		}
		for _, e := range evs {
			tx.Append(e.In(c))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &CallLogged{ConversationID: c.ID, Message: m}, nil
}

// callContact is the customer of a call that opens a conversation: the
// oldest contact with their number, else the one with the email given,
// else a new contact with both.
func callContact(ctx context.Context, tx *store.Tx, in LoggedCall, inbox parley.ID, now time.Time) (*parley.Contact, error) {
	phone := in.customer()
	contact, err := tx.ContactByPhone(ctx, phone)
	if parley.ErrorCode(err) != parley.ENOTFOUND {
		return contact, err
	}
	if in.ContactEmail != "" {
		contact, err := tx.ContactByEmail(ctx, in.ContactEmail)
		if parley.ErrorCode(err) != parley.ENOTFOUND {
			return contact, err
		}
	}
	return createContact(ctx, tx, &parley.Contact{Name: in.ContactName, Email: in.ContactEmail, Phone: phone, CreatedAt: now}, inbox)
}

// callSubject titles a conversation a call opens: the subject given, else
// the notes' first line, else the customer's number.
func callSubject(in LoggedCall) string {
	if s := subjectOf(Inbound{Subject: in.Subject, Text: in.Notes}); s != "" {
		return s
	}
	return in.customer()
}
