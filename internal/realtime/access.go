package realtime

import (
	"context"
	"slices"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
)

// Viewer decides what one user may receive: the events and signals of the
// inboxes they may read, and the organisation's events that are not about an
// inbox, except other people's tokens.
type Viewer struct {
	actor    parley.Actor
	m        auth.Memberships
	readable map[parley.ID]bool
}

// NewViewer loads what a may read.
func NewViewer(ctx context.Context, m auth.Memberships, a parley.Actor) (*Viewer, error) {
	v := &Viewer{m: m}
	return v, v.Refresh(ctx, a)
}

// Refresh reloads the inboxes the user may read, as a, the user as they are
// now (their role may have changed).
func (v *Viewer) Refresh(ctx context.Context, a parley.Actor) error {
	ids, err := auth.ReadableInboxIDs(ctx, v.m, a)
	if err != nil {
		return err
	}
	readable := make(map[parley.ID]bool, len(ids))
	for _, id := range ids {
		readable[id] = true
	}
	v.actor, v.readable = a, readable
	return nil
}

// Topics lists, sorted, the topics that carry everything the user may
// receive: the inboxes they read, the organisation's, their own, and the
// admins' if they are one.
func (v *Viewer) Topics() []Topic {
	ts := make([]Topic, 0, len(v.readable)+3)
	ts = append(ts, TopicOrg, UserTopic(v.actor.UserID))
	if auth.Admin(v.actor) == nil {
		ts = append(ts, TopicAdmins)
	}
	for id := range v.readable {
		ts = append(ts, InboxTopic(id))
	}
	slices.Sort(ts)
	return ts
}

// Sees reports whether the user may receive e: an inbox's event if they
// read the inbox, any other if one of the topics it goes out on is theirs
// (EventTopics decides both, so a replay never gives what the live stream
// would not: an agent once got webhook and SSO changes on resuming).
func (v *Viewer) Sees(e Event) bool {
	if e.InboxID != nil {
		return v.readable[*e.InboxID]
	}
	admin := auth.Admin(v.actor) == nil
	for _, t := range EventTopics(e) {
		if t == TopicOrg || t == TopicAdmins && admin || t == UserTopic(v.actor.UserID) {
			return true
		}
	}
	return false
}

// SeesSignal reports whether the user may receive sig; nobody receives their
// own.
func (v *Viewer) SeesSignal(sig Signal) bool {
	if sig.Actor.Kind == parley.ActorUser && sig.Actor.ID != nil && *sig.Actor.ID == v.actor.UserID {
		return false
	}
	return v.readable[sig.InboxID]
}

// EndsCredentials reports whether e may have ended a credential of user's
// or changed what they are (their role): streams of theirs check theirs
// again.
func EndsCredentials(e Event, user parley.ID) bool {
	switch e.Type {
	case parley.EventSessionEnded, parley.EventTokenRevoked, parley.EventUserUpdated:
		return e.UserID != nil && *e.UserID == user
	}
	return false
}

// ChangesAccess reports whether e may change who reads which inbox, so
// viewers must refresh after it.
func ChangesAccess(e Event) bool {
	switch e.Type {
	case parley.EventInboxCreated, parley.EventInboxUpdated, parley.EventInboxMembersChanged, parley.EventInboxDeleted,
		parley.EventTeamCreated, parley.EventTeamMembersChanged, parley.EventTeamDeleted, parley.EventUserUpdated:
		return true
	}
	return false
}
