package server

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

type mimeInput struct {
	ID      parley.ID `path:"id"`
	RawBody []byte    `contentType:"message/rfc822"`
}

type mimeReceivedJSON struct {
	ConversationID parley.ID `json:"conversation_id,omitempty"`
	MessageID      parley.ID `json:"message_id,omitempty"`
	ThreadRule     string    `json:"thread_rule,omitempty" doc:"The rule that threaded the message: own-message-id, plus-address, reference, thread-index, subject-number or new."`
	Duplicate      bool      `json:"duplicate" doc:"The message was received before."`
	Deleted        bool      `json:"deleted" doc:"The message is known but its conversation was deleted, or it was quarantined: it is not taken in again."`
	QuarantineID   parley.ID `json:"quarantine_id,omitempty" doc:"Set when the message could not be read and was quarantined."`
}

type mimeOutput struct {
	Status int
	Body   mimeReceivedJSON
}

// receiveMIME takes a raw email into an email channel through the same
// pipeline as the SMTP listener: 201 when stored (or quarantined), 200 when
// it was received before.
func (s *Server) receiveMIME(ctx context.Context, a parley.Actor, in *mimeInput) (*mimeOutput, error) {
	if len(in.RawBody) == 0 {
		return nil, parley.Invalid("body", "is empty: send the message as message/rfc822")
	}
	r, err := s.conv.ReceiveEmail(ctx, a, conversation.Email{ChannelID: in.ID, Raw: in.RawBody, Source: "api"})
	if err != nil {
		return nil, err
	}
	status := http.StatusCreated
	if r.Duplicate {
		status = http.StatusOK
	}
	return &mimeOutput{Status: status, Body: mimeReceivedJSON{ConversationID: r.ConversationID, MessageID: r.MessageID,
		ThreadRule: r.Rule, Duplicate: r.Duplicate, Deleted: r.Deleted, QuarantineID: r.Quarantined}}, nil
}

type quarantineInput struct {
	Cursor parley.ID `query:"cursor" doc:"next_cursor of the previous page."`
	Limit  int       `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

type quarantinedJSON struct {
	ID        parley.ID  `json:"id"`
	ChannelID *parley.ID `json:"channel_id"`
	Source    string     `json:"source" enum:"smtp,imap,api,import"`
	Reason    string     `json:"reason"`
	Size      int64      `json:"size"`
	RawURL    string     `json:"raw_url"`
	CreatedAt time.Time  `json:"created_at"`
}

// listQuarantine lists mail that could not be read, newest first.
func (s *Server) listQuarantine(ctx context.Context, a parley.Actor, in *quarantineInput) (*body[listJSON[quarantinedJSON]], error) {
	limit := in.Limit
	if limit == 0 {
		limit = 50
	}
	qs, err := s.conv.Quarantine(ctx, a, in.Cursor, limit+1)
	if err != nil {
		return nil, err
	}
	var next *string
	if len(qs) > limit {
		qs = qs[:limit]
		c := fmt.Sprint(qs[limit-1].ID)
		next = &c
	}
	out := make([]quarantinedJSON, len(qs))
	for i, q := range qs {
		out[i] = quarantinedJSON{ID: q.ID, ChannelID: q.ChannelID, Source: q.Source, Reason: q.Reason, Size: q.Size,
			RawURL: fmt.Sprintf("/api/v1/quarantine/%d/raw", q.ID), CreatedAt: q.CreatedAt}
	}
	res := list(out)
	res.Body.NextCursor = next
	return res, nil
}

// quarantinedRaw downloads a quarantined message as it arrived.
func (s *Server) quarantinedRaw(ctx context.Context, a parley.Actor, in *idInput) (*huma.StreamResponse, error) {
	q, err := s.conv.Quarantined(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return s.download(q.Blob, fmt.Sprintf("quarantined-%d.eml", q.ID), "message/rfc822", false)
}

// getAttachment downloads an attachment of a message the caller may read.
// Only images are shown inline; everything else is a download, and the
// response may not run script (nosniff, a sandboxing CSP).
func (s *Server) getAttachment(ctx context.Context, a parley.Actor, in *idInput) (*huma.StreamResponse, error) {
	att, err := s.conv.Attachment(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	inline := strings.HasPrefix(att.ContentType, "image/") && att.ContentType != "image/svg+xml"
	return s.download(att.Blob, att.Name, att.ContentType, inline)
}

func (s *Server) download(key, name, contentType string, inline bool) (*huma.StreamResponse, error) {
	if s.blobs == nil {
		return nil, parley.Errorf(parley.EUNAVAILABLE, "attachments are not available on this server")
	}
	f, err := s.blobs.Open(key)
	if err != nil {
		return nil, err
	}
	disposition := "attachment"
	if inline {
		disposition = "inline"
	}
	return &huma.StreamResponse{Body: func(ctx huma.Context) {
		defer f.Close()
		if _, _, err := mime.ParseMediaType(contentType); err != nil {
			contentType = "application/octet-stream"
		}
		ctx.SetHeader("Content-Type", contentType)
		ctx.SetHeader("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
		ctx.SetHeader("X-Content-Type-Options", "nosniff")
		ctx.SetHeader("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
		ctx.SetHeader("Cache-Control", "private, max-age=86400")
		_, _ = io.Copy(ctx.BodyWriter(), f)
	}}, nil
}

type mailboxJSON struct {
	Email string `json:"email" maxLength:"320"`
	Name  string `json:"name,omitempty" maxLength:"200"`
}

func mailboxes(in []mailboxJSON) []parley.Mailbox {
	var out []parley.Mailbox
	for _, m := range in {
		out = append(out, parley.Mailbox{Email: m.Email, Name: m.Name})
	}
	return out
}

type sendEmailInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		To      mailboxJSON   `json:"to"`
		Cc      []mailboxJSON `json:"cc,omitempty" maxItems:"20"`
		Bcc     []mailboxJSON `json:"bcc,omitempty" maxItems:"20" doc:"Copies that appear in no header."`
		Subject string        `json:"subject" maxLength:"1000"`
		Text    string        `json:"text,omitempty"`
		HTML    string        `json:"html,omitempty"`
		// Attachments are ids from POST /api/v1/uploads.
		Attachments []parley.ID `json:"attachments,omitempty" maxItems:"20"`
	}
}

type sentEmailJSON struct {
	Conversation present.ConversationJSON `json:"conversation"`
	Message      present.MessageJSON      `json:"message"`
}

// sendEmail starts a conversation with a new email from the inbox (SPEC
// CNV-13); it shows in the sent view.
func (s *Server) sendEmail(ctx context.Context, a parley.Actor, in *sendEmailInput) (*body[sentEmailJSON], error) {
	b := in.Body
	ne := conversation.NewEmail{InboxID: in.ID, To: parley.Mailbox{Email: b.To.Email, Name: b.To.Name}, Subject: b.Subject,
		Body: conversation.Body{Text: b.Text, HTML: b.HTML, Attachments: b.Attachments, Cc: mailboxes(b.Cc), Bcc: mailboxes(b.Bcc)}}
	c, m, err := s.conv.SendEmail(ctx, a, ne)
	if err != nil {
		return nil, err
	}
	cv, err := s.conversationOut(ctx, a, c)
	if err != nil {
		return nil, err
	}
	return &body[sentEmailJSON]{sentEmailJSON{Conversation: cv.Body, Message: *present.Message(m, nil)}}, nil
}

type forwardInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		To   []mailboxJSON `json:"to" minItems:"1" maxItems:"20"`
		Text string        `json:"text,omitempty" doc:"A note above the forwarded thread."`
		HTML string        `json:"html,omitempty"`
	}
}

// forward emails the conversation to people outside (SPEC CNV-11).
func (s *Server) forward(ctx context.Context, a parley.Actor, in *forwardInput) (*body[present.MessageJSON], error) {
	f := conversation.Forward{Note: conversation.Body{Text: in.Body.Text, HTML: in.Body.HTML}}
	for _, t := range in.Body.To {
		f.To = append(f.To, parley.Mailbox{Email: t.Email, Name: t.Name})
	}
	m, err := s.conv.Forward(ctx, a, in.ID, f)
	if err != nil {
		return nil, err
	}
	return &body[present.MessageJSON]{*present.Message(m, nil)}, nil
}

type uploadInput struct {
	Name        string `query:"name" maxLength:"255" doc:"The file's name."`
	ContentType string `header:"Content-Type"`
	RawBody     []byte
}

type uploadJSON struct {
	ID          parley.ID `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
}

