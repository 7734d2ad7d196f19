// Package mail turns raw email into what Parley stores and shows, and back:
// parsing (charsets, attachments, broken MIME), classification of
// auto-generated and role-based mail, the keys a message can be threaded by,
// sanitised HTML with remote images held back, quoted history folded away,
// and composing outbound MIME. It does no I/O.
package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
	"github.com/parleyhq/parley/internal/parley"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// Address is a mailbox: a display name and an address, lower-cased.
type Address = parley.Mailbox

// Attachment is a file carried by a message. Inline parts (images shown in
// the HTML body) have a ContentID.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	ContentID   string `json:"content_id,omitempty"`
	Inline      bool   `json:"inline,omitempty"`
	Data        []byte `json:"-"`
}

// Message is a parsed email.
type Message struct {
	MessageID   string    `json:"message_id"` // without angle brackets
	InReplyTo   []string  `json:"in_reply_to,omitempty"`
	References  []string  `json:"references,omitempty"`
	ThreadIndex string    `json:"thread_index,omitempty"` // Outlook's thread root, base64
	Subject     string    `json:"subject"`
	From        Address   `json:"from"`
	ReplyTo     []Address `json:"reply_to,omitempty"`
	To          []Address `json:"to,omitempty"`
	Cc          []Address `json:"cc,omitempty"`
	Date        time.Time `json:"date"`
	// Text is the plain-text body (derived from the HTML when the message
	// has none); HTML is the raw HTML body, unsanitised.
	Text        string       `json:"text"`
	HTML        string       `json:"html,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// Auto says why the message is auto-generated ("" when a person wrote
	// it); see Classify.
	Auto string `json:"auto,omitempty"`
	// List is true for mailing-list and newsletter mail (List-Id,
	// List-Unsubscribe).
	List   bool    `json:"list,omitempty"`
	Bounce *Bounce `json:"bounce,omitempty"`
	// Forwarded is the original sender of a forwarded message, parsed from
	// the forwarded content.
	Forwarded *Address `json:"forwarded,omitempty"`
	// Warnings are the parser's complaints about content it repaired.
	Warnings []string `json:"warnings,omitempty"`
}

// Parse reads a raw message. It is tolerant: bad charsets, missing
// boundaries and broken encodings are repaired where a reader would see the
// text, and noted in Warnings. It fails only when there is no message to
// keep — no header, no sender — or when its MIME structure is deeper or has
// more parts than real mail (see mimeLimits), and the caller quarantines the
// raw bytes with the error as the reason.
func Parse(raw []byte) (*Message, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("empty message")
	}
	// Before enmime, whose time on deep or wide structures is not linear.
	if err := checkStructure(raw, defaultMIMELimits()); err != nil {
		return nil, err
	}
	env, err := parser.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("unreadable MIME: %v", err)
	}
	if len(env.GetHeaderKeys()) == 0 {
		return nil, fmt.Errorf("no header")
	}
	// Message-IDs are read as they are written: RFC 2047 does not apply to
	// them, and "=?" is legal in one.
	m := &Message{
		Subject:     decodeHeader(env.GetHeader("Subject")),
		MessageID:   firstID(env.Root.Header.Get("Message-Id")),
		InReplyTo:   messageIDs(env.Root.Header.Get("In-Reply-To")),
		References:  messageIDs(env.Root.Header.Get("References")),
		ThreadIndex: threadRoot(env.GetHeader("Thread-Index")),
		Text:        strings.TrimSpace(normalizeNewlines(toUTF8(env.Text))),
		HTML:        strings.TrimSpace(toUTF8(env.HTML)),
	}
	from := addresses(env, "From")
	if len(from) == 0 {
		from = addresses(env, "Sender")
	}
	if len(from) == 0 {
		return nil, fmt.Errorf("no sender: the From header is missing or not an address")
	}
	m.From = from[0]
	m.ReplyTo = addresses(env, "Reply-To")
	m.To = addresses(env, "To")
	m.Cc = addresses(env, "Cc")
	if d, err := env.Date(); err == nil {
		m.Date = d.UTC()
	}
	if m.MessageID == "" {
		// Without a Message-ID the content is the identity: the same bytes
		// delivered twice are still one message.
		sum := sha256.Sum256(raw)
		m.MessageID = "sha256." + hex.EncodeToString(sum[:16]) + "@parley.invalid"
		m.Warnings = append(m.Warnings, "no Message-ID")
	}
	for _, p := range env.Inlines {
		m.Attachments = append(m.Attachments, attachment(p, true))
	}
	for _, p := range env.Attachments {
		m.Attachments = append(m.Attachments, attachment(p, false))
	}
	for _, p := range env.OtherParts {
		if p.ContentID != "" || p.FileName != "" {
			m.Attachments = append(m.Attachments, attachment(p, p.ContentID != ""))
		}
	}
	if m.Text == "" && m.HTML == "" && env.Root != nil && env.Root.FileName == "" && len(m.Attachments) == 1 &&
		utf8.Valid(env.Root.Content) && strings.HasPrefix(env.Root.ContentType, "multipart/") {
		// A multipart without a boundary is its own text.
		m.Text, m.Attachments = strings.TrimSpace(normalizeNewlines(string(env.Root.Content))), nil
	}
	for _, e := range env.Errors {
		m.Warnings = append(m.Warnings, e.Name+": "+e.Detail)
	}
	if m.Text == "" && m.HTML == "" && len(m.Attachments) == 0 && len(env.Errors) > 0 {
		return nil, fmt.Errorf("no readable content: %s", env.Errors[0].Error())
	}
	classify(env, m)
	if b, ok := deliveryReport(env.Root); ok {
		if b != nil && b.MessageID == "" && m.Bounce != nil {
			b.MessageID = m.Bounce.MessageID // the original quoted only in the text
		}
		m.Bounce = b
	}
	m.Forwarded = forwardedSender(m)
	return m, nil
}

// parser reads every part it can: a part whose encoding is broken is kept
// with what could be decoded rather than failing the message.
var parser = enmime.NewParser(
	enmime.SkipMalformedParts(true),
	enmime.MultipartWOBoundaryAsSinglePart(true),
	enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
)

func attachment(p *enmime.Part, inline bool) Attachment {
	name := p.FileName
	if name == "" {
		name = "attachment"
		if exts, _ := mime.ExtensionsByType(p.ContentType); len(exts) > 0 {
			name += exts[0]
		}
	}
	ct := p.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	return Attachment{Name: name, ContentType: ct, ContentID: p.ContentID, Inline: inline && p.ContentID != "", Data: p.Content}
}

func addresses(env *enmime.Envelope, header string) []Address {
	list, err := env.AddressList(header)
	if err != nil && len(list) == 0 {
		// A header net/mail rejects (a bare address with junk around it,
		// an unquoted comma in a name) often still holds one address.
		if a := looseAddress(env.GetHeader(header)); a != nil {
			return []Address{*a}
		}
		return nil
	}
	out := make([]Address, 0, len(list))
	for _, a := range list {
		if a == nil || !strings.Contains(a.Address, "@") {
			continue
		}
		out = append(out, Address{Name: strings.TrimSpace(a.Name), Email: strings.ToLower(a.Address)})
	}
	return out
}

// looseAddress finds an address in a header net/mail could not parse.
func looseAddress(v string) *Address {
	v = decodeHeader(v)
	if i, j := strings.LastIndexByte(v, '<'), strings.LastIndexByte(v, '>'); i >= 0 && j > i {
		addr := strings.TrimSpace(v[i+1 : j])
		if parley.IsEmailAddress(addr) {
			name := strings.Trim(strings.TrimSpace(v[:i]), `"' `)
			return &Address{Name: name, Email: strings.ToLower(addr)}
		}
	}
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == ';' }) {
		f = strings.Trim(f, `<>"'()`)
		if parley.IsEmailAddress(f) {
			return &Address{Email: strings.ToLower(f)}
		}
	}
	return nil
}

