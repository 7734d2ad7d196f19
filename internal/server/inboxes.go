package server

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

func (s *Server) listInboxes(ctx context.Context, a parley.Actor, _ *struct{}) (*body[listJSON[present.InboxJSON]], error) {
	views, err := s.org.Inboxes(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]present.InboxJSON, len(views))
	for i := range views {
		out[i] = s.inboxView(&views[i])
	}
	return list(out), nil
}

// inboxView shows an inbox to the user it was read for.
func (s *Server) inboxView(v *org.InboxView) present.InboxJSON {
	return present.Inbox(&v.Inbox, v.Member, s.cfg.MailDomain)
}

type createInboxInput struct {
	Body struct {
		Name    string             `json:"name" maxLength:"100"`
		Access  parley.InboxAccess `json:"access,omitempty" enum:"everyone,specific"`
		UserIDs []parley.ID        `json:"user_ids,omitempty" maxItems:"1000"`
		TeamIDs []parley.ID        `json:"team_ids,omitempty" maxItems:"1000"`
	}
}

func (s *Server) createInbox(ctx context.Context, a parley.Actor, in *createInboxInput) (*body[present.InboxJSON], error) {
	ib, err := s.org.CreateInbox(ctx, a, org.NewInbox{Name: in.Body.Name, Access: in.Body.Access,
		UserIDs: in.Body.UserIDs, TeamIDs: in.Body.TeamIDs})
	if err != nil {
		return nil, err
	}
	return s.inboxOut(ctx, a, ib.ID)
}

func (s *Server) inboxOut(ctx context.Context, a parley.Actor, id parley.ID) (*body[present.InboxJSON], error) {
	v, err := s.org.Inbox(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return &body[present.InboxJSON]{s.inboxView(v)}, nil
}

func (s *Server) getInbox(ctx context.Context, a parley.Actor, in *idInput) (*body[present.InboxJSON], error) {
	return s.inboxOut(ctx, a, in.ID)
}

type updateInboxInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Name   *string             `json:"name,omitempty" maxLength:"100"`
		Access *parley.InboxAccess `json:"access,omitempty" enum:"everyone,specific"`
		// ChatTranscripts turns chat transcripts on or off.
		ChatTranscripts *bool `json:"chat_transcripts,omitempty" doc:"Whether closing a chat emails its visitor a transcript."`
	}
}

func (s *Server) updateInbox(ctx context.Context, a parley.Actor, in *updateInboxInput) (*body[present.InboxJSON], error) {
	if _, err := s.org.UpdateInbox(ctx, a, in.ID, org.InboxPatch{Name: in.Body.Name, Access: in.Body.Access, ChatTranscripts: in.Body.ChatTranscripts}); err != nil {
		return nil, err
	}
	return s.inboxOut(ctx, a, in.ID)
}

type deleteInboxInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Name string `json:"name" doc:"The inbox's name, typed to confirm the permanent deletion." maxLength:"100"`
	}
}

func (s *Server) deleteInbox(ctx context.Context, a parley.Actor, in *deleteInboxInput) (*struct{}, error) {
	return nil, s.org.DeleteInbox(ctx, a, in.ID, in.Body.Name)
}

type membersInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		UserIDs []parley.ID `json:"user_ids" maxItems:"1000"`
		TeamIDs []parley.ID `json:"team_ids,omitempty" maxItems:"1000"`
	}
}

func (s *Server) setInboxMembers(ctx context.Context, a parley.Actor, in *membersInput) (*body[present.InboxJSON], error) {
	if _, err := s.org.SetInboxMembers(ctx, a, in.ID, in.Body.UserIDs, in.Body.TeamIDs); err != nil {
		return nil, err
	}
	return s.inboxOut(ctx, a, in.ID)
}

func (s *Server) listChannels(ctx context.Context, a parley.Actor, in *idInput) (*body[listJSON[present.ChannelJSON]], error) {
	chs, err := s.org.Channels(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	out := make([]present.ChannelJSON, len(chs))
	for i := range chs {
		if out[i], err = s.channelView(ctx, a, &chs[i]); err != nil {
			return nil, err
		}
	}
	return list(out), nil
}

// channelView shows a channel; a connected mailbox's status is read here.
func (s *Server) channelView(ctx context.Context, a parley.Actor, c *parley.Channel) (present.ChannelJSON, error) {
	out := present.Channel(c)
	if c.Mailbox != "" {
		st, err := s.org.MailboxState(ctx, a, c)
		if err != nil {
			return out, err
		}
		out.Mailbox = &present.MailboxStatusJSON{SyncedAt: st.SyncedAt, LastError: st.LastError, ErrorAt: st.ErrorAt, LastUID: st.LastUID}
	}
	return out, nil
}

type createChannelInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Kind    parley.ChannelKind `json:"kind" enum:"api,email,chat,form,call"`
		Name    string             `json:"name" maxLength:"100"`
		Enabled *bool              `json:"enabled,omitempty"`
		Config  map[string]any     `json:"config,omitempty"`
	}
}

