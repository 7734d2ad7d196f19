package server

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Each person's sessions (issue 18): where each was opened, when it was
// last seen, and a way to sign any of them out; admins sign a person out
// everywhere.

type sessionJSON struct {
	ID         parley.ID  `json:"id"`
	UserAgent  string     `json:"user_agent" doc:"The browser, as it named itself."`
	Address    string     `json:"address" doc:"The client's address when it signed in."`
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt *time.Time `json:"last_seen_at" doc:"Within a few minutes."`
	ExpiresAt  time.Time  `json:"expires_at"`
	Current    bool       `json:"current" doc:"The session this list was asked with."`
}

type sessionsInput struct {
	Session string `cookie:"parley_session"`
}

func (s *Server) mySessions(ctx context.Context, a parley.Actor, in *sessionsInput) (*body[listJSON[sessionJSON]], error) {
	all, err := s.sessions.List(ctx, a.UserID, in.Session)
	if err != nil {
		return nil, err
	}
	out := make([]sessionJSON, len(all))
	for i, x := range all {
		out[i] = sessionJSON{ID: x.ID, UserAgent: x.Device.UserAgent, Address: x.Device.Address, CreatedAt: x.CreatedAt,
			LastSeenAt: x.LastSeenAt, ExpiresAt: x.ExpiresAt, Current: x.Current}
	}
	return list(out), nil
}

// endSession signs one of the person's own sessions out.
func (s *Server) endSession(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.sessions.End(ctx, a.UserID, in.ID)
}

// endUserSessions signs someone out everywhere (admins).
func (s *Server) endUserSessions(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.sessions.EndAll(ctx, a, in.ID)
}
