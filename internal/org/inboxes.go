package org

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// InboxView is an inbox as one user sees it.
type InboxView struct {
	parley.Inbox
	// Member is whether the user is a member (and so may act, unless a viewer).
	Member bool
}

// NewInbox describes an inbox to create.
type NewInbox struct {
	Name    string
	Access  parley.InboxAccess // default everyone
	UserIDs []parley.ID
	TeamIDs []parley.ID
}

// CreateInbox adds an inbox (admins only, SPEC INB-1). Its slug, the local
// part of its email address, is made from the name and kept unique.
func (s *Service) CreateInbox(ctx context.Context, a parley.Actor, in NewInbox) (*parley.Inbox, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	name, err := inboxName(in.Name)
	if err != nil {
		return nil, err
	}
	if in.Access == "" {
		in.Access = parley.AccessEveryone
	}
	if !in.Access.Valid() {
		return nil, parley.Invalid("access", "must be everyone or specific")
	}
	var out *parley.Inbox
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = createInbox(ctx, tx, a, s.clock(), name, in)
		return err
	})
	return out, err
}

func createInbox(ctx context.Context, tx *store.Tx, a parley.Actor, now time.Time, name string, in NewInbox) (*parley.Inbox, error) {
	ib := &parley.Inbox{Name: name, Access: in.Access, UserIDs: in.UserIDs, TeamIDs: in.TeamIDs, CreatedAt: now, ChatTranscripts: true}
	base := slugify(name)
	taken, err := tx.Inboxes(ctx)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, t := range taken {
		used[t.Slug] = true
	}
	ib.Slug = base
	for i := 2; used[ib.Slug]; i++ {
		ib.Slug = fmt.Sprintf("%s-%d", base, i)
	}
	if err := tx.CreateInbox(ctx, ib); err != nil {
		if parley.ErrorCode(err) == parley.EINVALID {
			return nil, parley.Invalid("members", "names a user or team that does not exist")
		}
		return nil, err
	}
	e := parley.NewEvent(parley.EventInboxCreated, a, now, map[string]any{"name": ib.Name, "slug": ib.Slug, "access": ib.Access})
	e.InboxID = &ib.ID
	tx.Append(e)
	// Every inbox receives mail at its own address (SPEC CHN-3).
	ch := &parley.Channel{InboxID: ib.ID, Kind: parley.ChannelEmail, Name: "Email", Enabled: true, Builtin: true, CreatedAt: now}
	if err := tx.CreateChannel(ctx, ch); err != nil {
		return nil, err
	}
	tx.Append(channelEventAt(parley.EventChannelCreated, a, ch, now))
	return ib, nil
}

// Inboxes lists the inboxes the actor can see: all of them for an admin, the
// ones they are a member of for anyone else.
func (s *Service) Inboxes(ctx context.Context, a parley.Actor) ([]InboxView, error) {
	all, err := s.store.Inboxes(ctx)
	if err != nil {
		return nil, err
	}
	member := map[parley.ID]bool{}
	if a.Kind == parley.ActorUser {
		ids, err := s.store.MemberInboxIDs(ctx, a.UserID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			member[id] = true
		}
	}
	out := []InboxView{}
	for _, ib := range all {
		if auth.Decide(a, member[ib.ID], auth.Read) == nil {
			out = append(out, InboxView{Inbox: ib, Member: member[ib.ID]})
		}
	}
	return out, nil
}

// Inbox returns an inbox the actor can see, or ENOTFOUND.
func (s *Service) Inbox(ctx context.Context, a parley.Actor, id parley.ID) (*InboxView, error) {
	member := false
	if a.Kind == parley.ActorUser {
		var err error
		if member, err = s.store.IsInboxMember(ctx, id, a.UserID); err != nil {
			return nil, err
		}
	}
	if err := auth.Decide(a, member, auth.Read); err != nil {
		return nil, err
	}
	ib, err := s.store.Inbox(ctx, id)
	if err != nil {
		return nil, err
	}
	return &InboxView{Inbox: *ib, Member: member}, nil
}

// InboxPatch changes an inbox's name or access; nil leaves one as it is.
type InboxPatch struct {
	Name   *string
	Access *parley.InboxAccess
	// ChatTranscripts turns the transcripts closing a chat emails on or
	// off (SPEC CHT-12).
	ChatTranscripts *bool
}

