package server

import (
	"context"

	"github.com/parleyhq/parley/internal/parley"
)

type transcriptInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		To     []string `json:"to" minItems:"1" maxItems:"20" doc:"The addresses to email the transcript to."`
		Locale string   `json:"locale,omitempty" enum:"en,fr" doc:"The transcript's language; default the visitor's."`
	}
}

// emailTranscript emails a closed chat's transcript to chosen people
// (SPEC CHT-12).
func (s *Server) emailTranscript(ctx context.Context, a parley.Actor, in *transcriptInput) (*struct{}, error) {
	return nil, s.chat.EmailTranscript(ctx, a, in.ID, in.Body.To, in.Body.Locale)
}
