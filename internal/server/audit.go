package server

import (
	"context"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

type auditInput struct {
	Action  string    `query:"action" maxLength:"500" doc:"Comma-separated actions; one ending in a dot is every action it begins (sign_in., inbox.)."`
	ActorID parley.ID `query:"actor_id" doc:"Only what this person did."`
	Since   time.Time `query:"since" doc:"Entries at or after this time."`
	Until   time.Time `query:"until" doc:"Entries before this time."`
	Before  int64     `query:"before" minimum:"0" doc:"Entries older than this id (the last of the previous page)."`
	Limit   int       `query:"limit" minimum:"0" maximum:"200" doc:"Up to this many (default 50)."`
}

type auditJSON struct {
	Entries []present.AuditEntryJSON `json:"entries"`
	Next    int64                    `json:"next" doc:"The before of the next page; 0 when this is the last."`
}

// audit is the audit log, for admins: every change of settings or access,
// sign-in, export, deletion and erasure, newest first.
func (s *Server) audit(ctx context.Context, a parley.Actor, in *auditInput) (*body[auditJSON], error) {
	f := parley.AuditFilter{BeforeID: in.Before, Limit: in.Limit}
	if f.Limit == 0 {
		f.Limit = 50
	}
	for _, act := range strings.Split(in.Action, ",") {
		if act = strings.TrimSpace(act); act != "" {
			f.Actions = append(f.Actions, act)
		}
	}
	if in.ActorID != 0 {
		f.ActorID = &in.ActorID
	}
	if !in.Since.IsZero() {
		f.Since = &in.Since
	}
	if !in.Until.IsZero() {
		f.Until = &in.Until
	}
	entries, err := s.org.Audit(ctx, a, f)
	if err != nil {
		return nil, err
	}
	out := auditJSON{Entries: make([]present.AuditEntryJSON, len(entries))}
	for i := range entries {
		out.Entries[i] = present.AuditEntry(&entries[i])
	}
	if len(entries) == f.Limit {
		out.Next = entries[len(entries)-1].ID
	}
	return &body[auditJSON]{out}, nil
}
