package server

import (
	"context"
	"net/http"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

// Calls (SPEC CHN-8): a phone call logged through a call channel (a phone
// system, or an agent in the app), opening a conversation or continuing
// one, or on any conversation; it shows as a call in the thread.

type callChannelInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Call           parley.Call      `json:"call"`
		Notes          string           `json:"notes,omitempty" doc:"What was said: the message's text, plain."`
		ClientID       string           `json:"client_id,omitempty" maxLength:"255" doc:"Your id for an inbound call: the same id twice is logged once."`
		Contact        *callContactJSON `json:"contact,omitempty" doc:"More of the customer, who is found by their number (the from of an inbound call, the to of an outbound one): the oldest contact with it, else the one with this email, else a new contact."`
		ConversationID parley.ID        `json:"conversation_id,omitempty" doc:"Continue this conversation of the channel's inbox; without it the call opens a new one (an outbound call's is yours)."`
		Subject        string           `json:"subject,omitempty" maxLength:"1000" doc:"A new conversation's title; without it, the notes' first line, else the customer's number."`
	}
}

// callContactJSON is more of a call's customer than their number.
type callContactJSON struct {
	Email string `json:"email,omitempty" maxLength:"320"`
	Name  string `json:"name,omitempty" maxLength:"200"`
}

type callConversationInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Call  parley.Call `json:"call"`
		Notes string      `json:"notes,omitempty" doc:"What was said: the message's text, plain."`
	}
}

type callLoggedJSON struct {
	ConversationID parley.ID           `json:"conversation_id"`
	Duplicate      bool                `json:"duplicate" doc:"True when this client_id was logged before; the message is the original."`
	Message        present.MessageJSON `json:"message"`
}

type callLoggedOutput struct {
	Status int
	Body   callLoggedJSON
}

// logCall logs a call through a call channel: 201, or 200 with the
// original when an inbound client_id is a repeat.
func (s *Server) logCall(ctx context.Context, a parley.Actor, in *callChannelInput) (*callLoggedOutput, error) {
	b := in.Body
	call := conversation.LoggedCall{Call: b.Call, Notes: b.Notes, ChannelID: in.ID, ConversationID: b.ConversationID,
		ClientID: b.ClientID, Subject: b.Subject}
	if b.Contact != nil {
		call.ContactEmail, call.ContactName = b.Contact.Email, b.Contact.Name
	}
	return s.callLogged(ctx, a, call)
}

// logConversationCall logs a call on a conversation, whatever its channel.
func (s *Server) logConversationCall(ctx context.Context, a parley.Actor, in *callConversationInput) (*callLoggedOutput, error) {
	return s.callLogged(ctx, a, conversation.LoggedCall{Call: in.Body.Call, Notes: in.Body.Notes, ConversationID: in.ID})
}

func (s *Server) callLogged(ctx context.Context, a parley.Actor, call conversation.LoggedCall) (*callLoggedOutput, error) {
	r, err := s.conv.LogCall(ctx, a, call)
	if err != nil {
		return nil, err
	}
	status := http.StatusCreated
	if r.Duplicate {
		status = http.StatusOK
	}
	return &callLoggedOutput{Status: status, Body: callLoggedJSON{ConversationID: r.ConversationID, Duplicate: r.Duplicate,
		Message: *present.Message(r.Message, nil)}}, nil
}
