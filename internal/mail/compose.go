package mail

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/jhillyerd/enmime/v2"
)

// Outgoing is an email Parley sends: a reply, a forward or a new message.
type Outgoing struct {
	MessageID string // without angle brackets; see NewMessageID
	From      Address
	ReplyTo   *Address
	To, Cc    []Address // Bcc recipients are envelope-only: never in a header
	Subject   string
	Text      string // generated from HTML when empty
	HTML      string
	// The thread: In-Reply-To is the message answered, References the whole
	// chain ending with it; Thread-Index is carried for Outlook.
	InReplyTo   string
	References  []string
	ThreadIndex string
	Date        time.Time
	Attachments []Attachment
	// Headers are extra headers, such as Auto-Submitted on automatic mail.
	Headers map[string]string
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewMessageID returns a Message-ID on domain that no one can guess: a reply
// quoting it proves the sender received our message.
func NewMessageID(domain string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return strings.ToLower(idEncoding.EncodeToString(b)) + "@" + domain
}

// NewToken returns a conversation's plus-address token.
func NewToken() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	return strings.ToLower(idEncoding.EncodeToString(b))
}

// Compose builds the MIME message: multipart/alternative with a plain part
// (derived from the HTML when not given), inline images and attachments.
// Names and the subject are made one line (see SingleLine); In-Reply-To and
// References keep only the ids that can be written as they are (see
// writableID), as no id may be encoded.
func Compose(o Outgoing) ([]byte, error) {
	if o.MessageID == "" || !writableID(o.MessageID) {
		return nil, fmt.Errorf("mail: compose: bad Message-ID %q", o.MessageID)
	}
	text := o.Text
	if strings.TrimSpace(text) == "" && o.HTML != "" {
		text = PlainText(o.HTML)
	}
	b := enmime.Builder().From(SingleLine(o.From.Name), o.From.Email).Subject(SingleLine(o.Subject)).Date(o.Date).
		ToAddrs(netAddrs(o.To)).CCAddrs(netAddrs(o.Cc)).Text([]byte(text)).
		Header("Message-ID", "<"+o.MessageID+">")
	if o.HTML != "" {
		b = b.HTML([]byte(o.HTML))
	}
	if o.ReplyTo != nil {
		b = b.ReplyTo(SingleLine(o.ReplyTo.Name), o.ReplyTo.Email)
	}
	if writableID(o.InReplyTo) {
		b = b.Header("In-Reply-To", "<"+o.InReplyTo+">")
	}
	var refs []string
	for _, r := range o.References {
		if writableID(r) {
			refs = append(refs, "<"+r+">")
		}
	}
	if len(refs) > 0 {
		b = b.Header("References", strings.Join(refs, " "))
	}
	if o.ThreadIndex != "" {
		b = b.Header("Thread-Index", o.ThreadIndex)
	}
	for k, v := range o.Headers {
		b = b.Header(k, v)
	}
	for _, a := range o.Attachments {
		if a.Inline && a.ContentID != "" {
			b = b.AddInline(a.Data, a.ContentType, a.Name, a.ContentID)
		} else {
			b = b.AddAttachment(a.Data, a.ContentType, a.Name)
		}
	}
	root, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("mail: compose: %w", err)
	}
	var out bytes.Buffer
	if err := root.Encode(&out); err != nil {
		return nil, fmt.Errorf("mail: compose: %w", err)
	}
	return out.Bytes(), nil
}

func netAddrs(as []Address) []netmail.Address {
	out := make([]netmail.Address, len(as))
	for i, a := range as {
		out[i] = netmail.Address{Name: SingleLine(a.Name), Address: a.Email}
	}
	return out
}

// SingleLine makes s, a name or a subject, one line for a header or a line
// of text: each run of line breaks (CR, LF, and the other vertical
// separators) becomes one space. A stored name may hold line breaks (an
// encoded word in a sender's header can carry them); in text they would
// split the line, and in a header be encoded and come back as several.
func SingleLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\v\f\u0085\u2028\u2029") {
		return s
	}
	var b strings.Builder
	space := true // at the start, or after a space
	for _, r := range s {
		switch r {
		case '\r', '\n', '\v', '\f', '\u0085', '\u2028', '\u2029':
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(r)
		space = r == ' ' || r == '\t'
	}
	return strings.TrimSpace(b.String())
}

// writableID reports whether a Message-ID can go into a header as it is.
// A msg-id is ASCII (RFC 5322 §3.6.4): printable, without spaces, one token
// between angle brackets, and it cannot be folded, so it must fit a header
// line (998 characters). enmime would encode anything else, which no reader
// matches against the id it sent; such an id is left out instead.
func writableID(id string) bool {
	if id == "" || len(id) > 900 || !strings.Contains(id, "@") {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > '~' || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// DKIM signs outgoing mail for a domain.
type DKIM struct {
	Domain   string
	Selector string
	Key      crypto.Signer // RSA or Ed25519
}

// Sign returns raw with a DKIM-Signature header over the headers a receiver
// checks (relaxed/relaxed, SHA-256).
func (k DKIM) Sign(raw []byte) ([]byte, error) {
	var out bytes.Buffer
	err := dkim.Sign(&out, bytes.NewReader(raw), &dkim.SignOptions{
		Domain: k.Domain, Selector: k.Selector, Signer: k.Key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Reply-To", "MIME-Version", "Content-Type"},
	})
	if err != nil {
		return nil, fmt.Errorf("mail: dkim: %w", err)
	}
	return out.Bytes(), nil
}
