package server

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
)

// retentionJSON is an inbox's retention (issue 18).
type retentionJSON struct {
	Days int `json:"days" doc:"Closed conversations are deleted for good once closed for longer than this many days; 0 keeps them."`
}

// retention reads an inbox's retention (admins).
func (s *Server) retention(ctx context.Context, a parley.Actor, in *idInput) (*body[retentionJSON], error) {
	days, err := s.conv.Retention(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[retentionJSON]{retentionJSON{Days: days}}, nil
}

type setRetentionInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Days int `json:"days" minimum:"0" maximum:"3650" doc:"1 to 3650 days; 0 keeps closed conversations for good."`
	}
}

// setRetention sets an inbox's retention (admins). What is already older
// is deleted at the next hourly round.
func (s *Server) setRetention(ctx context.Context, a parley.Actor, in *setRetentionInput) (*body[retentionJSON], error) {
	if err := s.conv.SetRetention(ctx, a, in.ID, in.Body.Days); err != nil {
		return nil, err
	}
	return s.retention(ctx, a, &idInput{ID: in.ID})
}

type retentionPreviewInput struct {
	ID   parley.ID `path:"id"`
	Days int       `query:"days" minimum:"1" maximum:"3650" required:"true" doc:"The retention to try."`
}

type retentionPreviewJSON struct {
	Days          int `json:"days"`
	Conversations int `json:"conversations" doc:"How many of the inbox's closed conversations this retention would delete now."`
}

// retentionPreview says how many conversations a retention would delete,
// before it is set.
func (s *Server) retentionPreview(ctx context.Context, a parley.Actor, in *retentionPreviewInput) (*body[retentionPreviewJSON], error) {
	n, err := s.conv.RetentionPreview(ctx, a, in.ID, in.Days)
	if err != nil {
		return nil, err
	}
	return &body[retentionPreviewJSON]{retentionPreviewJSON{Days: in.Days, Conversations: n}}, nil
}
