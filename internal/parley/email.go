package parley

import (
	"encoding/json"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// Mailbox is an email address with its display name.
type Mailbox struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// String formats m as a header value: "Ana Lima <ana@example.com>".
func (m Mailbox) String() string {
	return (&mail.Address{Name: m.Name, Address: m.Email}).String()
}

// Email is what an email message carries besides its text: its headers,
// how it was threaded, the quoted history folded under it, and where its
// raw form is kept.
type Email struct {
	MessageID string    `json:"message_id"`
	Subject   string    `json:"subject"`
	From      Mailbox   `json:"from"`
	To        []Mailbox `json:"to,omitempty"`
	Cc        []Mailbox `json:"cc,omitempty"`
	// Bcc are copies of an outbound email that appear in no header.
	Bcc     []Mailbox `json:"bcc,omitempty"`
	ReplyTo []Mailbox `json:"reply_to,omitempty"`
	Date    time.Time `json:"date"`
	// References is the thread chain the message carried; ThreadIndex
	// Outlook's thread root. Replies continue both.
	References  []string `json:"references,omitempty"`
	ThreadIndex string   `json:"thread_index,omitempty"`
	// Uncopied counts the people on the customer's last email that a reply
	// did not copy: they were more than a reply copies.
	Uncopied int `json:"uncopied,omitempty"`
	// Delivery is where an outbound email is: queued, sent or failed.
	Delivery string `json:"delivery,omitempty"`
	// Forward marks the conversation sent on to someone outside (SPEC
	// CNV-11), not a message to the customer.
	Forward bool `json:"forward,omitempty"`
	// ChannelID is the channel an outbound email is sent through.
	ChannelID ID `json:"channel_id,omitempty"`
	// ThreadRule names the rule that put the message in its conversation
	// (mail.Rule*).
	ThreadRule string `json:"thread_rule,omitempty"`
	// Auto says why the message is auto-generated; such mail never
	// triggers routing or an automatic reply.
	Auto         string `json:"auto,omitempty"`
	QuotedText   string `json:"quoted_text,omitempty"`
	QuotedHTML   string `json:"quoted_html,omitempty"`
	RemoteImages bool   `json:"remote_images,omitempty"`
	// ForwardedBy is the teammate who forwarded the message into the
	// inbox, when it is logged against the original sender (SPEC CHN-5).
	ForwardedBy *Mailbox `json:"forwarded_by,omitempty"`
	// Failure is set on a delivery failure report threaded to the
	// message that failed.
	Failure *DeliveryFailure `json:"failure,omitempty"`
	// Raw is the blob key of the message as received.
	Raw      string   `json:"raw,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// DeliveryFailure is a bounce: who could not be reached, and why.
type DeliveryFailure struct {
	MessageID  string   `json:"message_id,omitempty"`
	Recipients []string `json:"recipients,omitempty"`
	// Code names why, for people (no_relay, refused, unreachable, bounced);
	// Reason is the technical detail.
	Code   string `json:"code,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Attachment is a file carried by a message; its content is a blob.
type Attachment struct {
	ID          ID
	MessageID   ID
	Name        string
	ContentType string
	Size        int64
	Blob        string
	ContentID   string // for inline images, referred to as cid: in the HTML
	Inline      bool
	CreatedAt   time.Time
}

// Quarantined is an inbound message that could not be read, kept raw with
// the reason so nothing is lost and the messages behind it flow on.
type Quarantined struct {
	ID        ID
	ChannelID *ID
	Source    string // smtp, imap, api, import
	Reason    string
	Size      int64
	Blob      string
	CreatedAt time.Time
}

// EmailSettings are an email channel's options, kept in its config.
type EmailSettings struct {
	// Address is the connected mailbox's own address; mail to it is not
	// from a participant.
	Address string `json:"address,omitempty"`
	// ForwardsAs says whom a teammate's forward is logged against:
	// "original" (the default: the sender inside the forward) or
	// "forwarder" (SPEC CHN-5).
	ForwardsAs string `json:"forwards_as,omitempty"`
	// FromAddress is a custom address mail from the inbox is sent from,
	// set only by following the confirmation link sent to it (SPEC CHN-3).
	FromAddress string `json:"from_address,omitempty"`
	// FromName is how replies are signed in the From header: "agent" (the
	// default: "Ana at Acme") or "company" ("Acme") (SPEC CHN-4).
	FromName string `json:"from_name,omitempty"`
	// Signature and SignatureHTML end every reply and new email sent from
	// the channel; {{agent.full_name}}, {{agent.first_name}} and
	// {{agent.last_name}} become the sender's name.
	Signature     string `json:"signature,omitempty"`
	SignatureHTML string `json:"signature_html,omitempty"`
	// IMAP connects a shared mailbox to read (SPEC CHN-2).
	IMAP *IMAPSettings `json:"imap,omitempty"`
	// SMTP is the mailbox's own server for sending: replies then go out
	// from Address through it, instead of from the inbox's address
	// through the relay.
	SMTP *SMTPSettings `json:"smtp,omitempty"`
}

// SMTPSettings say how to send through a mailbox's own server.
type SMTPSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port,omitempty"`     // default 465 (tls) or 587
	Security string `json:"security,omitempty"` // tls (default), starttls, or none (loopback only)
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
}

func (s SMTPSettings) validate() error {
	ip := net.ParseIP(strings.TrimSpace(s.Host))
	switch {
	case strings.TrimSpace(s.Host) == "":
		return Invalid("config.smtp.host", "is required")
	case s.Port < 0 || s.Port > 65535:
		return Invalid("config.smtp.port", "must be 1 to 65535")
	case s.Security != "" && s.Security != "tls" && s.Security != "starttls" && s.Security != "none":
		return Invalid("config.smtp.security", "must be tls, starttls or none")
	case s.Security == "none" && s.Host != "localhost" && (ip == nil || !ip.IsLoopback()):
		return Invalid("config.smtp.security", "none is only for a server on this machine")
	}
	return nil
}

// IMAPSettings say how to reach a connected mailbox.
type IMAPSettings struct {
	Host     string `json:"host"`
	Port     int    `json:"port,omitempty"`     // default 993 (tls) or 143
	Security string `json:"security,omitempty"` // tls (default), starttls, or none (loopback only)
	Username string `json:"username"`
	Password string `json:"password,omitempty"`
	Folder   string `json:"folder,omitempty"` // default INBOX
}

// Normalize fills the defaults.
func (s *IMAPSettings) Normalize() {
	s.Host = strings.ToLower(strings.TrimSpace(s.Host))
	if s.Security == "" {
		s.Security = "tls"
	}
	if s.Port == 0 {
		s.Port = 143
		if s.Security == "tls" {
			s.Port = 993
		}
	}
	if s.Folder == "" {
		s.Folder = "INBOX"
	}
}

// Mailbox names the mailbox: connecting one twice is refused.
func (s IMAPSettings) Mailbox() string {
	s.Normalize()
	return fmt.Sprintf("imap://%s@%s:%d/%s", strings.ToLower(s.Username), s.Host, s.Port, s.Folder)
}

// Addr is the server's host:port.
func (s IMAPSettings) Addr() string {
	s.Normalize()
	return net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

func (s IMAPSettings) validate() error {
	s.Normalize()
	ip := net.ParseIP(s.Host)
	switch {
	case s.Host == "":
		return Invalid("config.imap.host", "is required")
	case s.Port < 1 || s.Port > 65535:
		return Invalid("config.imap.port", "must be 1 to 65535")
	case s.Security != "tls" && s.Security != "starttls" && s.Security != "none":
		return Invalid("config.imap.security", "must be tls, starttls or none")
	case s.Security == "none" && s.Host != "localhost" && (ip == nil || !ip.IsLoopback()):
		return Invalid("config.imap.security", "none is only for a server on this machine: the password would cross the network in the clear")
	case s.Username == "":
		return Invalid("config.imap.username", "is required")
	}
	return nil
}

// MaxSignature caps a signature, in bytes.
const MaxSignature = 10 << 10

// Validate reports the first setting that cannot work, naming it.
func (s EmailSettings) Validate() error {
	switch {
	case s.ForwardsAs != "" && s.ForwardsAs != "original" && s.ForwardsAs != "forwarder":
		return Invalid("config.forwards_as", "must be original or forwarder")
	case s.FromName != "" && s.FromName != "agent" && s.FromName != "company":
		return Invalid("config.from_name", "must be agent or company")
	case len(s.Signature) > MaxSignature:
		return Invalid("config.signature", "is longer than %d bytes", MaxSignature)
	case len(s.SignatureHTML) > MaxSignature:
		return Invalid("config.signature_html", "is longer than %d bytes", MaxSignature)
	case s.Address != "" && !IsEmailAddress(s.Address):
		return Invalid("config.address", "is not an email address").Because("email_invalid")
	case s.SMTP != nil && s.Address == "":
		return Invalid("config.address", "is required to send through the mailbox's own server: it is the From address")
	case s.SMTP != nil:
		if err := s.SMTP.validate(); err != nil {
			return err
		}
	}
	if s.IMAP != nil {
		return s.IMAP.validate()
	}
	return nil
}

// EmailSettings reads the channel's email options; a config that does not
// hold them reads as the defaults.
func (c *Channel) EmailSettings() EmailSettings {
	var s EmailSettings
	if len(c.Config) > 0 {
		_ = json.Unmarshal(c.Config, &s)
	}
	s.Address = strings.ToLower(strings.TrimSpace(s.Address))
	return s
}

// PhoneNumber returns a phone number as kept (trimmed), or EINVALID naming
// field: digits, spaces and + ( ) - . only, at most 50 characters.
func PhoneNumber(field, phone string) (string, error) {
	phone = strings.TrimSpace(phone)
	if phone == "" || len(phone) > 50 || strings.ContainsFunc(phone, func(r rune) bool { return !strings.ContainsRune("+0123456789 ()-.", r) }) {
		return "", Invalid(field, "is not a phone number: digits, spaces, + ( ) - . and at most 50 characters").Because("phone_invalid")
	}
	return phone, nil
}

// EmailAddress returns s as Parley keeps an email address (trimmed, lower
// case), or EINVALID naming field when s is not one bare address.
func EmailAddress(field, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if !IsEmailAddress(s) {
		return "", Invalid(field, "is not an email address").Because("email_invalid")
	}
	return s, nil
}

// IsEmailAddress reports whether s is one bare email address, as
// net/mail reads them ("ana@example.com", not "Ana <ana@example.com>").
func IsEmailAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}
