package chat

import (
	"context"
	"crypto/hmac"
	"fmt"
	"slices"
	"time"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/store"
)

// Service is the widget's use-cases. Everything a visitor reads goes
// through Visitor: their conversation is found from their verified
// identity, never taken from the request, and only what they and the
// team said to each other is shown (visible) — never an internal comment
// or a forward, never agent data beyond an author's name and picture.
type Service struct {
	store      *store.Store
	conv       *conversation.Service
	ids        *Identities
	mailDomain string // the inboxes' addresses' domain, for transcripts
	blobs      Blobs  // flows' pictures; nil: none can be set
}

// Blobs keeps files: the flows' pictures.
type Blobs interface {
	Put(data []byte) (string, error)
}

// New returns the chat service; mailDomain is the inboxes' addresses'
// domain, blobs keeps the flows' pictures.
func New(s *store.Store, conv *conversation.Service, ids *Identities, mailDomain string, blobs Blobs) *Service {
	return &Service{store: s, conv: conv, ids: ids, mailDomain: mailDomain, blobs: blobs}
}

// Channel returns the chat channel a site names by its public key, on or
// off, or ENOTFOUND.
func (s *Service) Channel(ctx context.Context, key string) (*parley.Channel, error) {
	if key == "" || len(key) > 64 {
		return nil, parley.NotFound("chat")
	}
	ch, err := s.store.ChannelByKey(ctx, key)
	if err != nil || ch.Kind != parley.ChannelChat {
		return nil, parley.NotFound("chat")
	}
	return ch, nil
}

// Visitor is one visitor of one chat, their identity verified.
type Visitor struct {
	s     *Service
	ch    *parley.Channel
	UID   string
	Token string // the signed identity the browser keeps
	// User is the site's signed-in user the visitor is, as the site's
	// server vouched; nil for an anonymous visitor.
	User *SignedUser
	// UserError says why an identity the site passed was refused (the
	// visitor goes on anonymous): for the site's developers.
	UserError string
	// Locale is the language the widget speaks (en, fr), which their
	// transcript is written in.
	Locale string
}

// Visitor returns the visitor a token names on ch, or, when the site
// passed its signed-in user's identity (SPEC CHT-11), that user — the
// same visitor on every device. An empty or invalid token (a new browser,
// or a forged one) is a new visitor with a new identity.
func (s *Service) Visitor(ch *parley.Channel, token, identity string, now time.Time) *Visitor {
	v := &Visitor{s: s, ch: ch}
	if identity != "" {
		u, err := VerifyUser(ch.ChatSettings().Identity.Secret, identity, now)
		if err == nil {
			v.User, v.UID = u, userUID(ch.ID, u.ID)
			return v
		}
		v.UserError = parley.ErrorReason(err)
	}
	uid, err := s.ids.Verify(ch.ID, token)
	if err != nil {
		uid, token = s.ids.Mint(ch.ID)
	}
	v.UID, v.Token = uid, token
	return v
}

// Conversation returns the visitor's current conversation, 0 before they
// first write.
func (v *Visitor) Conversation(ctx context.Context) (parley.ID, error) {
	stored, err := v.s.store.VisitorByUID(ctx, v.UID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return 0, nil
	}
	if err != nil || stored.ChannelID != v.ch.ID || stored.ConversationID == nil {
		return 0, err
	}
	return *stored.ConversationID, nil
}

// HereFor is how long after its last sign of life a visitor's widget
// counts as open; the widget's stream says so every half of it.
const HereFor = conversation.VisitorHereFor

// Here records that the visitor's widget is open (here) or closed.
func (v *Visitor) Here(ctx context.Context, here bool) error {
	at := parley.Now()
	if !here {
		at = at.Add(-HereFor)
	}
	return v.s.store.InTx(ctx, func(tx *store.Tx) error { return tx.SeeVisitor(ctx, v.UID, at, v.Locale) })
}

