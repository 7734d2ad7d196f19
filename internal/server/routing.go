package server

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
)

type routingInput struct {
	ID parley.ID `path:"id"`
}

// getRouting returns a channel's routing rule (SPEC RTE-1..4).
func (s *Server) getRouting(ctx context.Context, a parley.Actor, in *routingInput) (*body[routing.Rule], error) {
	r, err := s.routing.Rule(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[routing.Rule]{*r}, nil
}

type setRoutingInput struct {
	ID   parley.ID `path:"id"`
	Body routing.Rule
}

// setRouting sets a channel's routing rule; naming a person who is not
// routable is a 400 that names them (SPEC ORG-3).
func (s *Server) setRouting(ctx context.Context, a parley.Actor, in *setRoutingInput) (*body[routing.Rule], error) {
	r, err := s.routing.SetRule(ctx, a, in.ID, in.Body)
	if err != nil {
		return nil, err
	}
	return &body[routing.Rule]{*r}, nil
}
