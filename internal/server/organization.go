package server

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
)

type organizationJSON struct {
	Name string `json:"name" doc:"Shown to customers: outbound mail comes from \"Dana at <name>\"."`
}

func (s *Server) organization(ctx context.Context, a parley.Actor, _ *struct{}) (*body[organizationJSON], error) {
	name, err := s.org.Organization(ctx, a)
	if err != nil {
		return nil, err
	}
	return &body[organizationJSON]{organizationJSON{Name: name}}, nil
}

type organizationInput struct {
	Body struct {
		Name string `json:"name" maxLength:"100"`
	}
}

// renameOrganization changes the organisation's name; mail sent from then
// on uses it.
func (s *Server) renameOrganization(ctx context.Context, a parley.Actor, in *organizationInput) (*body[organizationJSON], error) {
	name, err := s.org.RenameOrganization(ctx, a, in.Body.Name)
	if err != nil {
		return nil, err
	}
	return &body[organizationJSON]{organizationJSON{Name: name}}, nil
}
