package present

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// MessageJSON is a message or comment as the API shows it.
type MessageJSON struct {
	ID             parley.ID             `json:"id"`
	ConversationID parley.ID             `json:"conversation_id"`
	Kind           parley.MessageKind    `json:"kind" enum:"message,comment"`
	Direction      parley.Direction      `json:"direction" enum:"in,out"`
	AuthorID       *parley.ID            `json:"author_id"`
	ContactID      *parley.ID            `json:"contact_id"`
	Text           string                `json:"text"`
	HTML           string                `json:"html" doc:"Sanitised. In email, remote images are held back in data-remote-src until the reader loads them; inline images point at their attachment."`
	Email          *Email                `json:"email,omitempty" doc:"Email headers, threading rule, quoted history folded away, delivery failure."`
	Attachments    []AttachmentJSON      `json:"attachments"`
	Bot            *parley.BotSaid       `json:"bot,omitempty" doc:"Set on what a chat bot said: its step, and the buttons or articles it offered."`
	Bridge         *parley.Bridged       `json:"bridge,omitempty" doc:"Set on a reply on an API channel with a bridge: sending, then delivered or failed as the bridge reports."`
	Form           *parley.FormSubmitted `json:"form,omitempty" doc:"Set on the message a form opened its conversation with: each field as sent."`
	Call           *parley.Call          `json:"call,omitempty" doc:"Set on a logged call; its notes are the text."`
	CreatedAt      time.Time             `json:"created_at"`
}

// AttachmentJSON is a file a message carries, with the address to fetch it.
type AttachmentJSON struct {
	ID          parley.ID `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Inline      bool      `json:"inline"`
	URL         string    `json:"url"`
}

// Message renders m with its attachments atts; the inline images its HTML
// names by Content-ID point at their attachment. A nil m is nil.
func Message(m *parley.Message, atts []parley.Attachment) *MessageJSON {
	if m == nil {
		return nil
	}
	out := &MessageJSON{ID: m.ID, ConversationID: m.ConversationID, Kind: m.Kind, Direction: m.Direction, AuthorID: m.AuthorID,
		ContactID: m.ContactID, Text: m.Text, HTML: m.HTML, Email: email(m.Email), Bot: m.Bot, Bridge: m.Bridge, Form: m.Form, Call: m.Call, CreatedAt: m.CreatedAt, Attachments: []AttachmentJSON{}}
	var cids []string
	for _, a := range atts {
		url := fmt.Sprintf("/api/v1/attachments/%d", a.ID)
		out.Attachments = append(out.Attachments, AttachmentJSON{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, Inline: a.Inline, URL: url})
		if a.ContentID != "" {
			cids = append(cids, `"cid:`+html.EscapeString(a.ContentID)+`"`, `"`+url+`"`)
		}
	}
	if len(cids) > 0 {
		out.HTML = strings.NewReplacer(cids...).Replace(out.HTML)
	}
	return out
}
