package present

import (
	"encoding/json"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// AuditEntryJSON is one line of the audit log.
type AuditEntryJSON struct {
	ID      int64            `json:"id"`
	At      time.Time        `json:"at"`
	Action  string           `json:"action" doc:"An event type (inbox.updated, user.updated…), or sign_in.succeeded or sign_in.failed."`
	Actor   AuditActorJSON   `json:"actor"`
	Address string           `json:"address" doc:"The address the request came from, when there was one."`
	Subject AuditSubjectJSON `json:"subject"`
	Seq     *int64           `json:"seq" doc:"The event of the log this entry records, if any."`
	Before  map[string]any   `json:"before" doc:"What the subject was before the change, where the change says it."`
	After   map[string]any   `json:"after" doc:"What the change made it, or what happened (a sign-in's method and reason)."`
}

// AuditActorJSON is who did what an audit entry records: for someone not
// signed in (a failed sign-in), the name is the email they gave.
type AuditActorJSON struct {
	Kind parley.ActorKind `json:"kind" enum:"user,contact,system,bot,anonymous"`
	ID   *parley.ID       `json:"id"`
	Name string           `json:"name"`
}

// AuditSubjectJSON is what an audit entry is about.
type AuditSubjectJSON struct {
	Kind string     `json:"kind" doc:"user, inbox, channel, team, token, webhook, org, conversation, contact…"`
	ID   *parley.ID `json:"id"`
}

// AuditEntry renders one line of the audit log.
func AuditEntry(e *parley.AuditEntry) AuditEntryJSON {
	out := AuditEntryJSON{ID: e.ID, At: e.At, Action: e.Action, Address: e.Address, Seq: e.Seq,
		Actor:   AuditActorJSON{Kind: e.ActorKind, ID: e.ActorID, Name: e.ActorName},
		Subject: AuditSubjectJSON{Kind: e.SubjectKind, ID: e.SubjectID}}
	if e.ActorKind == parley.ActorSystem {
		out.Actor.Name = "Parley"
	}
	_ = json.Unmarshal(e.Before, &out.Before)
	_ = json.Unmarshal(e.After, &out.After)
	return out
}
