package present

import (
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Email is what the API shows of a message's email: its headers, how it was
// threaded, its folded quote, where its delivery stands. It is not the
// stored parley.Email: what is kept for Parley alone (the raw message's
// blob key) has no field here, so it cannot reach a client.
type Email struct {
	MessageID    string           `json:"message_id"`
	Subject      string           `json:"subject"`
	From         Mailbox          `json:"from"`
	To           []Mailbox        `json:"to,omitempty"`
	Cc           []Mailbox        `json:"cc,omitempty"`
	Bcc          []Mailbox        `json:"bcc,omitempty"`
	ReplyTo      []Mailbox        `json:"reply_to,omitempty"`
	Date         time.Time        `json:"date"`
	References   []string         `json:"references,omitempty"`
	ThreadIndex  string           `json:"thread_index,omitempty"`
	Uncopied     int              `json:"uncopied,omitempty"`
	Delivery     string           `json:"delivery,omitempty"`
	Forward      bool             `json:"forward,omitempty"`
	ChannelID    parley.ID        `json:"channel_id,omitempty"`
	ThreadRule   string           `json:"thread_rule,omitempty"`
	Auto         string           `json:"auto,omitempty"`
	QuotedText   string           `json:"quoted_text,omitempty"`
	QuotedHTML   string           `json:"quoted_html,omitempty"`
	RemoteImages bool             `json:"remote_images,omitempty"`
	ForwardedBy  *Mailbox         `json:"forwarded_by,omitempty"`
	Failure      *DeliveryFailure `json:"failure,omitempty"`
	Warnings     []string         `json:"warnings,omitempty"`
}

// Mailbox is an address with its display name.
type Mailbox struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// DeliveryFailure is a bounce threaded to the message that failed: who
// could not be reached, a code the apps translate, and the technical detail.
type DeliveryFailure struct {
	MessageID  string   `json:"message_id,omitempty"`
	Recipients []string `json:"recipients,omitempty"`
	Code       string   `json:"code,omitempty"`
	Reason     string   `json:"reason,omitempty"`
}

// email renders a stored email; nil is nil.
func email(e *parley.Email) *Email {
	if e == nil {
		return nil
	}
	out := &Email{MessageID: e.MessageID, Subject: e.Subject, From: mailbox(e.From), To: mailboxes(e.To), Cc: mailboxes(e.Cc),
		Bcc: mailboxes(e.Bcc), ReplyTo: mailboxes(e.ReplyTo), Date: e.Date, References: e.References, ThreadIndex: e.ThreadIndex,
		Uncopied: e.Uncopied, Delivery: e.Delivery, Forward: e.Forward, ChannelID: e.ChannelID, ThreadRule: e.ThreadRule,
		Auto: e.Auto, QuotedText: e.QuotedText, QuotedHTML: e.QuotedHTML, RemoteImages: e.RemoteImages, Warnings: e.Warnings}
	if e.ForwardedBy != nil {
		m := mailbox(*e.ForwardedBy)
		out.ForwardedBy = &m
	}
	if f := e.Failure; f != nil {
		out.Failure = &DeliveryFailure{MessageID: f.MessageID, Recipients: f.Recipients, Code: f.Code, Reason: f.Reason}
	}
	return out
}

func mailbox(m parley.Mailbox) Mailbox { return Mailbox{Name: m.Name, Email: m.Email} }

func mailboxes(ms []parley.Mailbox) []Mailbox {
	if ms == nil {
		return nil
	}
	out := make([]Mailbox, len(ms))
	for i, m := range ms {
		out[i] = mailbox(m)
	}
	return out
}
