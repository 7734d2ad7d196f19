// Package conversation holds the use-cases on conversations: receive a message
// from any channel, reply, comment, assign, close, reopen, move, delete, block
// a sender, bulk actions and the trash purge. Each is one transaction that
// checks access through auth and appends its events to the log.
package conversation

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/store"
)

// Service runs the use-cases against a store.
type Service struct {
	store      *store.Store
	now        func() time.Time
	mailDomain string
	blobs      Blobs
	mailer     Mailer
	mailerFor  func(parley.SMTPSettings) Mailer
	dkim       *mail.DKIM
	wake       func()
	batch      batcher // group commit of received email
}

// Blobs keeps attachment and raw-message content; Put returns once it is on
// disk.
type Blobs interface {
	Put(data []byte) (key string, err error)
	Read(key string) ([]byte, error)
}

// Options are a service's collaborators; every field has a working zero.
type Options struct {
	Now        func() time.Time // the clock; nil means the real one
	MailDomain string           // the domain of inbox addresses (SPEC CHN-3)
	Blobs      Blobs            // required to receive email
	Mailer     Mailer           // sends outbound email; nil: sending fails visibly
	// MailerFor sends through a connected mailbox's own SMTP server.
	MailerFor func(parley.SMTPSettings) Mailer
	DKIM      *mail.DKIM // signs outbound email when set
	Wake      func()     // tells the job queue that work was enqueued
}

// New returns a service on s.
func New(s *store.Store, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Wake == nil {
		o.Wake = func() {}
	}
	return &Service{store: s, now: o.Now, mailDomain: strings.ToLower(o.MailDomain), blobs: o.Blobs,
		mailer: o.Mailer, mailerFor: o.MailerFor, dkim: o.DKIM, wake: o.Wake}
}

func (s *Service) clock() time.Time { return parley.Normalize(s.now()) }

// Get returns a conversation the actor may read, or ENOTFOUND.
func (s *Service) Get(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Conversation, error) {
	return auth.Conversation(ctx, s.store, a, id, auth.Read)
}

// Item is one entry of a timeline: an event, with its message and the
// message's attachments when it has one.
type Item struct {
	parley.Event
	Message     *parley.Message
	Attachments []parley.Attachment
}

// Timeline returns up to limit timeline items of a conversation after seq.
func (s *Service) Timeline(ctx context.Context, a parley.Actor, id parley.ID, after int64, limit int) ([]Item, error) {
	if _, err := auth.Conversation(ctx, s.store, a, id, auth.Read); err != nil {
		return nil, err
	}
	evs, err := s.store.ConversationEvents(ctx, id, after, limit)
	if err != nil {
		return nil, err
	}
	items := make([]Item, len(evs))
	var lo, hi parley.ID
	for i, e := range evs {
		items[i].Event = e
		if m := e.MessageID; m != nil {
			if lo == 0 || *m < lo {
				lo = *m
			}
			hi = max(hi, *m)
		}
	}
	if hi == 0 {
		return items, nil
	}
	msgs, err := s.store.ConversationMessages(ctx, id, lo, hi)
	if err != nil {
		return nil, err
	}
	ids := make([]parley.ID, 0, len(msgs))
	for id := range msgs {
		ids = append(ids, id)
	}
	atts, err := s.store.MessageAttachments(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if m := items[i].MessageID; m != nil {
			items[i].Message, items[i].Attachments = msgs[*m], atts[*m]
		}
	}
	return items, nil
}

// Attachment returns an attachment of a message the actor may read, or
// ENOTFOUND — the same for one that does not exist.
func (s *Service) Attachment(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Attachment, error) {
	att, err := s.store.Attachment(ctx, id)
	if err != nil {
		return nil, err
	}
	m, err := s.store.Message(ctx, att.MessageID)
	if err != nil {
		return nil, err
	}
	if _, err := auth.Conversation(ctx, s.store, a, m.ConversationID, auth.Read); err != nil {
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil, parley.NotFound("attachment")
		}
		return nil, err
	}
	return att, nil
}

// Quarantine lists quarantined mail for admins, newest first, with ids
// below before (0: from the newest).
func (s *Service) Quarantine(ctx context.Context, a parley.Actor, before parley.ID, limit int) ([]parley.Quarantined, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	return s.store.QuarantineList(ctx, before, limit)
}

// Quarantined returns one quarantined message for an admin, or ENOTFOUND.
func (s *Service) Quarantined(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Quarantined, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	return s.store.Quarantined(ctx, id)
}

// Body is the content of a reply or comment.
type Body struct {
	Text string
	HTML string
	// Via sends a reply through another channel than the conversation's:
	// "email" answers a chat or API conversation by email (SPEC CNV-12).
	Via parley.ChannelKind
	// Attachments are the author's uploads (see Upload) to send with it.
	Attachments []parley.ID
	// To, when given, addresses an email reply exactly: To, Cc and Bcc,
	// and nobody copied from the last email (SPEC CMP-1: what the agent
	// saw). Without it, a reply goes to the contact and copies whoever was
	// on their last email.
	To []parley.Mailbox
	// Cc and Bcc are copies the agent adds to an email (SPEC CMP-1); Bcc
	// recipients get the mail but appear in no header.
	Cc, Bcc []parley.Mailbox
}

// maxCopies bounds the Cc and the Bcc of one email.
const maxCopies = 20