// UpdateInbox renames an inbox or changes its access (admins only, SPEC INB-3).
// The slug, and so the inbox's address, does not change.
func (s *Service) UpdateInbox(ctx context.Context, a parley.Actor, id parley.ID, p InboxPatch) (*parley.Inbox, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	return s.changeInbox(ctx, a, id, parley.EventInboxUpdated, func(ib *parley.Inbox) error {
		if p.Name != nil {
			name, err := inboxName(*p.Name)
			if err != nil {
				return err
			}
			ib.Name = name
		}
		if p.Access != nil {
			if !p.Access.Valid() {
				return parley.Invalid("access", "must be everyone or specific")
			}
			ib.Access = *p.Access
		}
		if p.ChatTranscripts != nil {
			ib.ChatTranscripts = *p.ChatTranscripts
		}
		return nil
	}, func(tx *store.Tx, ib *parley.Inbox) error { return tx.UpdateInbox(ctx, ib) })
}

// SetInboxMembers replaces the users and teams named as an inbox's members
// (admins only, SPEC INB-3).
func (s *Service) SetInboxMembers(ctx context.Context, a parley.Actor, id parley.ID, userIDs, teamIDs []parley.ID) (*parley.Inbox, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	return s.changeInbox(ctx, a, id, parley.EventInboxMembersChanged, func(ib *parley.Inbox) error {
		ib.UserIDs, ib.TeamIDs = userIDs, teamIDs
		return nil
	}, func(tx *store.Tx, ib *parley.Inbox) error {
		err := tx.SetInboxMembers(ctx, ib.ID, ib.UserIDs, ib.TeamIDs)
		if parley.ErrorCode(err) == parley.EINVALID {
			return parley.Invalid("user_ids", "names a user or team that does not exist")
		}
		return err
	})
}

func (s *Service) changeInbox(ctx context.Context, a parley.Actor, id parley.ID, typ string,
	change func(*parley.Inbox) error, save func(*store.Tx, *parley.Inbox) error) (*parley.Inbox, error) {
	var out *parley.Inbox
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		ib, err := tx.Inbox(ctx, id)
		if err != nil {
			return err
		}
		before := inboxState(ib)
		if err := change(ib); err != nil {
			return err
		}
		if err := save(tx, ib); err != nil {
			return err
		}
		if ib, err = tx.Inbox(ctx, id); err != nil {
			return err
		}
		e := parley.NewEvent(typ, a, s.clock(), inboxState(ib)).Was(before)
		e.InboxID = &ib.ID
		tx.Append(e)
		out = ib
		return nil
	})
	return out, err
}

// DeleteInbox deletes an inbox for good with its channels and conversations
// (admins only, SPEC INB-4). confirm must be the inbox's name, as typed by the
// person deleting it; anything else is EINVALID. The deletion stays in the
// audit log.
func (s *Service) DeleteInbox(ctx context.Context, a parley.Actor, id parley.ID, confirm string) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		ib, err := tx.Inbox(ctx, id)
		if err != nil {
			return err
		}
		if strings.TrimSpace(confirm) != ib.Name {
			return parley.Invalid("name", "type the inbox's name, %q, to confirm", ib.Name).Because("confirm_name")
		}
		if err := tx.DeleteInbox(ctx, id); err != nil {
			return err
		}
		e := parley.NewEvent(parley.EventInboxDeleted, a, s.clock(), map[string]any{"name": ib.Name, "slug": ib.Slug})
		e.InboxID = &ib.ID
		tx.Append(e)
		return nil
	})
}

func inboxName(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", parley.Invalid("name", "is required")
	case len([]rune(s)) > 100:
		return "", parley.Invalid("name", "is longer than 100 characters")
	}
	return s, nil
}

// slugify makes the local part of an address from a name: "Ventes & Équipe"
// becomes "ventes-equipe".
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// drop accents
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 40 {
		s = strings.Trim(s[:40], "-")
	}
	if s == "" {
		s = "inbox"
	}
	return s
}

// inboxState is what an inbox's event says of it, and the audit log keeps
// from before and after a change.
func inboxState(ib *parley.Inbox) map[string]any {
	return map[string]any{"name": ib.Name, "access": ib.Access, "user_ids": ib.UserIDs, "team_ids": ib.TeamIDs,
		"chat_transcripts": ib.ChatTranscripts}
}