// upload keeps a file to attach to a reply or new email (send its bytes as
// the body, its type as Content-Type, its name as ?name=).
func (s *Server) upload(ctx context.Context, a parley.Actor, in *uploadInput) (*body[uploadJSON], error) {
	u, err := s.conv.Upload(ctx, a, in.Name, in.ContentType, in.RawBody)
	if err != nil {
		return nil, err
	}
	return &body[uploadJSON]{uploadJSON{ID: u.ID, Name: u.Name, ContentType: u.ContentType, Size: u.Size}}, nil
}

type fromAddressInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Email string `json:"email" maxLength:"320"`
	}
}

// requestFromAddress sends a confirmation link to a custom from-address
// (SPEC CHN-3); the channel sends from it once the link is followed.
func (s *Server) requestFromAddress(ctx context.Context, a parley.Actor, in *fromAddressInput) (*struct{}, error) {
	return nil, s.org.RequestFromAddress(ctx, a, in.ID, in.Body.Email, s.cfg.BaseURL+"/verify-from/")
}

// verifyFromPage shows the confirmation button for a from-address link.
// Following the link only shows it: mail scanners open links by themselves,
// and an address must be confirmed by a person (POST).
func (s *Server) verifyFromPage(w http.ResponseWriter, r *http.Request) {
	page(w, r, http.StatusOK, "from_confirm", nil)
}

// verifyFrom confirms a from-address: the channel sends from it from now on.
func (s *Server) verifyFrom(w http.ResponseWriter, r *http.Request) {
	ch, err := s.org.VerifyFromAddress(r.Context(), r.PathValue("token"))
	if err != nil {
		status := statusOf(parley.ErrorCode(err))
		if status == http.StatusInternalServerError {
			s.log.Error("from-address link", "err", err)
		}
		page(w, r, status, "from_unknown", nil)
		return
	}
	page(w, r, http.StatusOK, "from_confirmed", map[string]string{"channel": ch.Name, "email": ch.EmailSettings().FromAddress})
}