// Contact returns the contact the visitor's messages are from, 0 before
// they first write or give their email.
func (v *Visitor) Contact(ctx context.Context) (parley.ID, error) {
	stored, err := v.s.store.VisitorByUID(ctx, v.UID)
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && stored.ChannelID != v.ch.ID {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return stored.ContactID, nil
}

// Message is a message as the widget shows it.
type Message struct {
	ID             parley.ID `json:"id"`
	ConversationID parley.ID `json:"conversation_id"`
	From           string    `json:"from" enum:"visitor,agent,bot"`
	Author         string    `json:"author,omitempty"`        // the agent's name
	AuthorAvatar   string    `json:"author_avatar,omitempty"` // the agent's picture, if they have one
	Text           string    `json:"text"`
	Files          []File    `json:"files,omitempty"`
	// Bot is what a bot's message offers: buttons, or articles with
	// "this answered my question" and "talk to someone".
	Bot *parley.BotSaid `json:"bot,omitempty"`
	At  time.Time       `json:"at"`
}

// File is a message's file as the widget shows it: its address is signed,
// so it can be an image's src, and names that one file only.
type File struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// Agreed is what a visitor agreed to before writing: to the processing
// of their data (the flow's text), and to be contacted about a
// subscription.
type Agreed struct {
	Processing   string `json:"processing,omitempty"`   // the text agreed to
	Subscription string `json:"subscription,omitempty"` // the subscription agreed to
	Text         string `json:"subscription_text,omitempty"`
}

// Send takes the visitor's message in and returns it as stored, and
// whether it was a repeat of one already taken (the same client id). What
// they agreed to goes on their contact with it; a conversation it opens is
// routed by the rule of the flow the page shows them, if it has one. A
// flow asking explicit consent is refused a first message without it.
func (v *Visitor) Send(ctx context.Context, clientID, text, pageURL string, consent *Agreed, files ...conversation.ChatFile) (*Message, bool, error) {
	return v.send(ctx, clientID, text, pageURL, consent, Input{Kind: "text", Text: text}, files...)
}

// send takes a message in, and in moves the chat's bot, if it has one,
// in the same transaction.
func (v *Visitor) send(ctx context.Context, clientID, text, pageURL string, consent *Agreed, move Input, files ...conversation.ChatFile) (*Message, bool, error) {
	// Whether the chat is on now (it may have been turned off since the
	// widget opened), and the flow the page shows the visitor, worked out
	// here.
	on, err := v.s.store.ChannelEnabled(ctx, v.ch.ID)
	if err != nil {
		return nil, false, err
	}
	ch := *v.ch
	ch.Enabled = on
	v.ch = &ch
	f, _, err := v.flow(ctx, pageURL)
	if err != nil {
		return nil, false, err
	}
	var rule *routing.Rule
	if f != nil {
		rule = f.Routing
		if f.Consent.Processing == "explicit" && (consent == nil || consent.Processing == "") {
			current, err := v.Conversation(ctx)
			if err != nil {
				return nil, false, err
			}
			if current == 0 {
				return nil, false, (&parley.Error{Code: parley.ECONFLICT, Message: "agree to the chat's terms before writing"}).Because("consent_required")
			}
		}
	}
	var found *suggested
	if f != nil && f.Bot != nil && move.Kind == "text" {
		found = v.rankAhead(ctx, text)
	}
	in := conversation.ChatInbound{Channel: v.ch, Visitor: v.UID, ClientID: clientID, Text: text, PageURL: pageURL, Rule: rule, Files: files,
		Bot: &conversation.ChatBot{Opens: f != nil && f.Bot != nil, Answer: func(ctx context.Context, tx *store.Tx, c *parley.Conversation, m *parley.Message) error {
			return answer(ctx, tx, c, f, move, v.Locale, m.CreatedAt, found)
		}}}
	if v.User != nil {
		in.Email, in.Name = v.User.Email, v.User.Name
	}
	if consent != nil && consent.Processing != "" {
		in.Consents = append(in.Consents, conversation.ChatConsent{Kind: "processing", Text: consent.Processing})
	}
	if consent != nil && consent.Subscription != "" {
		in.Consents = append(in.Consents, conversation.ChatConsent{Kind: "subscription", Subscription: consent.Subscription, Text: or(consent.Text, consent.Subscription)})
	}
	r, err := v.s.conv.ReceiveChat(ctx, in)
	if err != nil {
		return nil, false, err
	}
	if r.Duplicate || len(files) > 0 {
		m, err := v.Message(ctx, r.ConversationID, r.MessageID)
		return m, r.Duplicate, err
	}
	// The visitor's own new message, without files: theirs and visible by
	// how it was made; read once for what was stored.
	m, err := v.s.store.Message(ctx, r.MessageID)
	if err != nil {
		return nil, false, err
	}
	out := plain(m)
	return &out, false, nil
}

// SetEmail records the email the visitor gave (SPEC CHT-6).
func (v *Visitor) SetEmail(ctx context.Context, email string) error {
	return v.s.conv.ChatEmail(ctx, v.ch, v.UID, email)
}

// MaxHistory bounds the messages one History call returns.
const MaxHistory = 200

// History returns the visitor's current conversation (0 before they
// first write) and its messages after after, oldest first, up to
// MaxHistory.
func (v *Visitor) History(ctx context.Context, after parley.ID) (parley.ID, []Message, error) {
	current, err := v.Conversation(ctx)
	if err != nil || current == 0 {
		return 0, nil, err
	}
	c, err := v.s.store.Conversation(ctx, current)
	if err != nil {
		return 0, nil, err
	}
	ms, err := v.s.store.CustomerMessages(ctx, current, after, MaxHistory)
	if err != nil {
		return 0, nil, err
	}
	ms = slices.DeleteFunc(ms, func(m parley.Message) bool { return !visible(&m, c) })
	out, err := v.s.render(ctx, ms)
	return current, out, err
}

// Message returns one message of the visitor's conversation as the
// widget shows it, or ENOTFOUND for anything else: another conversation's,
// or one not between the visitor and the team (visible).
func (v *Visitor) Message(ctx context.Context, conversationID, id parley.ID) (*Message, error) {
	m, err := v.s.store.Message(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.ConversationID != conversationID {
		return nil, parley.NotFound("message")
	}
	c, err := v.s.store.Conversation(ctx, conversationID)
	if err != nil {
		return nil, err
	}
	if !visible(m, c) {
		return nil, parley.NotFound("message")
	}
	out, err := v.s.render(ctx, []parley.Message{*m})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// visible says whether a visitor sees a message of their conversation:
// what they and the team said to each other — never an internal comment,
// a forward to someone outside, a logged phone call (its notes are the
// team's), or what someone else wrote into it.
func visible(m *parley.Message, c *parley.Conversation) bool {
	switch {
	case m.Kind != parley.KindMessage, m.Call != nil:
		return false
	case m.Email != nil && m.Email.Forward:
		return false
	case m.Direction == parley.Inbound:
		return m.ContactID != nil && c.ContactID != nil && *m.ContactID == *c.ContactID
	}
	return true
}

// plain is a message as the widget shows it, before its files and author.
func plain(m *parley.Message) Message {
	return Message{ID: m.ID, ConversationID: m.ConversationID, From: "visitor", Text: m.Text, At: m.CreatedAt}
}

func (s *Service) render(ctx context.Context, ms []parley.Message) ([]Message, error) {
	var authors []parley.ID
	for _, m := range ms {
		if m.AuthorID != nil {
			authors = append(authors, *m.AuthorID)
		}
	}
	people, err := s.people(ctx, authors)
	if err != nil {
		return nil, err
	}
	ids := make([]parley.ID, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	files, err := s.store.MessageAttachments(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Message, len(ms))
	for i, m := range ms {
		out[i] = plain(&m)
		for _, f := range files[m.ID] {
			if f.Inline {
				continue
			}
			out[i].Files = append(out[i].Files, File{Name: f.Name, ContentType: f.ContentType, Size: f.Size,
				URL: fmt.Sprintf("/widget/v1/files/%d/%s", f.ID, s.ids.signFile(f.ID))})
		}
		if m.Bot != nil {
			out[i].From, out[i].Bot = "bot", m.Bot
			continue
		}
		if m.Direction == parley.Outbound {
			out[i].From = "agent"
			if m.AuthorID != nil {
				p := people[*m.AuthorID]
				out[i].Author, out[i].AuthorAvatar = p.Name, p.Avatar
			}
		}
	}
	return out, nil
}

// File returns the file a signed address names, or ENOTFOUND.
func (s *Service) File(ctx context.Context, id parley.ID, sig string) (*parley.Attachment, error) {
	if !hmac.Equal([]byte(sig), []byte(s.ids.signFile(id))) {
		return nil, parley.NotFound("file")
	}
	return s.store.Attachment(ctx, id)
}

// Person is a teammate as the widget shows them: a name and a picture.
type Person struct {
	Name   string `json:"name"`
	Avatar string `json:"avatar,omitempty" doc:"The picture's signed address; none: their initials."`
}

// people returns teammates as the widget shows them, by id.
func (s *Service) people(ctx context.Context, ids []parley.ID) (map[parley.ID]Person, error) {
	out := map[parley.ID]Person{}
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		u, err := s.store.User(ctx, id)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		p := Person{Name: u.Name}
		if u.AvatarBlob != "" {
			p.Avatar = fmt.Sprintf("/widget/v1/avatars/%d/%s", id, s.ids.signAvatar(id))
		}
		out[id] = p
	}
	return out, nil
}

// Avatar returns the teammate whose picture a signed address names, or
// ENOTFOUND.
func (s *Service) Avatar(ctx context.Context, id parley.ID, sig string) (*parley.User, error) {
	if !hmac.Equal([]byte(sig), []byte(s.ids.signAvatar(id))) {
		return nil, parley.NotFound("picture")
	}
	u, err := s.store.User(ctx, id)
	if err != nil || u.AvatarBlob == "" {
		return nil, parley.NotFound("picture")
	}
	return u, nil
}