// MaxBodyLength caps a message's text and HTML, in bytes.
const MaxBodyLength = 512 << 10

// normalized makes a body ready to store: its HTML passed through the mail
// policy (no scripts, forms or handlers, whoever wrote it: an agent, an API
// client), and Text filled from HTML when only HTML was given, so every
// message has a text form for search, previews and plain-text channels.
func (b Body) normalized() Body {
	if b.HTML != "" {
		b.HTML = mail.Clean(b.HTML)
	}
	if strings.TrimSpace(b.Text) == "" && b.HTML != "" {
		// The text form reads as the HTML does: it is an email's text
		// part, and what plain-text channels show.
		b.Text = mail.PlainText(b.HTML)
	}
	return b
}

func (b Body) validate() error {
	for field, list := range map[string][]parley.Mailbox{"to": b.To, "cc": b.Cc, "bcc": b.Bcc} {
		if len(list) > maxCopies {
			return parley.Invalid(field, "has more than %d addresses", maxCopies)
		}
		for i := range list {
			if err := checkAddress(fmt.Sprintf("%s[%d].email", field, i), &list[i]); err != nil {
				return err
			}
		}
	}
	if strings.TrimSpace(b.Text) == "" && strings.TrimSpace(b.HTML) == "" {
		return parley.Invalid("text", "text or html is required")
	}
	if len(b.Text) > MaxBodyLength {
		return parley.Invalid("text", "is longer than %d bytes", MaxBodyLength)
	}
	if len(b.HTML) > MaxBodyLength {
		return parley.Invalid("html", "is longer than %d bytes", MaxBodyLength)
	}
	return nil
}

// openConversation is where every conversation begins, inbound or started
// by an agent: it stores c and returns its conversation.created event, with
// why an inbound one was placed where it is (reason), then routing's
// decision. Routing decides the owner of an inbound conversation in the
// inbox here, inside the transaction (SPEC RTE-1..6); one an agent starts
// is theirs, and one that is filtered or imported closed is nobody's.
func openConversation(ctx context.Context, tx *store.Tx, c *parley.Conversation, a parley.Actor, at time.Time, reason string, rule *routing.Rule) ([]parley.Event, error) {
	var decision *routing.Opening
	switch {
	case c.Bot:
		// A bot answers first: routed when it hands off (SPEC CHT-14).
		var err error
		if decision, err = routing.Hold(rule); err != nil {
			return nil, err
		}
	case c.Origin != parley.OriginAgent && c.Placement == parley.PlacementInbox && c.Status == parley.StatusOpen:
		var err error
		if decision, err = routing.OpenBy(ctx, tx, c, rule, at); err != nil {
			return nil, err
		}
	}
	if err := tx.CreateConversation(ctx, c); err != nil {
		return nil, err
	}
	if decision != nil {
		if err := decision.Opened(ctx, tx, c); err != nil {
			return nil, err
		}
	}
	data := map[string]any{"channel_id": c.ChannelID, "channel_kind": c.ChannelKind, "placement": c.Placement}
	if c.Origin == parley.OriginAgent {
		data["origin"] = c.Origin
	} else {
		data["reason"] = reason
	}
	evs := []parley.Event{parley.NewEvent(parley.EventConversationCreated, a, at, data)}
	if decision != nil && decision.Event != nil {
		evs = append(evs, *decision.Event)
	}
	return evs, nil
}

// checkAddress normalises an email address, or says which field is not one.
func checkAddress(field string, m *parley.Mailbox) error {
	email, err := parley.EmailAddress(field, m.Email)
	m.Email = email
	return err
}

// preview is the first line-folded characters of a message, for lists.
func preview(b Body) string {
	text := b.Text
	if strings.TrimSpace(text) == "" {
		text = stripTags(b.HTML)
	}
	text = strings.Join(strings.Fields(text), " ")
	const n = 200
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)
	return string(r[:n-1]) + "…"
}

// stripTags removes markup crudely; it serves previews only, never display.
func stripTags(html string) string {
	var b strings.Builder
	in := false
	for _, r := range html {
		switch {
		case r == '<':
			in = true
			b.WriteRune(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mutate loads a conversation the actor may act on inside a transaction,
// applies fn, saves it and appends fn's events. It is the shape of every
// state change.
func (s *Service) mutate(ctx context.Context, a parley.Actor, id parley.ID, fn mutation) (*parley.Conversation, error) {
	_, c, err := s.change(ctx, a, id, fn)
	return c, err
}

// mutation changes a conversation in a transaction and returns the events
// that say so; none means nothing changed.
type mutation func(tx *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error)

// change is mutate that also returns the conversation as it was before, so
// a bulk action can say how to undo it.
func (s *Service) change(ctx context.Context, a parley.Actor, id parley.ID, fn mutation) (before parley.Conversation, after *parley.Conversation, err error) {
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := auth.Conversation(ctx, tx, a, id, auth.Act)
		if err != nil {
			return err
		}
		before = *c
		now := s.clock()
		evs, err := fn(tx, c, now)
		if err != nil {
			return err
		}
		if len(evs) > 0 {
			if err := tx.UpdateConversation(ctx, c); err != nil {
				return err
			}
			for _, e := range evs {
				tx.Append(e.In(c))
			}
		}
		after = c
		return nil
	})
	return before, after, err
}
