package server

import (
	"context"

	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

type listNotificationsInput struct {
	Before parley.ID `query:"before" doc:"Notifications older than this id (the last of the previous page)."`
	Limit  int       `query:"limit" minimum:"0" maximum:"100" doc:"Up to this many (default 30)."`
}

type notificationsJSON struct {
	Items  []present.NotificationJSON `json:"items"`
	Unread int                        `json:"unread" doc:"How many of your notifications are unread, in all."`
}

// listNotifications is the signed-in person's notification centre (SPEC
// COL-3), newest first.
func (s *Server) listNotifications(ctx context.Context, a parley.Actor, in *listNotificationsInput) (*body[notificationsJSON], error) {
	limit := in.Limit
	if limit == 0 {
		limit = 30
	}
	items, unread, err := s.notifications.List(ctx, a, in.Before, limit)
	if err != nil {
		return nil, err
	}
	var m present.Mentions
	events := make([]parley.Event, len(items))
	for i, it := range items {
		m.Conversation(&it.Conversation)
		events[i] = parley.Event{ActorKind: it.ActorKind, ActorID: it.ActorID}
		m.Actor(&events[i])
	}
	names, err := s.names(ctx, a, &m)
	if err != nil {
		return nil, err
	}
	out := notificationsJSON{Items: make([]present.NotificationJSON, len(items)), Unread: unread}
	for i, it := range items {
		out.Items[i] = names.Notification(it.ID, it.Kind, &it.Conversation, &events[i], it.CreatedAt, it.ReadAt)
	}
	return &body[notificationsJSON]{out}, nil
}

type readNotificationsInput struct {
	Body struct {
		IDs []parley.ID `json:"ids,omitempty" maxItems:"100" doc:"The notifications to mark read; without ids, all of yours."`
	}
}

type unreadJSON struct {
	Unread int `json:"unread" doc:"How many of your notifications are still unread."`
}

// readNotifications marks the signed-in person's notifications read: some,
// or all of them.
func (s *Server) readNotifications(ctx context.Context, a parley.Actor, in *readNotificationsInput) (*body[unreadJSON], error) {
	unread, err := s.notifications.Read(ctx, a, in.Body.IDs) // nil: all
	if err != nil {
		return nil, err
	}
	return &body[unreadJSON]{unreadJSON{Unread: unread}}, nil
}

// notifyPrefsJSON is what reaches a person, by kind then medium.
type notifyPrefsJSON struct {
	Assigned map[string]bool `json:"assigned,omitempty" doc:"A conversation given to you: app, desktop, email."`
	Message  map[string]bool `json:"message,omitempty" doc:"A customer writing again in a conversation you own."`
	Mention  map[string]bool `json:"mention,omitempty" doc:"A teammate mentioning you."`
}

func prefsJSON(p notify.Prefs) notifyPrefsJSON {
	return notifyPrefsJSON{Assigned: p[notify.KindAssigned], Message: p[notify.KindMessage], Mention: p[notify.KindMention]}
}

// notificationSettings is what reaches the signed-in person (SPEC COL-3:
// each chooses per kind, in the app, on the desktop, by email).
func (s *Server) notificationSettings(ctx context.Context, a parley.Actor, _ *struct{}) (*body[notifyPrefsJSON], error) {
	p, err := s.notifications.Prefs(ctx, a)
	if err != nil {
		return nil, err
	}
	return &body[notifyPrefsJSON]{prefsJSON(p)}, nil
}

type setNotificationSettingsInput struct {
	Body notifyPrefsJSON
}

// setNotificationSettings sets what reaches the signed-in person; a kind
// or medium left out stays on.
func (s *Server) setNotificationSettings(ctx context.Context, a parley.Actor, in *setNotificationSettingsInput) (*body[notifyPrefsJSON], error) {
	p, err := s.notifications.SetPrefs(ctx, a, notify.Prefs{notify.KindAssigned: in.Body.Assigned,
		notify.KindMessage: in.Body.Message, notify.KindMention: in.Body.Mention})
	if err != nil {
		return nil, err
	}
	return &body[notifyPrefsJSON]{prefsJSON(p)}, nil
}
