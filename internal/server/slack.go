package server

import (
	"context"
	"slices"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
)

// Chat-tool posts (SPEC CHN-10): an inbox's new conversations, and if
// asked its assignments, posted to a Slack-compatible incoming webhook.

type slackJSON struct {
	ID             parley.ID `json:"id" doc:"The endpoint's id: its delivery log is /webhooks/{id}/deliveries, its test /webhooks/{id}/test."`
	URL            string    `json:"url"`
	Assignments    bool      `json:"assignments" doc:"Assignments are posted too."`
	Locale         string    `json:"locale" enum:"en,fr" doc:"The language of the posts."`
	Enabled        bool      `json:"enabled"`
	DisabledReason string    `json:"disabled_reason" doc:"failing when Parley turned it off after failing too often."`
	Failures       int       `json:"failures"`
}

func slackView(w *store.Webhook) slackJSON {
	return slackJSON{ID: w.ID, URL: w.URL, Assignments: slices.Contains(w.EventTypes, parley.EventAssigned), Locale: w.Locale, Enabled: w.Enabled,
		DisabledReason: w.DisabledReason, Failures: w.Failures}
}

func (s *Server) getSlack(ctx context.Context, a parley.Actor, in *idInput) (*body[slackJSON], error) {
	w, err := s.webhooks.Slack(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[slackJSON]{slackView(w)}, nil
}

type setSlackInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		URL         *string `json:"url,omitempty" maxLength:"2000" doc:"The incoming webhook's URL (Slack, Mattermost, Rocket.Chat…); required the first time."`
		Assignments *bool   `json:"assignments,omitempty"`
		Locale      *string `json:"locale,omitempty" enum:"en,fr"`
		Enabled     *bool   `json:"enabled,omitempty"`
	}
}

func (s *Server) setSlack(ctx context.Context, a parley.Actor, in *setSlackInput) (*body[slackJSON], error) {
	b := in.Body
	w, err := s.webhooks.SetSlack(ctx, a, in.ID, webhook.SlackInput{URL: b.URL, Assignments: b.Assignments, Locale: b.Locale, Enabled: b.Enabled})
	if err != nil {
		return nil, err
	}
	return &body[slackJSON]{slackView(w)}, nil
}

func (s *Server) removeSlack(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.webhooks.RemoveSlack(ctx, a, in.ID)
}
