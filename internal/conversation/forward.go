package conversation

import (
	"context"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"

	pmail "github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Forward sends a conversation on to people outside (SPEC CNV-11).
type Forward struct {
	To   []parley.Mailbox
	Note Body // optional, above the forwarded thread
}

func (f *Forward) validate() error {
	if len(f.To) == 0 || len(f.To) > maxCopies {
		return parley.Invalid("to", "needs 1 to %d addresses", maxCopies)
	}
	for i := range f.To {
		if err := checkAddress(fmt.Sprintf("to[%d].email", i), &f.To[i]); err != nil {
			return err
		}
	}
	if strings.TrimSpace(f.Note.Text) != "" || strings.TrimSpace(f.Note.HTML) != "" {
		f.Note = f.Note.normalized()
		return f.Note.validate()
	}
	return nil
}

// Forward emails the conversation — its customer messages and replies,
// never internal comments — to outside addresses, with an optional note on
// top, and records it in the timeline. Their answers come back into the
// conversation.
func (s *Service) Forward(ctx context.Context, a parley.Actor, id parley.ID, f Forward) (*parley.Message, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	note := f.Note
	var m *parley.Message
	_, err := s.mutate(ctx, a, id, func(tx *store.Tx, c *parley.Conversation, now time.Time) ([]parley.Event, error) {
		ch, err := tx.BuiltinChannelOf(ctx, c.InboxID)
		if err != nil {
			return nil, err
		}
		if !ch.Enabled {
			return nil, parley.Errorf(parley.ECONFLICT, "channel %q is turned off: nothing can be sent from it", ch.Name).Because("channel_off")
		}
		inbox, err := tx.Inbox(ctx, c.InboxID)
		if err != nil {
			return nil, err
		}
		text, htm, forwarded, err := s.forwardedThread(ctx, tx, c, note)
		if err != nil {
			return nil, err
		}
		m = &parley.Message{ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Outbound,
			AuthorID: &a.UserID, Text: truncate(text, MaxBodyLength), HTML: truncate(htm, MaxBodyLength), CreatedAt: now,
			Email: &parley.Email{MessageID: pmail.NewMessageID(s.mailDomain), Subject: "Fwd: " + pmail.BaseSubject(c.Subject),
				To: f.To, Date: now, Delivery: "queued", Forward: true}}
		if err := s.addressEmail(ctx, tx, c, ch, a, inbox, m); err != nil {
			return nil, err
		}
		if err := tx.CreateMessage(ctx, m); err != nil {
			return nil, err
		}
		if err := forwardAttachments(ctx, tx, m, forwarded); err != nil {
			return nil, err
		}
		if err := enqueueSend(ctx, tx, m, now); err != nil {
			return nil, err
		}
		to := make([]string, len(f.To))
		for i, r := range f.To {
			to[i] = r.Email
		}
		e := parley.NewEvent(parley.EventForwarded, a, now, map[string]any{"to": to})
		e.MessageID = &m.ID
		c.LastActivityAt = now
		return []parley.Event{e}, nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// forwardedThread renders the note and the thread under it, oldest first,
// as text and HTML.
func (s *Service) forwardedThread(ctx context.Context, tx *store.Tx, c *parley.Conversation, note Body) (string, string, []parley.ID, error) {
	msgs, err := tx.ConversationMessages(ctx, c.ID, 0, 1<<62)
	if err != nil {
		return "", "", nil, err
	}
	ids := make([]parley.ID, 0, len(msgs))
	for id, m := range msgs {
		if m.Kind == parley.KindMessage && (m.Email == nil || !m.Email.Forward) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var t, h strings.Builder
	t.WriteString(note.Text)
	if note.HTML != "" {
		h.WriteString(note.HTML)
	} else if note.Text != "" {
		fmt.Fprintf(&h, `<div style="white-space: pre-wrap">%s</div>`, html.EscapeString(note.Text))
	}
	subject := pmail.SingleLine(c.Subject)
	fmt.Fprintf(&t, "\n\n---------- Forwarded conversation ----------\nSubject: %s\n", subject)
	fmt.Fprintf(&h, "<hr><p><b>Forwarded conversation</b><br>Subject: %s</p>", html.EscapeString(subject))
	for _, id := range ids {
		m := msgs[id]
		who, err := s.author(ctx, tx, m, c.InboxID)
		if err != nil {
			return "", "", nil, err
		}
		when := m.CreatedAt.Format("Mon, 2 Jan 2006 15:04 MST")
		fmt.Fprintf(&t, "\nFrom: %s\nDate: %s\n\n%s\n", who, when, m.Text)
		fmt.Fprintf(&h, "<p><b>From:</b> %s<br><b>Date:</b> %s</p>", html.EscapeString(who), when)
		if m.HTML != "" {
			fmt.Fprintf(&h, "<blockquote>%s</blockquote>", m.HTML) // sanitised when received or written
		} else {
			fmt.Fprintf(&h, `<blockquote style="white-space: pre-wrap">%s</blockquote>`, html.EscapeString(m.Text))
		}
	}
	return t.String(), h.String(), ids, nil
}

// forwardAttachments gives a forward the files of the messages it quotes
// (not their inline images, which only made sense in their HTML).
func forwardAttachments(ctx context.Context, tx *store.Tx, m *parley.Message, from []parley.ID) error {
	atts, err := tx.MessageAttachments(ctx, from)
	if err != nil {
		return err
	}
	for _, id := range from {
		for _, a := range atts[id] {
			if a.Inline {
				continue
			}
			c := &parley.Attachment{MessageID: m.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, Blob: a.Blob, CreatedAt: m.CreatedAt}
			if err := tx.CreateAttachment(ctx, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// author names who wrote a message of a conversation in inbox, for a From
// line of text: one line whatever the stored name holds, and not encoded as
// in a header.
func (s *Service) author(ctx context.Context, tx *store.Tx, m *parley.Message, inbox parley.ID) (string, error) {
	if m.Email != nil && m.Direction == parley.Inbound {
		return textMailbox(m.Email.From), nil
	}
	if m.ContactID != nil {
		c, err := tx.Contact(ctx, *m.ContactID)
		if err != nil {
			return "", err
		}
		c = c.Seen(func(id parley.ID) bool { return id == inbox })
		return textMailbox(parley.Mailbox{Name: c.Name, Email: c.Email}), nil
	}
	if m.AuthorID != nil {
		u, err := tx.User(ctx, *m.AuthorID)
		if err != nil {
			return "", err
		}
		return pmail.SingleLine(u.Name), nil
	}
	return "Parley", nil
}

// textMailbox writes a mailbox as a reader expects it in text: "Jo Durand
// <jo@example.com>".
func textMailbox(m parley.Mailbox) string {
	name := pmail.SingleLine(m.Name)
	switch {
	case name == "":
		return m.Email
	case m.Email == "":
		return name
	}
	return name + " <" + m.Email + ">"
}