func (s *Server) createChannel(ctx context.Context, a parley.Actor, in *createChannelInput) (*body[present.ChannelJSON], error) {
	c, err := s.org.CreateChannel(ctx, a, in.ID, org.NewChannel{Kind: in.Body.Kind, Name: in.Body.Name,
		Enabled: in.Body.Enabled, Config: rawConfig(in.Body.Config)})
	if err != nil {
		return nil, err
	}
	return &body[present.ChannelJSON]{present.Channel(c)}, nil
}

type updateChannelInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Name    *string        `json:"name,omitempty" maxLength:"100"`
		Enabled *bool          `json:"enabled,omitempty"`
		Config  map[string]any `json:"config,omitempty"`
	}
}

func (s *Server) updateChannel(ctx context.Context, a parley.Actor, in *updateChannelInput) (*body[present.ChannelJSON], error) {
	c, err := s.org.UpdateChannel(ctx, a, in.ID, org.ChannelPatch{Name: in.Body.Name, Enabled: in.Body.Enabled,
		Config: rawConfig(in.Body.Config)})
	if err != nil {
		return nil, err
	}
	return &body[present.ChannelJSON]{present.Channel(c)}, nil
}

func rawConfig(m map[string]any) json.RawMessage {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m)
	return b
}

type receiveInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		ClientID string `json:"client_id,omitempty" maxLength:"255" doc:"Your id for this message: the same id twice is stored once."`
		Contact  *struct {
			Email string `json:"email,omitempty" maxLength:"320"`
			Phone string `json:"phone,omitempty" maxLength:"50" doc:"Without an email, the sender is found by phone (an SMS or messaging bridge): the oldest contact with this number, or a new one."`
			Name  string `json:"name,omitempty" maxLength:"200"`
		} `json:"contact,omitempty"`
		Subject         string      `json:"subject,omitempty" maxLength:"1000" doc:"The conversation's title when the message opens one; without it, the first line of the message, cut to 60 characters."`
		Text            string      `json:"text,omitempty"`
		HTML            string      `json:"html,omitempty"`
		Attachments     []parley.ID `json:"attachments,omitempty" maxItems:"20" doc:"Files that came with the message (a photo, a document): your uploads (POST /api/v1/uploads). With them, text may be empty."`
		ConversationID  parley.ID   `json:"conversation_id,omitempty" doc:"Continue this conversation."`
		NewConversation bool        `json:"new_conversation,omitempty" doc:"Open a new conversation. Without it or conversation_id, the message continues the contact's latest conversation on this channel (reopening it), unless that one is in spam or trash."`
	}
}

type receivedJSON struct {
	ConversationID parley.ID `json:"conversation_id"`
	MessageID      parley.ID `json:"message_id"`
	Duplicate      bool      `json:"duplicate" doc:"True when this client_id was received before; the ids are the original's."`
}

type receivedOutput struct {
	Status int
	Body   receivedJSON
}

// receiveMessage takes a customer message pushed through an API channel
// (SPEC CHN-9): 201 when stored, 200 with the original when a repeat.
func (s *Server) receiveMessage(ctx context.Context, a parley.Actor, in *receiveInput) (*receivedOutput, error) {
	b := in.Body
	msg := conversation.Inbound{ChannelID: in.ID, ClientID: b.ClientID, Subject: b.Subject,
		Text: b.Text, HTML: b.HTML, Attachments: b.Attachments, ConversationID: b.ConversationID, NewConversation: b.NewConversation}
	if b.Contact != nil {
		msg.ContactEmail, msg.ContactName, msg.ContactPhone = b.Contact.Email, b.Contact.Name, b.Contact.Phone
	}
	r, err := s.conv.Receive(ctx, a, msg)
	if err != nil {
		return nil, err
	}
	status := http.StatusCreated
	if r.Duplicate {
		status = http.StatusOK
	}
	return &receivedOutput{Status: status, Body: receivedJSON{ConversationID: r.ConversationID, MessageID: r.MessageID, Duplicate: r.Duplicate}}, nil
}
