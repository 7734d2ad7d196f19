package server

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
)

// getContact shows a contact to someone who can see one of their
// conversations (or an admin); anyone else gets 404.
func (s *Server) getContact(ctx context.Context, a parley.Actor, in *idInput) (*body[contactJSON], error) {
	c, err := s.conv.Contact(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[contactJSON]{contactView(c)}, nil
}

func (s *Server) block(ctx context.Context, a parley.Actor, in *idInput) (*body[contactJSON], error) {
	c, err := s.conv.Block(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[contactJSON]{contactView(c)}, nil
}

func (s *Server) unblock(ctx context.Context, a parley.Actor, in *idInput) (*body[contactJSON], error) {
	c, err := s.conv.Unblock(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[contactJSON]{contactView(c)}, nil
}

type contactConversationsInput struct {
	ID    parley.ID `path:"id"`
	Limit int       `query:"limit" minimum:"1" maximum:"50" default:"20"`
}

// contactConversations lists a contact's conversations the caller may read,
// most recently active first (the sidebar's past conversations).
func (s *Server) contactConversations(ctx context.Context, a parley.Actor, in *contactConversationsInput) (*body[listJSON[conversationJSON]], error) {
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
func (s *Server) dissociate(ctx context.Context, a parley.Actor, in *idInput) (*body[conversationJSON], error) {
	c, err := s.conv.Dissociate(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return s.conversationOut(ctx, a, c)
}
