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