var wordDecoder = &mime.WordDecoder{CharsetReader: enmimeCharsetReader}

// decodeHeader decodes RFC 2047 encoded words; enmime leaves raw header
// values alone.
func decodeHeader(v string) string {
	v = toUTF8(v)
	if !strings.Contains(v, "=?") {
		return strings.TrimSpace(v)
	}
	if d, err := wordDecoder.DecodeHeader(v); err == nil {
		return strings.TrimSpace(d)
	}
	return strings.TrimSpace(v)
}

// messageIDs returns the ids in a References or In-Reply-To header, in order,
// without angle brackets. Ids some clients write without brackets are kept.
func messageIDs(v string) []string {
	var ids []string
	for len(v) > 0 {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(v[i+1 : i+j]); id != "" && strings.Contains(id, "@") {
			ids = append(ids, id)
		}
		v = v[i+j+1:]
	}
	if ids == nil {
		for _, f := range strings.Fields(v) {
			if strings.Contains(f, "@") {
				ids = append(ids, strings.Trim(f, "<>"))
			}
		}
	}
	return ids
}

func firstID(v string) string {
	if ids := messageIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// threadRoot returns the part of an Outlook Thread-Index that names the
// thread: its first 22 bytes (a FILETIME and a GUID); replies append 5 bytes
// each.
func threadRoot(v string) string {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil || len(b) < 22 {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b[:22])
}

// toUTF8 reads text that is not valid UTF-8 — 8-bit mail with no declared
// charset, raw 8-bit headers — as Windows-1252, what such senders use in
// practice (and a superset of Latin-1's printable range).
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	if d, err := charmap.Windows1252.NewDecoder().String(s); err == nil {
		return d
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// enmimeCharsetReader decodes the charsets mail uses in encoded words, by
// their WHATWG names (which also cover the common aliases).
func enmimeCharsetReader(charset string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, fmt.Errorf("unknown charset %q", charset)
	}
	return enc.NewDecoder().Reader(r), nil
}
