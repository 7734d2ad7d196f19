package server

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

// getContact shows a contact to someone who can see one of their
// conversations (or an admin); anyone else gets 404.
func (s *Server) getContact(ctx context.Context, a parley.Actor, in *idInput) (*body[present.ContactJSON], error) {
	c, err := s.conv.Contact(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[present.ContactJSON]{present.Contact(c)}, nil
}

type updateContactInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Name    *string    `json:"name,omitempty" maxLength:"200"`
		Phone   *string    `json:"phone,omitempty" maxLength:"50"`
		OwnerID *parley.ID `json:"owner_id,omitempty" doc:"The contact's owner, an active teammate who is not a viewer; 0 removes the owner. The contact-owner routing rule sends their conversations to them."`
	}
}

// updateContact changes a contact's name, phone or owner.
func (s *Server) updateContact(ctx context.Context, a parley.Actor, in *updateContactInput) (*body[present.ContactJSON], error) {
	c, err := s.conv.UpdateContact(ctx, a, in.ID, conversation.ContactPatch{Name: in.Body.Name, Phone: in.Body.Phone, OwnerID: in.Body.OwnerID})
	if err != nil {
		return nil, err
	}
	return &body[present.ContactJSON]{present.Contact(c)}, nil
}

func (s *Server) block(ctx context.Context, a parley.Actor, in *idInput) (*body[present.ContactJSON], error) {
	c, err := s.conv.Block(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[present.ContactJSON]{present.Contact(c)}, nil
}

type unblockInput struct {
	ID   parley.ID `path:"id"`
	Undo bool      `query:"undo" doc:"Undo a block: also move back to the inbox the sender's conversations that the block moved to filtered and that are still there."`
}

func (s *Server) unblock(ctx context.Context, a parley.Actor, in *unblockInput) (*body[present.ContactJSON], error) {
	unblock := s.conv.Unblock
	if in.Undo {
		unblock = s.conv.UndoBlock
	}
	c, err := unblock(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[present.ContactJSON]{present.Contact(c)}, nil
}

type blockPreviewJSON struct {
	Conversations int `json:"conversations" doc:"How many of the sender's conversations blocking would move to filtered."`
}

// blockPreview says what blocking a sender would do, before it is done.
func (s *Server) blockPreview(ctx context.Context, a parley.Actor, in *idInput) (*body[blockPreviewJSON], error) {
	n, err := s.conv.BlockPreview(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[blockPreviewJSON]{blockPreviewJSON{Conversations: n}}, nil
}

type contactConversationsInput struct {
	ID    parley.ID `path:"id"`
	Limit int       `query:"limit" minimum:"1" maximum:"50" default:"20"`
}

// contactConversations lists a contact's conversations the caller may read,
// most recently active first (the sidebar's past conversations).
func (s *Server) contactConversations(ctx context.Context, a parley.Actor, in *contactConversationsInput) (*body[listJSON[present.ConversationJSON]], error) {
	limit := in.Limit
	if limit == 0 {
		limit = 20
	}
	convs, err := s.conv.ContactConversations(ctx, a, in.ID, limit)
	if err != nil {
		return nil, err
	}
	views, err := s.conversationViews(ctx, a, convs)
	if err != nil {
		return nil, err
	}
	return list(views), nil
}

// dissociate takes the contact off a conversation (SPEC CRM-2).
func (s *Server) dissociate(ctx context.Context, a parley.Actor, in *idInput) (*body[present.ConversationJSON], error) {
	c, err := s.conv.Dissociate(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return s.conversationOut(ctx, a, c)
}

type associateInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		ContactID parley.ID `json:"contact_id,omitempty" doc:"An existing contact you may see."`
		Email     string    `json:"email,omitempty" maxLength:"320" doc:"An address: its contact, or a new one."`
	}
}

// associate puts a contact on a conversation, by id or by email (SPEC
// CRM-2).
func (s *Server) associate(ctx context.Context, a parley.Actor, in *associateInput) (*body[present.ConversationJSON], error) {
	c, err := s.conv.Associate(ctx, a, in.ID, in.Body.ContactID, in.Body.Email)
	if err != nil {
		return nil, err
	}
	return s.conversationOut(ctx, a, c)
}

type searchContactsInput struct {
	Q     string `query:"q" minLength:"1" maxLength:"200" required:"true" doc:"Part of a name or an address."`
	Limit int    `query:"limit" minimum:"1" maximum:"20" default:"10"`
}

// searchContacts finds contacts by name or address among those the caller
// may see: an admin all, anyone else those with a conversation in an inbox
// they read.
func (s *Server) searchContacts(ctx context.Context, a parley.Actor, in *searchContactsInput) (*body[listJSON[present.ContactJSON]], error) {
	limit := in.Limit
	if limit == 0 {
		limit = 10
	}
	found, err := s.conv.SearchContacts(ctx, a, in.Q, limit)
	if err != nil {
		return nil, err
	}
	out := make([]present.ContactJSON, 0, len(found))
	for _, c := range found {
		out = append(out, present.Contact(c))
	}
	return list(out), nil
}

// consentJSON is what a contact agreed to.
type consentJSON struct {
	Kind         string     `json:"kind" enum:"processing,subscription"`
	Subscription string     `json:"subscription,omitempty"`
	Text         string     `json:"text" doc:"The words agreed to."`
	ChannelID    *parley.ID `json:"channel_id" doc:"The chat it was given in."`
	GivenAt      time.Time  `json:"given_at"`
}

// contactConsents lists what a contact agreed to (SPEC CHT-10).
func (s *Server) contactConsents(ctx context.Context, a parley.Actor, in *idInput) (*body[listJSON[consentJSON]], error) {
	cs, err := s.conv.Consents(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	out := make([]consentJSON, len(cs))
	for i, c := range cs {
		out[i] = consentJSON{Kind: c.Kind, Subscription: c.Subscription, Text: c.Text, ChannelID: c.ChannelID, GivenAt: c.GivenAt}
	}
	return list(out), nil
}
