package conversation

import (
	"context"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// FormInbound is a submission of a form (SPEC CHN-7), already read against
// the form's fields (parley.FormSettings.Read).
type FormInbound struct {
	Channel *parley.Channel // the form channel posted to
	// SubmissionID is the page's id for this submission: posted twice (a
	// double click, a retry after a lost answer), it opens one
	// conversation.
	SubmissionID string
	Post         parley.FormPost
	// PageURL is the page the form was posted from, when known.
	PageURL string
}

// ReceiveForm opens a conversation with a form's submission through the
// one way in: the submitter is the contact (found or created by their
// email, who is answered by email), and the first message holds each field
// as sent. A form that is off takes nothing (ECONFLICT).
func (s *Service) ReceiveForm(ctx context.Context, in FormInbound) (*Received, error) {
	ch := in.Channel
	if ch == nil || ch.Kind != parley.ChannelForm {
		return nil, parley.Invalid("channel", "is not a form")
	}
	if !ch.Enabled {
		return nil, (&parley.Error{Code: parley.ECONFLICT, Message: "this form is turned off"}).Because("channel_off")
	}
	if len(in.SubmissionID) > 100 {
		return nil, parley.Invalid(parley.FormSubmissionID, "is longer than 100 characters")
	}
	if !parley.IsEmailAddress(in.Post.Email) {
		return nil, parley.Invalid(parley.FormEmailField, "is not an email address").Because("email_invalid")
	}
	var keys []string
	if in.SubmissionID != "" {
		keys = []string{"form:" + in.SubmissionID}
	}
	subject := ch.Name
	for _, v := range in.Post.Values {
		if v.Key == "subject" && v.Type == "text" {
			subject = v.Value
		}
	}
	data := map[string]any{"form": ch.Name}
	if in.PageURL != "" {
		data["page_url"] = in.PageURL
	}
	arr := &arrival{
		ch: ch, keys: keys, at: s.clock(), from: parley.Mailbox{Name: in.Post.Name, Email: in.Post.Email},
		subject: subjectOf(Inbound{Subject: subject}), data: data,
		msg: parley.Message{Text: formText(in.Post.Values), Form: &parley.FormSubmitted{Form: ch.Name, Fields: in.Post.Values}},
		// A submission always opens a conversation of its own.
		thread: func(context.Context, *store.Tx) (*parley.Conversation, string, error) { return nil, "new", nil },
	}
	out, err := s.take(ctx, arr)
	if err != nil {
		return nil, err
	}
	if out.Deleted {
		return nil, parley.Errorf(parley.ECONFLICT, "this submission was received before and its conversation was deleted")
	}
	return &Received{ConversationID: out.ConversationID, MessageID: out.MessageID, Duplicate: out.Duplicate}, nil
}

// formText is a submission as the message's text — what search finds, the
// list previews and a reply quotes: a line per field, a long answer under
// its label.
func formText(values []parley.FormValue) string {
	var b strings.Builder
	for _, v := range values {
		if strings.Contains(v.Value, "\n") {
			b.WriteString(v.Label + ":\n" + v.Value + "\n")
		} else {
			b.WriteString(v.Label + ": " + v.Value + "\n")
		}
	}
	if b.Len() == 0 {
		return "—"
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Form returns the form channel with a public key, or ENOTFOUND.
func (s *Service) Form(ctx context.Context, key string) (*parley.Channel, error) {
	if key == "" || len(key) > 64 {
		return nil, parley.NotFound("form")
	}
	ch, err := s.store.ChannelByKey(ctx, key)
	if err != nil || ch.Kind != parley.ChannelForm {
		return nil, parley.NotFound("form")
	}
	return ch, nil
}
